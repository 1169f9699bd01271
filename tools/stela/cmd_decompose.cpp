// tools/stela/cmd_decompose.cpp — the commands on one matrix: svd, qr, null, rank, cond.
//
// As in cmd_solve.cpp: read, check (exit 2 or 3), call the library in double or single
// precision into a report, and give the report to print_X_text or print_X_json. No
// numerics here.
#include <iostream>
#include <limits>
#include <ostream>
#include <string>

#include "commands.hpp"
#include "common.hpp"
#include "stela/diagnostics.hpp"
#include "stela/qr.hpp"
#include "stela/subspace.hpp"
#include "stela/svd.hpp"

namespace stela::cli {
namespace {

template <class T>
Matrix<T> read_one(const Invocation& inv) {
  MatrixReader reader(inv);
  return checked_matrix<T>(reader.read(inv.operands[0]), inv.operands[0]);
}

// ---------------------------------------------------------------------------------------
// svd A

struct SvdReport {
  const char* method = "";
  bool single = false, values_only = false;
  Dims A;
  Vector<double> s;
  Matrix<double> U, V;      // thin, unless values_only
  std::string output_file;  // --output, once written
};

template <class T>
SvdReport decompose_svd(const Matrix<T>& A, const SvdOptions& opts, bool single) {
  const char* method = choice_name(opts.method, kSvdMethods);
  Result<SVD<T>> F = svd<T>(A, opts);
  if (!F.ok())
    fail_computation(F.status(), std::string("svd by ") + method + " of A " + shape(A.rows(), A.cols()));
  SvdReport r;
  r.method = method;
  r.single = single;
  r.values_only = opts.vectors == SvdVectors::none;
  r.A = dims<T>(A);
  r.s = widen<T>(F->s);
  if (!r.values_only) {
    r.U = widen<T>(F->U);
    r.V = widen<T>(F->V);
  }
  return r;
}

void print_svd_text(std::ostream& out, const SvdReport& r) {
  out << "singular value decomposition A = U diag(s) V^T by " << r.method << " (" << precision_name(r.single) << ")\n";
  print_field(out, "A", shape(r.A));
  print_vector(out, "singular values s", r.s);
  if (!r.values_only) {
    print_matrix(out, "U", r.U);
    print_matrix(out, "V (not transposed)", r.V);
  }
  print_output_note(out, r.output_file, "singular values");
}

void print_svd_json(std::ostream& out, const SvdReport& r) {
  io::JsonWriter json(out);
  json.begin_object();
  json.key("singular_values").vector<double>(r.s);
  if (!r.values_only) {
    json.key("U").matrix<double>(r.U);
    json.key("V").matrix<double>(r.V);
  }
  json.key("method").value(r.method);
  end_json(json);
}

template <class T>
void run_svd(const Invocation& inv) {
  const Matrix<T> A = read_one<T>(inv);
  SvdOptions opts;
  opts.method = choice_option(inv, "method", kSvdMethods, SvdMethod::golub_kahan);
  opts.vectors = inv.flag("values-only") ? SvdVectors::none : SvdVectors::thin;
  SvdReport report = decompose_svd<T>(A, opts, inv.flag("float"));
  // The file first (s as one column), so that a write error leaves no result on
  // standard output.
  Matrix<double> column(report.s.size(), 1);
  for (index i = 0; i < report.s.size(); ++i) column(i, 0) = report.s[i];
  report.output_file = write_output(inv, column);
  inv.flag("json") ? print_svd_json(std::cout, report) : print_svd_text(std::cout, report);
}

// ---------------------------------------------------------------------------------------
// qr A [--pivoted]

struct QrReport {
  bool single = false, pivoted = false;
  Dims A;
  Matrix<double> Q, R;      // thin Q, m x k; R, k x n
  Vector<index> perm;       // with pivoted: column j of A P is column perm[j] of A
  index rank = 0;           // with pivoted
  std::string output_file;  // --output, once written
};

template <class T>
QrReport decompose_qr(const Matrix<T>& A, bool pivoted, const RankTolerance<T>& tol, bool single) {
  QrReport r;
  r.single = single;
  r.pivoted = pivoted;
  r.A = dims<T>(A);
  if (pivoted) {
    Result<PivotedQR<T>> F = qr_pivoted<T>(A, tol);
    if (!F.ok()) fail_computation(F.status(), "pivoted QR of A " + shape(A.rows(), A.cols()));
    r.Q = widen<T>(F->q(QSize::thin));
    r.R = widen<T>(F->R());
    r.perm = F->permutation();
    r.rank = F->rank();
  } else {
    Result<QR<T>> F = qr<T>(A);
    if (!F.ok()) fail_computation(F.status(), "QR of A " + shape(A.rows(), A.cols()));
    r.Q = widen<T>(F->q(QSize::thin));
    r.R = widen<T>(F->R());
  }
  return r;
}

void print_qr_text(std::ostream& out, const QrReport& r) {
  out << (r.pivoted ? "column-pivoted QR  A P = Q R" : "Householder QR  A = Q R") << " (" << precision_name(r.single)
      << ")\n";
  print_field(out, "A", shape(r.A));
  if (r.pivoted) {
    print_field(out, "rank", std::to_string(r.rank) + " (from the diagonal of R)");
    print_vector(out, "permutation (column j of A P is column perm[j] of A, 0-based)", r.perm);
  }
  print_matrix(out, "Q", r.Q);
  print_matrix(out, "R", r.R);
  print_output_note(out, r.output_file, "R");
}

void print_qr_json(std::ostream& out, const QrReport& r) {
  io::JsonWriter json(out);
  json.begin_object();
  json.key("Q").matrix<double>(r.Q);
  json.key("R").matrix<double>(r.R);
  if (r.pivoted) {
    json.key("permutation").vector<index>(r.perm);
    json.key("rank").value(r.rank);
  }
  end_json(json);
}

template <class T>
void run_qr(const Invocation& inv) {
  const Matrix<T> A = read_one<T>(inv);
  const bool pivoted = inv.flag("pivoted");
  if (inv.has("rcond") && !pivoted) fail_usage("--rcond needs --pivoted (plain QR makes no rank decision)");
  QrReport report = decompose_qr<T>(A, pivoted, pivoted ? rank_tolerance_in<T>(inv) : RankTolerance<T>{}, inv.flag("float"));
  // The file first, so that a write error leaves no result on standard output.
  report.output_file = write_output(inv, report.R);
  inv.flag("json") ? print_qr_json(std::cout, report) : print_qr_text(std::cout, report);
}

// ---------------------------------------------------------------------------------------
// null A

struct NullReport {
  const char* method = "";
  bool single = false;
  Dims A;
  index rank = 0;
  Matrix<double> N;         // orthonormal basis of N(A), n x (n - rank)
  std::string output_file;  // --output, once written
};

template <class T>
NullReport decompose_null(const Matrix<T>& A, SubspaceMethod method, const RankTolerance<T>& tol, bool single) {
  Result<Matrix<T>> N = null_space<T>(A, tol, method);
  if (!N.ok()) fail_computation(N.status(), "null space of A " + shape(A.rows(), A.cols()));
  NullReport r;
  r.method = choice_name(method, kSubspaceMethods);
  r.single = single;
  r.A = dims<T>(A);
  r.N = widen<T>(*N);
  r.rank = A.cols() - r.N.cols();
  return r;
}

void print_null_text(std::ostream& out, const NullReport& r) {
  out << "null space N(A) = { w : A w = 0 } by " << r.method << " (" << precision_name(r.single) << ")\n";
  print_field(out, "A", shape(r.A));
  print_field(out, "rank", std::to_string(r.rank));
  print_field(out, "dimension", std::to_string(r.N.cols()) + " (= " + std::to_string(r.A.cols) + " - rank)");
  if (r.N.cols() == 0)
    out << "A has full column rank: its null space is {0}.\n";
  else
    print_matrix(out, "orthonormal basis of N(A), one vector per column", r.N);
  print_output_note(out, r.output_file, "basis");
}

void print_null_json(std::ostream& out, const NullReport& r) {
  io::JsonWriter json(out);
  json.begin_object();
  json.key("null_space").matrix<double>(r.N);
  json.key("rank").value(r.rank);
  json.key("method").value(r.method);
  end_json(json);
}

template <class T>
void run_null(const Invocation& inv) {
  const Matrix<T> A = read_one<T>(inv);
  // The basis is d x (d - rank): up to d x d, however few rows A has (a 0 x 30000 A
  // has all of R^30000 as its null space).
  check_elements(inv, "null of A " + shape(A.rows(), A.cols()) + " would form a basis as large as d x d", A.cols(), A.cols());
  const SubspaceMethod method = choice_option(inv, "method", kSubspaceMethods, SubspaceMethod::svd);
  NullReport report = decompose_null<T>(A, method, rank_tolerance_in<T>(inv), inv.flag("float"));
  // The file first, so that a write error leaves no result on standard output.
  report.output_file = write_output(inv, report.N);
  inv.flag("json") ? print_null_json(std::cout, report) : print_null_text(std::cout, report);
}

// ---------------------------------------------------------------------------------------
// rank A, cond A

struct RankReport {
  Dims A;
  index rank = 0;
};

void print_rank_text(std::ostream& out, const RankReport& r) {
  print_field(out, "A", shape(r.A));
  print_field(out, "rank", std::to_string(r.rank));
}

void print_rank_json(std::ostream& out, const RankReport& r) {
  io::JsonWriter json(out);
  json.begin_object();
  json.key("rank").value(r.rank);
  end_json(json);
}

template <class T>
void run_rank(const Invocation& inv) {
  const Matrix<T> A = read_one<T>(inv);
  Result<index> r = rank<T>(A, rank_tolerance_in<T>(inv));
  if (!r.ok()) fail_computation(r.status(), "rank of A " + shape(A.rows(), A.cols()));
  const RankReport report{dims<T>(A), *r};
  inv.flag("json") ? print_rank_json(std::cout, report) : print_rank_text(std::cout, report);
}

struct CondReport {
  Dims A;
  double cond = 0;  // inf when the smallest singular value is zero
};

void print_cond_text(std::ostream& out, const CondReport& r) {
  print_field(out, "A", shape(r.A));
  print_field(out, "cond", format_number(r.cond) + (r.cond == std::numeric_limits<double>::infinity()
                                                        ? " (the smallest singular value is zero)"
                                                        : " (2-norm: s_max / s_min)"));
}

// JSON has no infinity: a rank-deficient A gives null.
void print_cond_json(std::ostream& out, const CondReport& r) {
  io::JsonWriter json(out);
  json.begin_object();
  json.key("cond").value(r.cond);
  end_json(json);
}

template <class T>
void run_cond(const Invocation& inv) {
  const Matrix<T> A = read_one<T>(inv);
  Result<T> c = cond<T>(A);
  if (!c.ok()) fail_computation(c.status(), "cond of A " + shape(A.rows(), A.cols()));
  const CondReport report{dims<T>(A), static_cast<double>(*c)};
  inv.flag("json") ? print_cond_json(std::cout, report) : print_cond_text(std::cout, report);
}

}  // namespace

CommandSpec svd_command() {
  CommandSpec c;
  c.name = "svd";
  c.synopsis = "A [--method golub-kahan|jacobi] [--values-only] [--json] [--float] [--output FILE]";
  c.summary = "singular value decomposition A = U diag(s) V^T (thin)";
  c.description =
      "golub-kahan (default): bidiagonalization and implicit-shift QR, as LAPACK's xGESVD.\n"
      "jacobi: one-sided Jacobi, slower, with high relative accuracy for graded matrices.\n"
      "U is m x k and V is n x k, k = min(m, n); V is not transposed.\n"
      "\nJSON fields: singular_values, U, V (not with --values-only), method, status.\n"
      "--output FILE writes the singular values as one column.\n";
  c.operands = {"A"};
  c.options = concat({{"method", "M", "golub-kahan (default) or jacobi"},
                    {"values-only", "", "compute the singular values only"}},
                   common_options(true));
  c.run = by_precision<run_svd<float>, run_svd<double>>;
  return c;
}

CommandSpec qr_command() {
  CommandSpec c;
  c.name = "qr";
  c.synopsis = "A [--pivoted [--rcond R]] [--json] [--float] [--output FILE]";
  c.summary = "Householder QR A = Q R, or column-pivoted A P = Q R with a rank estimate";
  c.description =
      "Q is m x k with orthonormal columns and R is k x n upper trapezoidal, k = min(m, n).\n"
      "With --pivoted the columns are taken greedily by largest remaining norm, so |r_jj|\n"
      "decreases, and the rank counts the |r_jj| above the tolerance.\n"
      "\nJSON fields: Q, R, permutation (0-based) and rank with --pivoted, status.\n"
      "--output FILE writes R.\n";
  c.operands = {"A"};
  c.options = concat({{"pivoted", "", "column pivoting (LAPACK xGEQP3), with rank and permutation"},
                    {"rcond", "R", "relative tolerance for the rank (with --pivoted): |r_jj| <= R |r_00|\n"
                                   "counts as zero (default eps * max(m, n))"}},
                   common_options(true));
  c.run = by_precision<run_qr<float>, run_qr<double>>;
  return c;
}

CommandSpec null_command() {
  CommandSpec c;
  c.name = "null";
  c.synopsis = "A [--rcond R] [--method svd|cod] [--json] [--float] [--output FILE]";
  c.summary = "orthonormal basis of the null space of A";
  c.description =
      "The columns span { w : A w = 0 } numerically: the right singular vectors of the\n"
      "singular values at or below the tolerance (svd, the default), or the complete\n"
      "orthogonal decomposition from pivoted QR (cod: cheaper, as reliable as its rank).\n"
      "\nJSON fields: null_space (n x (n - rank), rows), rank, method, status.\n"
      "--output FILE writes the basis.\n";
  c.operands = {"A"};
  c.options = concat({rcond_option(), {"method", "M", "svd (default) or cod"}}, common_options(true));
  c.run = by_precision<run_null<float>, run_null<double>>;
  return c;
}

CommandSpec rank_command() {
  CommandSpec c;
  c.name = "rank";
  c.synopsis = "A [--rcond R] [--json] [--float]";
  c.summary = "numerical rank: the number of singular values above the tolerance";
  c.description = "JSON fields: rank, status.\n";
  c.operands = {"A"};
  c.options = concat({rcond_option()}, common_options(false));
  c.run = by_precision<run_rank<float>, run_rank<double>>;
  return c;
}

CommandSpec cond_command() {
  CommandSpec c;
  c.name = "cond";
  c.synopsis = "A [--json] [--float]";
  c.summary = "2-norm condition number s_max / s_min";
  c.description =
      "inf when the smallest singular value is exactly zero (null in JSON, which has no\n"
      "infinity); 1 for an empty matrix.\n"
      "\nJSON fields: cond, status.\n";
  c.operands = {"A"};
  c.options = common_options(false);
  c.run = by_precision<run_cond<float>, run_cond<double>>;
  return c;
}

}  // namespace stela::cli
