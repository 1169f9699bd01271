// TSQR across MPI processes: local accumulation, agreement, tree reduction, solve.
//
// Counterpart:  the parallel TSQR of Demmel, Grigori, Hoemmen and Langou ("Communication-
//               optimal parallel and sequential QR and LU factorizations", SIAM J. Sci.
//               Comput. 34(1), 2012, sections 3-4) on a binary tree, keeping only R, then
//               xGELS's triangular solve; ScaLAPACK's PxGELS solves the same problem with
//               a 2-D block-cyclic X instead.
// Computes:     W = R11^{-1} R12 and rho_j = ||R22(:, j)|| from the R of all the rows of
//               [X | Y], whichever process holds them (stela/mpi.hpp).
// Method:       each process: R_i := the R of its rows (QrAccumulator::add_rows). Then a
//               binomial tree over ranks 0..p-1: at level l (step s = 2^l), a rank r with
//               r mod 2s = s sends its R to r - s and is done; a rank r with r mod 2s = 0
//               and r + s < p receives R_(r+s) and merges, R_r := the R of [R_r; R_(r+s)].
//               After ceil(log2 p) levels rank 0 holds R; it solves and broadcasts.
// Why explicit sends and not MPI_Reduce with a user-defined MPI_Op:
//               - an MPI_Op function returns nothing: a merge that meets NaN or Inf could
//                 not report its status, while a message can carry it up the tree;
//               - the combined value is R plus a row count (an integer that a float
//                 cannot hold exactly past 2^24) plus a status: a derived datatype of
//                 mixed types, which user-defined ops handle awkwardly;
//               - MPI may apply an op to its operands in any grouping and, for an op
//                 declared commutative, any order; the merge is associative and
//                 commutative only up to rounding and the signs of R's rows, so the
//                 result would depend on the implementation's reduction algorithm. The
//                 explicit tree fixes the order: for a given p the answer is bit for bit
//                 the same on every run and every MPI;
//               - the op would need the merge's workspace (a (d + k)^2 buffer) from a
//                 global, since its signature has no room for one.
//               The cost is the same as a tree MPI_Reduce: p - 1 messages in log2 p rounds.
// Messages:     one per tree edge, packed with MPI_Pack (portable across heterogeneous
//               hosts): {status, rows, failed rank} as int64, then R's upper triangle
//               column by column, (d + k)(d + k + 1)/2 numbers. Only the upper triangle
//               is sent: merge reads nothing else.
// Agreement:    before the tree, one MPI_Allreduce(MAX) of six int64: the local status,
//               d, -d, k, -k and -(the rank, if its status is not ok). Max of the status
//               codes is a status every process computes identically, d = -(-d) checks
//               that every process has the same d (k likewise; if not, a broadcast of
//               rank 0's d and k and an MPI_Allreduce(MIN) name the lowest rank that
//               differs), and the last entry gives the lowest failing rank. All processes leave the agreement on the same
//               branch, so no process waits for a message that another will never send.
// Flops:        2 n_i (d + k)^2 on process i for its rows; 2 (d + k)^3 / 3 per merge,
//               ceil(log2 p) merges on the critical path; d^2 k for the solve.
// Words:        (d + k)(d + k + 1)/2 + O(1) per message, log2 p messages on the critical
//               path; two broadcasts of d k + k + 2 numbers and four integers.
// Stability:    each merge is a Householder QR of two stacked triangles, backward stable;
//               the tree adds O(eps log p) ||[X | Y]|| to the backward error of the local
//               accumulations, so W has Householder QR's forward error (Demmel et al.
//               2012, section 6; the accumulator's card).
// Statuses:     dimension_mismatch, not_finite, workspace_too_small (from the local
//               accumulation), rank_deficient (the solve), invalid_argument (an MPI call
//               failed: info.mpi_error).
#include <algorithm>
#include <cstdint>
#include <vector>

#include "stela/mpi.hpp"
#include "stela/workspace.hpp"

