// stela/mpi.hpp — least squares over rows spread across MPI processes: TSQR.
//
// Target stela_mpi (CMake option STELA_WITH_MPI, off by default). The core library
// does not know MPI exists; this layer sits on top of its QR accumulator
// (stela/streaming.hpp) and an MPI implementation found by CMake's FindMPI.
//
// The problem: min ||Y - X W||_F where the n rows of [X | Y] are split among the p
// processes of a communicator, each holding a contiguous or arbitrary share of them.
// Rows never move. Every process
//
//   1. reduces its own rows to the (d + k) x (d + k) R factor of its share with a
//      QrAccumulator (one pass over its rows, O((d + k)^2) memory besides them);
//   2. agrees with the others on the outcome of step 1 (one allreduce of a few
//      integers), so that bad input on any process becomes a status on every process
//      before anyone waits for a message that would never come;
//   3. takes part in a binary-tree reduction of the R factors: at level l, the process
//      of rank r with r mod 2^(l+1) = 2^l sends its R to rank r - 2^l, which merges it
//      into its own (QrAccumulator::merge, a QR of the stacked triangles); after
//      ceil(log2 p) levels rank 0 holds the R of all n rows (Demmel, Grigori, Hoemmen
//      and Langou, SIAM J. Sci. Comput. 34(1), 2012, section 3: TSQR on a binary tree);
//   4. rank 0 solves R11 W = R12 and reads the residual norms off R22; the status, the
//      rank, the condition estimate, W and the residual norms are broadcast, so that
//      every process returns the same Result.
//
// Cost: one pass over the local rows (2 n_local (d + k)^2 flops), then p - 1 messages of
// (d + k)(d + k + 1)/2 numbers plus two integers along a tree of depth ceil(log2 p),
// and two broadcasts of d k + k + 2 numbers: O((d + k)^2 log p) words on the critical
// path, independent of n. Accuracy: that of Householder QR on all the rows (the tree adds
// O(log p eps) to the backward error; the accumulator's card).
//
// Errors: every process returns the same status. Before any R moves, the processes
// agree (MPI_Allreduce) on d and k and on the local statuses: a shape mismatch between
// local X and Y, NaN or Inf in a local row (not_finite), or processes that disagree on
// d or k (dimension_mismatch) stop every process at once, with the lowest-ranked process
// at fault in failed_rank (for differing d or k: the lowest rank that differs from
// rank 0). A process may hold no rows at all: its R is zero and adds nothing. After the
// reduction, rank_deficient (the qr rule of lstsq; fewer than d rows in all is one case)
// comes from the solve on rank 0 and reaches every process by the broadcast. An MPI call that fails is returned as Status::invalid_argument with
// info.mpi_error set (MPI's default error handler aborts the job first, unless the
// caller installed MPI_ERRORS_RETURN).
//
// This layer allocates (std::vector) and is not meant for the no-heap path.
#pragma once

#include <mpi.h>

#include "stela/matrix.hpp"
#include "stela/status.hpp"
#include "stela/streaming.hpp"
#include "stela/tolerance.hpp"

namespace stela::mpi {

template <class T>
struct TsqrResult {
  Matrix<T> solution;       // d x k, on every process
  Vector<T> residual_norm;  // ||y_j - X w_j|| for each of the k columns
  index rows = 0;           // n, the rows of all processes together
  index rank = 0;           // d after a successful solve (the qr rule: full rank or a status)
  T tolerance = 0;          // the threshold the rank rule compared |r_jj| with
  T condition = 0;          // kappa_1(R11) estimate (Hager–Higham), as lstsq's qr method
  int failed_rank = -1;     // the lowest rank whose input was refused, -1 if none
  int mpi_error = 0;        // the MPI error code when an MPI call failed, else 0
};

// Steps 2-4 for a caller that accumulated its share itself (a program that reads its
// rows a block at a time). Collective over comm: every process passes its own
// accumulator (the same d and k everywhere) and the status its accumulation ended with;
// a status other than ok on any process stops every process with that status. The
// accumulator is consumed: on return its R holds partial merges.
template <class T>
Result<TsqrResult<T>> reduce_and_solve(MPI_Comm comm, QrAccumulator<T>& local, Status local_status,
                                       const RankTolerance<T>& tol = {});

// Collective over comm: each process passes its own rows, X_local (n_i x d) and Y_local
// (n_i x k; n_i may be 0), the same d and k everywhere. Returns on every process the
// least-squares solution of all the rows together, as lstsq(X, Y, {LstsqMethod::qr})
// on the stacked rows would, with its residual norms, rank and condition estimate.
template <class T>
Result<TsqrResult<T>> lstsq(MPI_Comm comm, MatrixView<const T> X_local, MatrixView<const T> Y_local,
                            const RankTolerance<T>& tol = {});

}  // namespace stela::mpi
