// tools/stela/stream.cpp — `stela lstsq --stream` (stream.hpp): files a block of rows
// at a time into the QR accumulator, then the solve. No numerics here beyond the
// forward-error estimate's formula: R, W, the rank rule and the condition estimate come
// from stela::QrAccumulator.
#include "stream.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <string>

#include "io/row_stream.hpp"
#include "stela/scalar.hpp"
#include "stela/streaming.hpp"

namespace stela::cli {
namespace {

using Clock = std::chrono::steady_clock;

// The progress line on standard error (see stream.hpp).
class Progress {
 public:
  Progress(bool on, index total) : on_(on), total_(total), start_(Clock::now()), last_(start_) {}

  double seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

  // After every block: redraw when a quarter of a second has passed since the last
  // drawing (and not before half a second, so that short runs print nothing).
  void update(index rows) {
    if (!on_) return;
    const Clock::time_point now = Clock::now();
    if (now - last_ < std::chrono::milliseconds(250) || now - start_ < std::chrono::milliseconds(500)) return;
    last_ = now;
    const double t = std::chrono::duration<double>(now - start_).count();
    char line[160];
    if (total_ >= 0)
      std::snprintf(line, sizeof line, "\rstela lstsq: %lld of %lld rows (%.0f%%), %.3g rows/s, %.1f s  ",
                    static_cast<long long>(rows), static_cast<long long>(total_),
                    total_ > 0 ? 100.0 * static_cast<double>(rows) / static_cast<double>(total_) : 100.0,
                    static_cast<double>(rows) / t, t);
    else
      std::snprintf(line, sizeof line, "\rstela lstsq: %lld rows, %.3g rows/s, %.1f s  ",
                    static_cast<long long>(rows), static_cast<double>(rows) / t, t);
    std::cerr << line << std::flush;
    drawn_ = true;
  }

  // Erases the line, so that what follows on the terminal starts clean.
  void finish() {
    if (drawn_) std::cerr << "\r" << std::string(78, ' ') << "\r" << std::flush;
    drawn_ = false;
  }
  ~Progress() { finish(); }

