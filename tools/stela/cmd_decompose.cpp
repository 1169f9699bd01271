// tools/stela/cmd_decompose.cpp — the commands on one matrix: svd, qr, null, rank, cond.
//
// As in cmd_solve.cpp: read, check (exit 2 or 3), call the library in double or single
// precision, print text or one JSON object. No numerics here.
#include <iostream>
#include <limits>
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

template <class T>
void run_svd(const Invocation& inv) {
  const Matrix<T> A = read_one<T>(inv);
  SvdOptions opts;
  opts.method = choice_option(inv, "method", kSvdMethods, SvdMethod::golub_kahan);
  const bool values_only = inv.flag("values-only");
  opts.vectors = values_only ? SvdVectors::none : SvdVectors::thin;
  const char* method = choice_name(opts.method, kSvdMethods);
  Result<SVD<T>> F = svd<T>(A, opts);
  if (!F.ok())
    fail_numerical(F.status(), std::string("svd by ") + method + " of A " + shape(A.rows(), A.cols()) +
                                   (F.status() == Status::no_convergence ? ": the iteration reached its cap" : ""));
  const Vector<double> s = widen<T>(F->s);
  // The file first (s as one column), so that a write error leaves no result on
  // standard output.
  Matrix<double> column(s.size(), 1);
  for (index i = 0; i < s.size(); ++i) column(i, 0) = s[i];
  const bool written = write_output(inv, column);

  if (inv.flag("json")) {
    io::JsonWriter json(std::cout);
    json.begin_object();
    json.key("singular_values").vector<double>(s);
    if (!values_only) {
      json.key("U").matrix<double>(widen<T>(F->U));
      json.key("V").matrix<double>(widen<T>(F->V));
    }
    json.key("method").value(method);
    end_json(json);
  } else {
    std::cout << "singular value decomposition A = U diag(s) V^T by " << method << " ("
              << precision_name(inv.flag("float")) << ")\n";
    print_field(std::cout, "A", shape(A.rows(), A.cols()));
    print_vector(std::cout, "singular values s", s);
    if (!values_only) {
      print_matrix(std::cout, "U", widen<T>(F->U));
      print_matrix(std::cout, "V (not transposed)", widen<T>(F->V));
    }
  }
  report_output(inv, written, "singular values");
}

// ---------------------------------------------------------------------------------------
// qr A [--pivoted]

template <class T>
void run_qr(const Invocation& inv) {
  const Matrix<T> A = read_one<T>(inv);
  const bool pivoted = inv.flag("pivoted");
  if (inv.has("rcond") && !pivoted) fail_usage("--rcond needs --pivoted (plain QR makes no rank decision)");
  Matrix<double> Q, R;
  Vector<index> perm;
  index r = 0;
  if (pivoted) {
    Result<PivotedQR<T>> F = qr_pivoted<T>(A, rank_tolerance(inv));
    if (!F.ok()) fail_numerical(F.status(), "pivoted QR of A " + shape(A.rows(), A.cols()));
    Q = widen<T>(F->q(QSize::thin));
    R = widen<T>(F->R());
    perm = F->permutation();
    r = F->rank();
  } else {
    Result<QR<T>> F = qr<T>(A);
    if (!F.ok()) fail_numerical(F.status(), "QR of A " + shape(A.rows(), A.cols()));
    Q = widen<T>(F->q(QSize::thin));
    R = widen<T>(F->R());
  }

  // The file first, so that a write error leaves no result on standard output.
  const bool written = write_output(inv, R);
  if (inv.flag("json")) {
    io::JsonWriter json(std::cout);
    json.begin_object();
    json.key("Q").matrix<double>(Q);
    json.key("R").matrix<double>(R);
    if (pivoted) {
      json.key("permutation").vector<index>(perm);
      json.key("rank").value(r);
    }
    end_json(json);
  } else {
    std::cout << (pivoted ? "column-pivoted QR  A P = Q R" : "Householder QR  A = Q R") << " ("
              << precision_name(inv.flag("float")) << ")\n";
    print_field(std::cout, "A", shape(A.rows(), A.cols()));
    if (pivoted) {
      print_field(std::cout, "rank", std::to_string(r) + " (from the diagonal of R)");
      print_vector(std::cout, "permutation (column j of A P is column perm[j] of A, 0-based)", perm);
    }
    print_matrix(std::cout, "Q", Q);
    print_matrix(std::cout, "R", R);
  }
  report_output(inv, written, "R");
}

// ---------------------------------------------------------------------------------------
// null A

template <class T>
void run_null(const Invocation& inv) {
  const Matrix<T> A = read_one<T>(inv);
  const SubspaceMethod method = choice_option(inv, "method", kSubspaceMethods, SubspaceMethod::svd);
  Result<Matrix<T>> N = null_space<T>(A, rank_tolerance(inv), method);
  if (!N.ok()) fail_numerical(N.status(), "null space of A " + shape(A.rows(), A.cols()));
  const Matrix<double> Nd = widen<T>(*N);
  const index r = A.cols() - Nd.cols();
  // The file first, so that a write error leaves no result on standard output.
  const bool written = write_output(inv, Nd);

  if (inv.flag("json")) {
    io::JsonWriter json(std::cout);
    json.begin_object();
    json.key("null_space").matrix<double>(Nd);
    json.key("rank").value(r);
    json.key("method").value(choice_name(method, kSubspaceMethods));
    end_json(json);
  } else {
    std::cout << "null space N(A) = { w : A w = 0 } by " << choice_name(method, kSubspaceMethods) << " ("
              << precision_name(inv.flag("float")) << ")\n";
    print_field(std::cout, "A", shape(A.rows(), A.cols()));
    print_field(std::cout, "rank", std::to_string(r));
    print_field(std::cout, "dimension", std::to_string(Nd.cols()) + " (= " + std::to_string(A.cols()) + " - rank)");
    if (Nd.cols() == 0)
      std::cout << "A has full column rank: its null space is {0}.\n";
    else
      print_matrix(std::cout, "orthonormal basis of N(A), one vector per column", Nd);
  }
  report_output(inv, written, "basis");
}

// ---------------------------------------------------------------------------------------
// rank A, cond A

template <class T>
void run_rank(const Invocation& inv) {
  const Matrix<T> A = read_one<T>(inv);
  Result<index> r = rank<T>(A, rank_tolerance(inv));
  if (!r.ok()) fail_numerical(r.status(), "rank of A " + shape(A.rows(), A.cols()));
  if (inv.flag("json")) {
    io::JsonWriter json(std::cout);
    json.begin_object();
    json.key("rank").value(*r);
    end_json(json);
  } else {
    print_field(std::cout, "A", shape(A.rows(), A.cols()));
    print_field(std::cout, "rank", std::to_string(*r));
  }
}

template <class T>
void run_cond(const Invocation& inv) {
  const Matrix<T> A = read_one<T>(inv);
  Result<T> c = cond<T>(A);
  if (!c.ok()) fail_numerical(c.status(), "cond of A " + shape(A.rows(), A.cols()));
  const double kappa = static_cast<double>(*c);
  if (inv.flag("json")) {
    // JSON has no infinity: a rank-deficient A gives null.
    io::JsonWriter json(std::cout);
    json.begin_object();
    json.key("cond").value(kappa);
    end_json(json);
  } else {
    print_field(std::cout, "A", shape(A.rows(), A.cols()));
    print_field(std::cout, "cond", format_number(kappa) + (kappa == std::numeric_limits<double>::infinity()
                                                                ? " (the smallest singular value is zero)"
                                                                : " (2-norm: s_max / s_min)"));
  }
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