namespace stela::mpi {
namespace {

// The tag of the tree's messages; on a communicator of its own (MPI_Comm_dup), so any
// value would do.
constexpr int kTreeTag = 14;
// Rows added per add_rows chunk: the workspace is about kChunkRows (d + k) numbers.
constexpr index kChunkRows = 64;

template <class T>
MPI_Datatype mpi_type() {
  return sizeof(T) == sizeof(float) ? MPI_FLOAT : MPI_DOUBLE;
}

// What travels up the tree besides R, and what rank 0 broadcasts besides W.
struct Header {
  std::int64_t status = 0;
  std::int64_t rows = 0;
  std::int64_t failed_rank = -1;
  std::int64_t rank = 0;
};

// Every rank's status, d and k combined: the same answer on every rank.
struct Agreement {
  Status status = Status::ok;
  int failed_rank = -1;
  int mpi_error = MPI_SUCCESS;
};

Agreement agree(MPI_Comm comm, int me, int p, Status local, index d, index k) {
  const bool failed = local != Status::ok;
  std::int64_t v[6] = {static_cast<std::int64_t>(local), d, -d, k, -k, failed ? -me : -p};
  Agreement a;
  // v := the element-wise max over all ranks.
  a.mpi_error = MPI_Allreduce(MPI_IN_PLACE, v, 6, MPI_INT64_T, MPI_MAX, comm);
  if (a.mpi_error != MPI_SUCCESS) return a;
  if (v[0] != 0) {
    a.status = static_cast<Status>(v[0]);
    a.failed_rank = static_cast<int>(-v[5]);
    return a;
  }
  if (v[1] == -v[2] && v[3] == -v[4]) return a;
  // Ranks disagree on d or k: the lowest rank whose d or k differs from rank 0's is at
  // fault (every rank is on this branch, so the two collectives below match).
  std::int64_t root_shape[2] = {d, k};
  a.mpi_error = MPI_Bcast(root_shape, 2, MPI_INT64_T, 0, comm);
  if (a.mpi_error != MPI_SUCCESS) return a;
  std::int64_t odd_one = (d != root_shape[0] || k != root_shape[1]) ? me : p;
  a.mpi_error = MPI_Allreduce(MPI_IN_PLACE, &odd_one, 1, MPI_INT64_T, MPI_MIN, comm);
  a.status = Status::dimension_mismatch;
  a.failed_rank = static_cast<int>(odd_one);
  return a;
}

// The message of one tree edge: header, then R's upper triangle column by column.
template <class T>
class Packet {
 public:
  Packet(MPI_Comm comm, index order) : comm_(comm), order_(order) {
    int header_bytes = 0, triangle_bytes = 0;
    MPI_Pack_size(3, MPI_INT64_T, comm, &header_bytes);
    MPI_Pack_size(static_cast<int>(order * (order + 1) / 2), mpi_type<T>(), comm, &triangle_bytes);
    bytes_.resize(static_cast<std::size_t>(header_bytes + triangle_bytes));
    triangle_.resize(static_cast<std::size_t>(order * (order + 1) / 2));
  }

  int send(const Header& h, MatrixView<const T> R, int to) {
    for (index j = 0, at = 0; j < order_; ++j)
      for (index i = 0; i <= j; ++i) triangle_[static_cast<std::size_t>(at++)] = R(i, j);
    const std::int64_t header[3] = {h.status, h.rows, h.failed_rank};
    int position = 0;
    int e = MPI_Pack(header, 3, MPI_INT64_T, bytes_.data(), size(), &position, comm_);
    if (e == MPI_SUCCESS)
      e = MPI_Pack(triangle_.data(), triangle_count(), mpi_type<T>(), bytes_.data(), size(), &position, comm_);
    if (e == MPI_SUCCESS) e = MPI_Send(bytes_.data(), position, MPI_PACKED, to, kTreeTag, comm_);
    return e;
  }

  // Receives into h and R (R's strict lower triangle is set to zero).
  int receive(Header& h, MatrixView<T> R, int from) {
    int e = MPI_Recv(bytes_.data(), size(), MPI_PACKED, from, kTreeTag, comm_, MPI_STATUS_IGNORE);
    std::int64_t header[3] = {0, 0, -1};
    int position = 0;
    if (e == MPI_SUCCESS) e = MPI_Unpack(bytes_.data(), size(), &position, header, 3, MPI_INT64_T, comm_);
    if (e == MPI_SUCCESS)
      e = MPI_Unpack(bytes_.data(), size(), &position, triangle_.data(), triangle_count(), mpi_type<T>(), comm_);
    h.status = header[0];
    h.rows = header[1];
    h.failed_rank = header[2];
    for (index j = 0, at = 0; j < order_; ++j)
      for (index i = 0; i < order_; ++i) R(i, j) = i <= j ? triangle_[static_cast<std::size_t>(at++)] : T(0);
    return e;
  }

