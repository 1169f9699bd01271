// The sweeps of the test-matrix catalogue (STYLE.md rules 18 and 19): the sizes and
// shapes that break code, every catalogue type at each of them, and the subsets the
// costly checks and the sanitizer build take.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "stela/random.hpp"

namespace stela::test {

// Whether this build runs under AddressSanitizer (the debug preset, about ten times
// slower than release). The widest sweeps at the big sizes then take a rotating subset of
// the catalogue: the sanitizers look for memory errors, which every path still meets,
// and the release run of the slow test set covers the whole catalogue.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kSanitizedBuild = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kSanitizedBuild = true;
#else
inline constexpr bool kSanitizedBuild = false;
#endif
#else
inline constexpr bool kSanitizedBuild = false;
#endif

// Whether the widest sweeps take the lighter subset below: under the sanitizers, and under
// emulation (the aarch64 preset runs every test in qemu-aarch64, 20 to 30 times slower
// than native; tests/support/CMakeLists.txt defines STELA_TEST_LIGHT_SWEEPS for a cross
// build with an emulator). The native release run of the slow set covers everything.
#if defined(STELA_TEST_LIGHT_SWEEPS)
inline constexpr bool kLightSweeps = true;
#else
inline constexpr bool kLightSweeps = kSanitizedBuild;
#endif

// Whether the tests run on a board with a few MiB of RAM (the bare-metal runner of
// tests/embedded/baremetal, which defines STELA_RUNNER_DOUBLE; QEMU's MPS2 boards have
// 4 MiB): a test whose size list reaches past 129 leaves those sizes out there, since
// its matrices, their long-double references and the packing buffers do not fit.
#if defined(STELA_RUNNER_DOUBLE)
inline constexpr bool kSmallMemory = true;
#else
inline constexpr bool kSmallMemory = false;
#endif

// The sizes that break code, swept as m and as n: empty, one, two, odd, and sizes past
// the smallest special cases.
std::vector<index> small_sizes();

// Both sides of the block size 128 and one past twice it. Every catalogue type runs at
// all of them; the block-edge checks compare blocked with unblocked results instead of
// forming long-double products of the full Q.
std::vector<index> block_edge_sizes();

// The least-squares sweeps: the nonempty small sizes and the block edges.
std::vector<index> solve_sizes();

struct Shape {
  index m;
  index n;
  const char* kind;  // "square", "tall", "wide"
};

// Square s x s, tall t x s and wide s x t with t = s + min(s/2, 10) + 3 (a few rows or
// columns more, so that the big shapes keep the long-double checks affordable).
std::vector<Shape> shapes_of(index s);

// Calls body(tm, shape, seed) for every catalogue type at every size s of `sizes`, in
// the three shapes of shapes_of(s), tm made with seed = seed_base + s and `opts`. Under
// light sweeps (sanitizers, emulation) the sizes past 100 take every tenth (type, size,
// shape) case only.
template <class T, class Body>
void for_each_catalogue_case(const std::vector<index>& sizes, std::uint64_t seed_base, const CatalogueOptions& opts,
                             Body body) {
  index big_case = 0;
  for (MatrixType type : all_matrix_types())
    for (index s : sizes)
      for (const Shape& shape : shapes_of(s)) {
        if (kLightSweeps && s > 100 && big_case++ % 10 != 0) continue;
        const std::uint64_t seed = seed_base + static_cast<std::uint64_t>(s);
        const TestMatrix<T> tm = make_test_matrix<T>(type, shape.m, shape.n, seed, opts);
        body(tm, shape, seed);
      }
}

// Whether the catalogue type is full rank and well enough conditioned (with kappa = 10
// for the singular-value modes) for an inconsistent least-squares problem: the
// optimality ratio of a backward-stable solver grows like kappa ||b|| / ||r||, so the
// ill-conditioned types get consistent right-hand sides only.
bool well_conditioned(MatrixType type);

// The square 50 x 50 member of a shape sweep is the costly one (the SVDs are O(n^3));
// it runs only for the types that stress different things: graded singular values,
// exact rank deficiency, grading, underflow and the classic hard cases.
bool in_big_square_subset(MatrixType type);
inline bool sweep_skips(MatrixType type, index m, index n) { return m >= 50 && n >= 50 && !in_big_square_subset(type); }

}  // namespace stela::test