 private:
  bool on_;
  index total_;
  Clock::time_point start_, last_;
  bool drawn_ = false;
};

// Rows [first, first + count) of `block` (double, as read) into `out` in precision T,
// checked as checked_matrix checks a whole matrix: NaN or Inf (also beyond float's
// range) is not_finite, a nonzero entry that would become 0 in float is invalid_input;
// each names the file, the row (1-based, of the whole file) and the column. Subnormal
// floats are counted for one warning at the end.
template <class T>
void convert_block(MatrixView<const double> block, index count, index first, const std::string& name,
                   MatrixView<T> out, Narrowing<T>& narrowing) {
  for (index j = 0; j < block.cols(); ++j)
    for (index i = 0; i < count; ++i) out(i, j) = narrowing.entry(block(i, j), name, first + i + 1, j + 1);
}

io::RowStream open_stream(const std::string& path, const std::optional<io::Format>& format,
                          const io::ReadLimits& limits) {
  io::Expected<io::RowStream> s = io::RowStream::open(path, format, limits);
  if (!s && s.error().overflow) fail_numerical(Status::not_finite, s.error().message);
  if (!s && s.error().limit) fail_limit(s.error().message);
  if (!s) fail_input(s.error().message);
  return std::move(s).value();
}

index read_block(io::RowStream& s, MatrixView<double> block) {
  io::Expected<index> got = s.read(block);
  if (!got && got.error().overflow) fail_numerical(Status::not_finite, got.error().message);
  if (!got && got.error().limit) fail_limit(got.error().message);
  if (!got) fail_input(got.error().message);
  return *got;
}

// The LAPACK Users' Guide (section 4.5.2) estimate of lstsq's other methods
// (src/solvers/lstsq.cpp): eps (2 kappa / cos(theta) + tan(theta) kappa^2), with
// sin(theta) = ||r|| / ||y||.
double forward_error(double e, double kappa, double residual, double y_norm) {
  if (!(kappa == kappa)) return std::numeric_limits<double>::quiet_NaN();
  if (y_norm == 0) return 0;
  const double sin_theta = std::min(1.0, residual / y_norm);
  const double cos_theta = std::sqrt((1 - sin_theta) * (1 + sin_theta));
  if (cos_theta == 0) return std::numeric_limits<double>::infinity();
  return e * (2 * kappa / cos_theta + sin_theta / cos_theta * kappa * kappa);
}

// Step 1 of stream_lstsq: checks what the stream will form (the factor, W, one block)
// against the limits, and returns the rows per block: --chunk-rows if given, else about
// 1 MiB of doubles within the limits. `on` names the request in messages.
template <class T>
index chunk_rows(const Invocation& inv, const io::ReadLimits& limits, index known_rows, index d, index k,
                 const std::string& on) {
  check_elements(inv, on + " would form the factor R of [X | Y]", d + k, d + k);
  check_elements(inv, on + " would form the solution W", d, k);
  // A block holds b (d + k) doubles, and as many T besides in single precision.
  const std::int64_t row_bytes = static_cast<std::int64_t>(d + k) *
                                 static_cast<std::int64_t>(sizeof(double) + (sizeof(T) < sizeof(double) ? sizeof(T) : 0));
  const std::int64_t width = std::max<index>(d + k, 1);
  index chunk = 0;
  if (inv.has("chunk-rows")) {
    chunk = static_cast<index>(integer_option(inv, "chunk-rows", 0, 1, 2147483647));
    check_elements(inv, on + " in blocks of " + std::to_string(chunk) + " rows would form a block", chunk, d + k);
    if (static_cast<std::int64_t>(chunk) * std::max<std::int64_t>(row_bytes, 1) > limits.max_bytes)
      fail_limit(on + ": a block of " + std::to_string(chunk) + " rows holds " +
                 std::to_string(static_cast<std::int64_t>(chunk) * row_bytes) + " bytes, above the limit of " +
                 std::to_string(limits.max_bytes) + " (--max-bytes N raises it, a smaller --chunk-rows lowers it)");
  } else {
    // About 1 MiB of doubles per block: large enough that reading and the blocked
    // update run at full speed, small beside any memory.
    const std::int64_t fit = std::min<std::int64_t>({(std::int64_t{1} << 17) / width, limits.max_elements / width,
                                                     limits.max_bytes / std::max<std::int64_t>(row_bytes, 1)});
    chunk = static_cast<index>(std::max<std::int64_t>(fit, 1));
    if (known_rows >= 0) chunk = std::max<index>(1, std::min(chunk, known_rows));
    check_elements(inv, on + " would form a block of one row", 1, d + k);
  }
  return chunk;
}

// Step 4 of stream_lstsq: the solution from the accumulated R by the rank rule of lstsq's
// qr method, with the report's residual norms, condition and error estimate.
template <class T>
StreamedLstsq solve_streamed(const Invocation& inv, QrAccumulator<T>& acc, Workspace work) {
  const index d = acc.unknowns(), k = acc.rhs();
  const index n = acc.rows();
  StreamedLstsq out;
  out.rows = n;
  out.d = d;
  out.k = k;
  Matrix<T> W(d, k);
  Vector<T> rho(k);
  AccumulatorInfo<T> info;
  const Status solved = acc.solve(W.view(), rho.view(), info, work, rank_tolerance_in<T>(inv));
  if (solved != Status::ok)
    fail_computation(solved, "lstsq by tsqr on X " + shape(n, d) + " (streamed)",
                     solved == Status::rank_deficient
                         ? "X is rank-deficient to working precision (or has fewer rows than columns); "
                           "the in-memory svd, jacobi and qrcp methods handle any rank"
                         : "");
  out.rank = info.rank;
  out.tolerance = static_cast<double>(info.tolerance);
  out.condition = static_cast<double>(info.condition);
  out.W = widen<T>(W.view());
  out.residual_norm = widen<T>(rho.view());
  // ||y_j|| is the norm of column d + j of R (Q is orthogonal).
  out.forward_error = Vector<double>(k);
  MatrixView<const T> R = acc.R();
  for (index j = 0; j < k; ++j) {
    double y2 = 0;
    for (index i = 0; i <= d + j; ++i) y2 += static_cast<double>(R(i, d + j)) * static_cast<double>(R(i, d + j));
    out.forward_error[j] =
        forward_error(static_cast<double>(eps<T>()), out.condition, out.residual_norm[j], std::sqrt(y2));
  }
  return out;
}

}  // namespace

void check_stream_options(const Invocation& inv) {
  const bool stream = inv.flag("stream");
  if (!stream && inv.has("chunk-rows")) fail_usage("--chunk-rows applies to --stream only");
  if (!stream && inv.flag("quiet")) fail_usage("--quiet applies to --stream only");
  if (!stream) return;
  if (inv.flag("equilibrate") || inv.flag("no-equilibrate") || inv.flag("refine"))
    fail_usage("--equilibrate, --no-equilibrate and --refine do not apply to --stream (the streamed R keeps no copy of X)");
  if (inv.has("method"))
    fail_usage("--method does not apply to --stream, which always uses tsqr (the R factor of [X | Y] a block at a "
               "time; the rank rule of --method qr)");
  if (inv.operands[0] == "-" && inv.operands[1] == "-") fail_usage("standard input ('-') can be read only once");
}

template <class T>
StreamedLstsq stream_lstsq(const Invocation& inv) {
  const io::ReadLimits limits = read_limits(inv);
  const std::optional<io::Format> format = input_format(inv);
  const std::string& x_path = inv.operands[0];
  const std::string& y_path = inv.operands[1];
  io::RowStream xs = open_stream(x_path, format, limits);
  io::RowStream ys = open_stream(y_path, format, limits);
  const index d = xs.cols(), k = ys.cols();
  const auto mismatch = [&](const std::string& what) {
    fail_dimension_mismatch(xs.name() + " and " + ys.name() + " differ in rows: " + what);
  };
  if (xs.known_rows() >= 0 && ys.known_rows() >= 0 && xs.known_rows() != ys.known_rows())
    mismatch(xs.name() + " has " + std::to_string(xs.known_rows()) + ", " + ys.name() + " has " +
             std::to_string(ys.known_rows()));

  // 1. What is formed, against the limits (stream.hpp, "Limits under --stream").
  const std::string on = "lstsq --stream on X of " + std::to_string(d) + " columns";
  const index chunk = chunk_rows<T>(inv, limits, xs.known_rows(), d, k, on);

  // 2. The accumulator over its (d + k)^2 storage, and one block's buffers.
  Matrix<T> storage(d + k, d + k);
  Result<QrAccumulator<T>> made = QrAccumulator<T>::create(storage.view(), d, k);
  if (!made.ok()) fail_computation(made.status(), on);
  QrAccumulator<T> acc = *made;
  // add_rows works in chunks of what its workspace holds: 64 rows at a time is its
  // blocked speed already, and keeps the workspace O((d + k)^2 + 64 (d + k)).
  WorkspaceBuffer buffer(QrAccumulator<T>::workspace_size(d, k, std::min<index>(chunk, 64)));
  Matrix<double> Xd(chunk, d), Yd(chunk, k);
  Matrix<T> Xt(sizeof(T) < sizeof(double) ? chunk : 0, d), Yt(sizeof(T) < sizeof(double) ? chunk : 0, k);

  // 3. X and Y in lockstep: b rows of X, then exactly as many of Y.
  Progress progress(!inv.flag("quiet") && isatty(STDERR_FILENO) == 1, xs.known_rows());
  Narrowing<T> narrowing;
  for (;;) {
    const index first = xs.rows_read();
    const index c = read_block(xs, Xd.view());
    if (c == 0) {
      // X has ended; Y must have too.
      if (read_block(ys, Yd.view().row_block(0, 1)) > 0)
        mismatch(xs.name() + " ends after " + std::to_string(first) + " rows, " + ys.name() + " has more");
      break;
    }
    const index cy = read_block(ys, Yd.view().row_block(0, c));
    if (cy < c)
      mismatch(ys.name() + " ends after " + std::to_string(first + cy) + " rows, " + xs.name() + " has more");
    MatrixView<const T> Xb, Yb;
    if constexpr (sizeof(T) < sizeof(double)) {
      convert_block<T>(Xd.view(), c, first, xs.name(), Xt.view(), narrowing);
      convert_block<T>(Yd.view(), c, first, ys.name(), Yt.view(), narrowing);
      Xb = MatrixView<const T>(Xt.view().row_block(0, c));
      Yb = MatrixView<const T>(Yt.view().row_block(0, c));
    } else {
      convert_block<T>(Xd.view(), c, first, xs.name(), Xd.view(), narrowing);
      convert_block<T>(Yd.view(), c, first, ys.name(), Yd.view(), narrowing);
      Xb = MatrixView<const T>(Xd.view().row_block(0, c));
      Yb = MatrixView<const T>(Yd.view().row_block(0, c));
    }
    const Status added = acc.add_rows(Xb, Yb, buffer.workspace());
    if (added != Status::ok)
      fail_computation(added, on + ", rows " + std::to_string(first + 1) + " to " + std::to_string(first + c));
    progress.update(xs.rows_read());
  }
  progress.finish();
  narrowing.warn();

  // 4. The solve, by the rank rule of lstsq's qr method.
  StreamedLstsq out = solve_streamed<T>(inv, acc, buffer.workspace());
  out.seconds = progress.seconds();
  out.chunk_rows = chunk;
  return out;
}

template StreamedLstsq stream_lstsq<float>(const Invocation&);
template StreamedLstsq stream_lstsq<double>(const Invocation&);

}  // namespace stela::cli