 private:
  int size() const { return static_cast<int>(bytes_.size()); }
  int triangle_count() const { return static_cast<int>(triangle_.size()); }

  MPI_Comm comm_;
  index order_;
  std::vector<char> bytes_;
  std::vector<T> triangle_;
};

// The binomial tree. On return, rank 0's `local` holds the R of every row and the
// header the tree's status; other ranks' headers say what they sent.
template <class T>
Header reduce_tree(MPI_Comm comm, int me, int p, QrAccumulator<T>& local, int& mpi_error) {
  const index d = local.unknowns(), k = local.rhs(), order = d + k;
  Packet<T> packet(comm, order);
  Matrix<T> R_child(order, order);
  WorkspaceBuffer buffer(QrAccumulator<T>::merge_workspace_size(d, k));
  Header h;
  for (int s = 1; s < p && mpi_error == MPI_SUCCESS; s *= 2) {
    if (me % (2 * s) == s) {
      // Send R_me to rank me - s; this rank's part is done.
      h.rows = local.rows();
      mpi_error = packet.send(h, local.R(), me - s);
      return h;
    }
    if (me % (2 * s) != 0 || me + s >= p) continue;
    Header child;
    mpi_error = packet.receive(child, R_child.view(), me + s);
    if (mpi_error != MPI_SUCCESS || h.status != 0) continue;
    if (child.status != 0) {
      h.status = child.status;  // a failure below is passed up unchanged
      h.failed_rank = child.failed_rank;
      continue;
    }
    // R_me := the R of [R_me; R_child]
    const Status merged = local.merge(MatrixView<const T>(R_child), static_cast<index>(child.rows), buffer.workspace());
    if (merged != Status::ok) {
      h.status = static_cast<std::int64_t>(merged);
      h.failed_rank = me;
    }
  }
  h.rows = local.rows();
  return h;
}

// Rank 0: W and rho from the reduced R; the rank when the qr rule refuses.
template <class T>
void solve_on_root(const QrAccumulator<T>& R, const RankTolerance<T>& tol, Header& h, TsqrResult<T>& out) {
  const index d = R.unknowns(), k = R.rhs();
  WorkspaceBuffer buffer(max(QrAccumulator<T>::solve_workspace_size(d, k), QrAccumulator<T>::spectrum_workspace_size(d)));
  AccumulatorInfo<T> info;
  // W := R11^{-1} R12, rho_j := ||R22(:, j)||
  const Status solved = R.solve(out.solution.view(), out.residual_norm.view(), info, buffer.workspace(), tol);
  h.status = static_cast<std::int64_t>(solved);
  if (solved == Status::ok) {
    h.rank = info.rank;
    out.tolerance = info.tolerance;
    out.condition = info.condition;
    return;
  }
  // The qr rule refused: say the numerical rank (singular values of R11), as lstsq does.
  const Result<index> r = R.rank(buffer.workspace(), tol);
  h.rank = r.ok() ? *r : -1;
}

// Rank 0's answer to everyone: header, then tolerance, condition, W, rho.
template <class T>
int broadcast(MPI_Comm comm, Header& h, TsqrResult<T>& out) {
  std::int64_t header[4] = {h.status, h.rows, h.failed_rank, h.rank};
  int e = MPI_Bcast(header, 4, MPI_INT64_T, 0, comm);
  if (e != MPI_SUCCESS) return e;
  h = Header{header[0], header[1], header[2], header[3]};
  const index d = out.solution.rows(), k = out.solution.cols();
  std::vector<T> values(static_cast<std::size_t>(2 + d * k + k));
  values[0] = out.tolerance;
  values[1] = out.condition;
  std::copy(out.solution.data(), out.solution.data() + d * k, values.begin() + 2);
  std::copy(out.residual_norm.data(), out.residual_norm.data() + k, values.begin() + 2 + d * k);
  e = MPI_Bcast(values.data(), static_cast<int>(values.size()), mpi_type<T>(), 0, comm);
  out.tolerance = values[0];
  out.condition = values[1];
  std::copy(values.begin() + 2, values.begin() + 2 + d * k, out.solution.data());
  std::copy(values.begin() + 2 + d * k, values.end(), out.residual_norm.data());
  return e;
}

template <class T>
Result<TsqrResult<T>> mpi_failure(int error) {
  TsqrResult<T> out;
  out.mpi_error = error;
  return Result<TsqrResult<T>>(Status::invalid_argument, std::move(out));
}

}  // namespace

template <class T>
Result<TsqrResult<T>> reduce_and_solve(MPI_Comm user_comm, QrAccumulator<T>& local, Status local_status,
                                       const RankTolerance<T>& tol) {
  // 0. A communicator of our own, so the tree's messages never meet the caller's.
  MPI_Comm comm = MPI_COMM_NULL;
  int e = MPI_Comm_dup(user_comm, &comm);
  if (e != MPI_SUCCESS) return mpi_failure<T>(e);
  int me = 0, p = 1;
  MPI_Comm_rank(comm, &me);
  MPI_Comm_size(comm, &p);
  const index d = local.unknowns(), k = local.rhs();

  // 1. Every rank learns whether every rank's rows were accepted.
  const Agreement a = agree(comm, me, p, local_status, d, k);
  TsqrResult<T> out;
  out.failed_rank = a.failed_rank;
  if (a.mpi_error != MPI_SUCCESS || a.status != Status::ok) {
    MPI_Comm_free(&comm);
    if (a.mpi_error != MPI_SUCCESS) return mpi_failure<T>(a.mpi_error);
    return Result<TsqrResult<T>>(a.status, std::move(out));
  }

  // 2. R := the R of all rows, on rank 0.
  Header h = reduce_tree(comm, me, p, local, e);
  out.solution = Matrix<T>(d, k);
  out.residual_norm = Vector<T>(k);

  // 3. Rank 0 solves; 4. everyone hears the outcome.
  if (me == 0 && e == MPI_SUCCESS && h.status == 0) solve_on_root(local, tol, h, out);
  if (e == MPI_SUCCESS) e = broadcast(comm, h, out);
  MPI_Comm_free(&comm);
  if (e != MPI_SUCCESS) return mpi_failure<T>(e);
  out.rows = static_cast<index>(h.rows);
  out.rank = static_cast<index>(h.rank);
  out.failed_rank = static_cast<int>(h.failed_rank);
  const Status status = static_cast<Status>(h.status);
  if (status != Status::ok) {
    out.solution = Matrix<T>();
    out.residual_norm = Vector<T>();
  }
  return Result<TsqrResult<T>>(status, std::move(out));
}

template <class T>
Result<TsqrResult<T>> lstsq(MPI_Comm comm, MatrixView<const T> X_local, MatrixView<const T> Y_local,
                            const RankTolerance<T>& tol) {
  const index d = X_local.cols(), k = Y_local.cols();
  Matrix<T> storage(d + k, d + k);
  Result<QrAccumulator<T>> acc = QrAccumulator<T>::create(storage.view(), d, k);
  Status status = acc.status();
  if (status == Status::ok && X_local.rows() != Y_local.rows()) status = Status::dimension_mismatch;
  if (status == Status::ok && X_local.rows() > 0) {
    // R := the R of [X_local | Y_local], kChunkRows rows at a time
    WorkspaceBuffer buffer(QrAccumulator<T>::add_rows_workspace_size(d, k, std::min(kChunkRows, X_local.rows())));
    status = acc->add_rows(X_local, Y_local, buffer.workspace());
  }
  return reduce_and_solve(comm, *acc, status, tol);
}

#define STELA_INSTANTIATE(T)                                                                                        \
  template Result<TsqrResult<T>> reduce_and_solve<T>(MPI_Comm, QrAccumulator<T>&, Status, const RankTolerance<T>&);  \
  template Result<TsqrResult<T>> lstsq<T>(MPI_Comm, MatrixView<const T>, MatrixView<const T>, const RankTolerance<T>&);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela::mpi
