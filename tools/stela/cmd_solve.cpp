// tools/stela/cmd_solve.cpp — the solving commands: lstsq, pinv, ridge, compare.
//
// Each command reads its files, checks shapes (exit 2) and finiteness (exit 3, not_finite),
// calls the library's high-level function in double or, with --float, in single
// precision, and collects what it computed in a report (widened to double). The report
// then goes to one of two formatters, print_X_text or print_X_json. No numerics here:
// everything computed comes from the library.
#include <algorithm>
#include <cmath>
#include <limits>
#include <iostream>
#include <ostream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "common.hpp"
#include "stream.hpp"
#include "stela/diagnostics.hpp"
#include "stela/lstsq.hpp"
#include "stela/ridge.hpp"
#include "stela/subspace.hpp"

namespace stela::cli {
namespace {

// What to try when an lstsq or pinv method fails with `status`.
std::string hint(Status status) {
  switch (status) {
    case Status::rank_deficient:
      return "X is rank-deficient to working precision; the svd, jacobi and qrcp methods handle any rank";
    case Status::not_positive_definite:
      return "X^T X is not numerically positive definite (cond(X)^2 is beyond 1/eps); use svd, qr or qrcp";
    case Status::singular:
      return "X^T X is numerically singular; use svd, qr or qrcp";
    case Status::no_convergence:
      return "the iteration reached its cap";
    default:
      return "";
  }
}

// What to try when a ridge method fails with `status`: the ridge methods are svd,
// cholesky and augmented-qr.
std::string ridge_hint(Status status) {
  switch (status) {
    case Status::not_positive_definite:
      return "the Gram matrix plus lambda I is not numerically positive definite (lambda is small "
             "against cond(X)^2); use --method svd or augmented-qr, or a larger lambda";
    case Status::rank_deficient:
      return "X is rank-deficient and lambda = 0 leaves the problem without a unique solution; "
             "use --method svd (minimum norm) or a positive lambda";
    case Status::singular:
      return "the regularised system is numerically singular; use --method svd or a larger lambda";
    case Status::no_convergence:
      return "the SVD iteration reached its cap";
    default:
      return "";
  }
}

// Which system the cholesky method of ridge solved, and why: the smaller Gram matrix.
struct RidgeForm {
  const char* name;    // "primal" or "dual"
  std::string reason;  // one line
};
RidgeForm ridge_form(bool dual, index n, index d) {
  const std::string dims = "d = " + std::to_string(d) + (dual ? " > " : " <= ") + "n = " + std::to_string(n);
  if (dual)
    return {"dual", dims + ": (X X^T + lambda I) Z = Y, " + shape(n, n) +
                        ", then W = X^T Z, is the smaller system (same W)"};
  return {"primal", dims + ": (X^T X + lambda I) W = X^T Y, " + shape(d, d) + ", is the smaller system"};
}

// The problem X (n x d), Y (n x k) of a two-operand command, in precision T.
template <class T>
struct Problem {
  Matrix<T> X, Y;
};

// What solving X (n x d) for Y (n x k) forms beyond its inputs, checked against
// --max-elements before any work: the solution W (d x k), and X^T X (d x d) for the
// methods that form the normal equations. Everything else a solver forms is at most
// as large as X or Y, which the reader has bounded already, but for the rotation log of
// lstsq by svd (2 d^2 + 8 d numbers, d <= n: at most about twice X). An empty X
// (0 x d) is the case this guards: nothing to read, but a d x k result to form and
// print.
void check_solve_size(const Invocation& inv, const std::string& command, index n, index d, index k, bool gram) {
  const std::string on = command + " on X " + shape(n, d);
  check_elements(inv, on + " would form the solution W", d, k);
  if (gram) check_elements(inv, on + " would form the Gram matrix X^T X", d, d);
}

template <class T>
Problem<T> read_problem(const Invocation& inv) {
  MatrixReader reader(inv);
  const std::string& x_path = inv.operands[0];
  const std::string& y_path = inv.operands[1];
  // Shapes first, then finiteness, as the library checks.
  Matrix<double> X = reader.read(x_path);
  Matrix<double> Y = right_hand_side(reader.read(y_path), X.rows(), x_path, y_path);
  return Problem<T>{checked_matrix<T>(X, x_path), checked_matrix<T>(Y, y_path)};
}

// ---------------------------------------------------------------------------------------
// lstsq X Y

// What lstsq computed, in double whatever the precision of the computation.
struct LstsqReport {
  const char* method = "";
  bool single = false;
  Dims X, Y;
  index rank = 0;
  double tolerance = 0, condition = 0;
  Matrix<double> W;
  Vector<double> residual_norm, forward_error, singular_values;  // one per column of Y; s when computed
  std::string output_file;  // --output, once written
  bool equilibrated = false;   // --equilibrate
  bool refine = false;         // --refine: the fields below
  index refine_steps = 0;
  const char* refine_stop = "not_requested";
  double bound_normwise = 0, bound_componentwise = 0;  // +Inf: no bound (then forward_error is the estimate)
  // --stream: rows went through a block of chunk_rows at a time (chunk_rows 0 otherwise).
  index chunk_rows = 0;
};

template <class T>
LstsqReport solve_lstsq(const Problem<T>& p, const LstsqOptions<T>& opts, bool single) {
  const char* method = choice_name(opts.method, kLstsqMethods);
  Result<LstsqResult<T>> fit = lstsq<T>(p.X, p.Y, opts);
  if (!fit.ok())
    fail_computation(fit.status(), std::string("lstsq by ") + method + " on X " + shape(p.X.rows(), p.X.cols()),
                     hint(fit.status()));
  LstsqReport r;
  r.method = method;
  r.single = single;
  r.X = dims<T>(p.X);
  r.Y = dims<T>(p.Y);
  r.rank = fit->rank;
  r.tolerance = static_cast<double>(fit->tolerance);
  r.condition = static_cast<double>(fit->condition);
  r.W = widen<T>(fit->solution);
  r.residual_norm = widen<T>(fit->residual_norm);
  r.forward_error = widen<T>(fit->forward_error);
  r.singular_values = widen<T>(fit->singular_values);
  r.equilibrated = fit->equilibrated;
  r.refine = opts.refine;
  r.refine_steps = fit->refinement.steps;
  r.refine_stop = to_string(fit->refinement.stop);
  r.bound_normwise = static_cast<double>(fit->refinement.bound_normwise);
  r.bound_componentwise = static_cast<double>(fit->refinement.bound_componentwise);
  return r;
}

void print_lstsq_text(std::ostream& out, const LstsqReport& r) {
  out << "least squares: minimise ||Y - X W|| by " << r.method << " (" << precision_name(r.single) << ")\n";
  print_field(out, "X", shape(r.X));
  print_field(out, "Y", shape(r.Y));
  print_field(out, "rank", std::to_string(r.rank) + " of " + std::to_string(std::min(r.X.rows, r.X.cols)) +
                               " (threshold " + format_number(r.tolerance) + ")");
  print_field(out, "condition number", format_number(r.condition) + (r.equilibrated ? " (of X D)" : ""));
  print_field(out, "equilibrated", r.equilibrated ? "yes: columns scaled to unit norm by powers of two" : "no");
  const bool bounded = r.refine && r.bound_normwise < INFINITY;
  if (r.refine)
    print_field(out, "refinement", std::to_string(r.refine_steps) + " step(s), " + r.refine_stop +
                                       (bounded ? ", componentwise bound " + format_number(r.bound_componentwise)
                                                : ", no bound (the estimate below)"));
  const std::string source = bounded ? " (relative, bound after refinement)" : " (relative, LAPACK Users' Guide 4.5.2)";
  if (r.residual_norm.size() == 1) {
    print_field(out, "residual norm", format_number(r.residual_norm[0]));
    print_field(out, "error estimate", format_number(r.forward_error[0]) + source);
  } else {
    print_vector(out, "residual norms", r.residual_norm);
    print_vector(out, "error estimates", r.forward_error);
  }
  if (r.singular_values.size() > 0) print_vector(out, "singular values", r.singular_values);
  if (r.chunk_rows > 0)
    print_field(out, "streamed", std::to_string(r.X.rows) + " rows in blocks of " + std::to_string(r.chunk_rows));
  print_matrix(out, "solution W", r.W);
  print_output_note(out, r.output_file, "solution");
}

void print_lstsq_json(std::ostream& out, const LstsqReport& r) {
  io::JsonWriter json(out);
  json.begin_object();
  json.key("solution").matrix_or_vector<double>(r.W);
  json.key("residual_norm");
  if (r.residual_norm.size() == 1)
    json.value(r.residual_norm[0]);
  else
    json.vector<double>(r.residual_norm);
  json.key("rank").value(r.rank);
  if (r.singular_values.size() > 0) json.key("singular_values").vector<double>(r.singular_values);
  json.key("method").value(r.method);
  if (r.chunk_rows == 0) {
    json.key("condition").value(r.condition);
    json.key("equilibrated").value(r.equilibrated);
    json.key("forward_error");
    if (r.forward_error.size() == 1)
      json.value(r.forward_error[0]);
    else
      json.vector<double>(r.forward_error);
    json.key("refinement").begin_object();
    json.key("steps").value(r.refine_steps);
    json.key("stop").value(r.refine_stop);
    json.key("bound_normwise").value(r.bound_normwise);
    json.key("bound_componentwise").value(r.bound_componentwise);
    json.end_object();
  }
  if (r.chunk_rows > 0) {
    json.key("condition").value(r.condition);
    json.key("rows").value(r.X.rows);
    json.key("chunk_rows").value(r.chunk_rows);
  }
  end_json(json);
}

// lstsq X Y --stream: the same report, from the streamed R (stream.hpp).
template <class T>
void run_lstsq_stream(const Invocation& inv) {
  const StreamedLstsq fit = stream_lstsq<T>(inv);
  LstsqReport r;
  r.method = "tsqr";
  r.single = inv.flag("float");
  r.X = Dims{fit.rows, fit.d};
  r.Y = Dims{fit.rows, fit.k};
  r.rank = fit.rank;
  r.tolerance = fit.tolerance;
  r.condition = fit.condition;
  r.W = fit.W;
  r.residual_norm = fit.residual_norm;
  r.forward_error = fit.forward_error;
  r.chunk_rows = fit.chunk_rows;
  // The file first, so that a write error leaves no result on standard output.
  r.output_file = write_output(inv, r.W);
  inv.flag("json") ? print_lstsq_json(std::cout, r) : print_lstsq_text(std::cout, r);
}

template <class T>
void run_lstsq(const Invocation& inv) {
  check_stream_options(inv);
  if (inv.flag("stream")) return run_lstsq_stream<T>(inv);
  const Problem<T> p = read_problem<T>(inv);
  LstsqOptions<T> opts;
  opts.method = choice_option(inv, "method", kLstsqMethods, LstsqMethod::svd);
  opts.tolerance = rank_tolerance_in<T>(inv);
  opts.equilibrate = equilibrate_option(inv);
  opts.refine = inv.flag("refine");
  check_solve_size(inv, "lstsq", p.X.rows(), p.X.cols(), p.Y.cols(),
                   opts.method == LstsqMethod::normal_cholesky || opts.method == LstsqMethod::normal_lu);
  LstsqReport report = solve_lstsq<T>(p, opts, inv.flag("float"));
  // The file first, so that a write error leaves no result on standard output.
  report.output_file = write_output(inv, report.W);
  inv.flag("json") ? print_lstsq_json(std::cout, report) : print_lstsq_text(std::cout, report);
}

// ---------------------------------------------------------------------------------------
// pinv A

struct PinvReport {
  bool single = false;
  Dims A;
  index rank = 0;
  Matrix<double> P;         // pinv(A), d x n
  std::string output_file;  // --output, once written
};

template <class T>
PinvReport solve_pinv(const Matrix<T>& A, const RankTolerance<T>& tol, bool single) {
  Result<Matrix<T>> P = pinv<T>(A, tol);
  if (!P.ok()) fail_computation(P.status(), "pinv of A " + shape(A.rows(), A.cols()), hint(P.status()));
  Result<index> r = rank<T>(A, tol);
  if (!r.ok()) fail_computation(r.status(), "rank of A " + shape(A.rows(), A.cols()));
  PinvReport report;
  report.single = single;
  report.A = dims<T>(A);
  report.rank = *r;
  report.P = widen<T>(*P);
  return report;
}

void print_pinv_text(std::ostream& out, const PinvReport& r) {
  out << "Moore-Penrose pseudoinverse (" << precision_name(r.single) << ")\n";
  print_field(out, "A", shape(r.A));
  print_field(out, "rank", std::to_string(r.rank));
  print_matrix(out, "pinv(A)", r.P);
  print_output_note(out, r.output_file, "pinv(A)");
}

void print_pinv_json(std::ostream& out, const PinvReport& r) {
  io::JsonWriter json(out);
  json.begin_object();
  json.key("pinv").matrix<double>(r.P);
  json.key("rank").value(r.rank);
  end_json(json);
}

template <class T>
void run_pinv(const Invocation& inv) {
  MatrixReader reader(inv);
  const Matrix<T> A = checked_matrix<T>(reader.read(inv.operands[0]), inv.operands[0]);
  check_elements(inv, "pinv of A " + shape(A.rows(), A.cols()) + " would form pinv(A)", A.cols(), A.rows());
  PinvReport report = solve_pinv<T>(A, rank_tolerance_in<T>(inv), inv.flag("float"));
  // The file first, so that a write error leaves no result on standard output.
  report.output_file = write_output(inv, report.P);
  inv.flag("json") ? print_pinv_json(std::cout, report) : print_pinv_text(std::cout, report);
}

// ---------------------------------------------------------------------------------------
// ridge X Y (--lambda L | --lambdas L1,L2,... [--cv gcv|loo])

// What the options ask for.
template <class T>
struct RidgeRequest {
  bool path = false;  // --lambdas: score every lambda, keep the best
  RidgeOptions<T> opts;
  CvCriterion criterion = CvCriterion::gcv;
  std::vector<double> lambdas;  // one with --lambda
};

// The options, checked before the files are read: a usage error should not wait for them.
template <class T>
RidgeRequest<T> read_ridge_request(const Invocation& inv) {
  RidgeRequest<T> q;
  q.path = inv.has("lambdas");
  if (q.path == inv.has("lambda")) fail_usage("give exactly one of --lambda L and --lambdas L1,L2,...");
  if (inv.has("cv") && !q.path) fail_usage("--cv needs --lambdas");
  q.opts.method = choice_option(inv, "method", kRidgeMethods, RidgeMethod::svd);
  q.opts.fit_intercept = inv.flag("intercept");
  q.opts.tolerance = rank_tolerance_in<T>(inv);
  if (q.path && q.opts.method != RidgeMethod::svd)
    fail_usage("--method " + inv.value("method") +
               " applies to --lambda only: with --lambdas every lambda is scored from one SVD (--method svd)");
  q.criterion = choice_option(inv, "cv", kCvCriteria, CvCriterion::gcv);
  q.lambdas = q.path ? number_list("lambdas", inv.value("lambdas")) : std::vector<double>{number_option(inv, "lambda", 0)};
  const std::string option = std::string("--") + (q.path ? "lambdas" : "lambda");
  for (double lambda : q.lambdas) {
    if (lambda < 0) fail_usage(option + " must be non-negative, got " + format_number(lambda));
    // In single precision a lambda is narrowed like the data, and refused like it:
    // beyond float's range it would be inf (the library then says invalid_argument,
    // which names no option), below it a silent 0.
    const auto narrowed = static_cast<float>(lambda);
    if (inv.flag("float") && (!std::isfinite(narrowed) || (narrowed == 0.0f && lambda != 0)))
      fail_usage(option + " " + format_number(lambda) + " is outside single precision (--float): floats run from " +
                 format_number(static_cast<double>(std::numeric_limits<float>::denorm_min())) + " to " +
                 format_number(static_cast<double>(std::numeric_limits<float>::max())));
  }
  return q;
}

// What ridge computed: one fit, or the scores of every lambda and the fit at the best.
struct RidgeReport {
  const char* method = "";
  const char* criterion = "";  // with --lambdas
  bool single = false, path = false, fit_intercept = false;
  bool svd = false;            // the svd method, which reports the effective dof
  bool has_form = false;       // the cholesky method with one lambda: which Gram system
  RidgeForm form;
  Dims X, Y;
  // With --lambdas: every lambda, its score and effective dof, and the best.
  Vector<double> lambdas, scores, effective_dofs;
  index best_index = 0;
  double best_lambda = 0;
  // The fit (at the best lambda with --lambdas).
  double lambda = 0, effective_dof = 0;
  Vector<double> intercept;
  Matrix<double> W;
  std::string output_file;  // --output, once written
};

template <class T>
RidgeReport solve_ridge(const Problem<T>& p, const RidgeRequest<T>& q, bool single) {
  const char* method = choice_name(q.opts.method, kRidgeMethods);
  RidgeReport r;
  RidgeResult<T> fit;
  if (q.path) {
    Vector<T> lam(static_cast<index>(q.lambdas.size()));
    for (index i = 0; i < lam.size(); ++i) lam[i] = static_cast<T>(q.lambdas[static_cast<std::size_t>(i)]);
    Result<RidgeCvResult<T>> cv = ridge_cv<T>(p.X, p.Y, lam, q.criterion, q.opts);
    if (!cv.ok())
      fail_computation(cv.status(),
                       std::string("ridge_cv by ") + method + " on X " + shape(p.X.rows(), p.X.cols()) + " over " +
                           std::to_string(q.lambdas.size()) + " lambdas (" + choice_name(q.criterion, kCvCriteria) + ")",
                       ridge_hint(cv.status()));
    r.lambdas = widen<T>(cv->lambdas);
    r.scores = widen<T>(cv->scores);
    r.effective_dofs = widen<T>(cv->effective_dof);
    r.best_index = cv->best_index;
    r.best_lambda = static_cast<double>(cv->best_lambda);
    fit = std::move(cv->best);
  } else {
    Result<RidgeResult<T>> one = ridge<T>(p.X, p.Y, static_cast<T>(q.lambdas[0]), q.opts);
    if (!one.ok())
      fail_computation(one.status(),
                       std::string("ridge by ") + method + " on X " + shape(p.X.rows(), p.X.cols()) + ", lambda " +
                           format_number(q.lambdas[0]),
                       ridge_hint(one.status()));
    fit = std::move(one.value());
  }
  r.method = method;
  r.criterion = choice_name(q.criterion, kCvCriteria);
  r.single = single;
  r.path = q.path;
  r.fit_intercept = q.opts.fit_intercept;
  r.svd = q.opts.method == RidgeMethod::svd;
  r.has_form = q.opts.method == RidgeMethod::cholesky && !q.path;
  r.form = ridge_form(fit.dual, p.X.rows(), p.X.cols());
  r.X = dims<T>(p.X);
  r.Y = dims<T>(p.Y);
  r.lambda = static_cast<double>(fit.lambda);
  r.effective_dof = static_cast<double>(fit.effective_dof);
  r.intercept = widen<T>(fit.intercept);
  r.W = widen<T>(fit.solution);
  return r;
}

// The cross-validation table: a row per lambda, the best marked.
void print_ridge_scores(std::ostream& out, const RidgeReport& r) {
  out << "cross-validation (" << r.criterion << "), lower is better:\n";
  Table table({"", "lambda", "score", "effective dof"}, {false, true, true, true});
  for (index i = 0; i < r.lambdas.size(); ++i)
    table.add({i == r.best_index ? "*" : "", format_number(r.lambdas[i]), format_number(r.scores[i]),
               format_number(r.effective_dofs[i])});
  table.print(out, "  ");
  print_field(out, "best lambda", format_number(r.best_lambda));
}

void print_ridge_text(std::ostream& out, const RidgeReport& r) {
  out << "ridge regression: minimise ||Y - X W||^2 + lambda ||W||^2 by " << r.method << " ("
      << precision_name(r.single) << ")\n";
  print_field(out, "X", shape(r.X));
  print_field(out, "Y", shape(r.Y));
  if (r.path) {
    print_ridge_scores(out, r);
  } else {
    print_field(out, "lambda", format_number(r.lambda));
    if (r.has_form) print_field(out, "form", std::string(r.form.name) + ": " + r.form.reason);
    if (r.svd) print_field(out, "effective dof", format_number(r.effective_dof));
  }
  if (r.fit_intercept) print_vector(out, "intercept", r.intercept);
  print_matrix(out, r.path ? "solution W at the best lambda" : "solution W", r.W);
  print_output_note(out, r.output_file, "solution");
}

void print_ridge_json(std::ostream& out, const RidgeReport& r) {
  io::JsonWriter json(out);
  json.begin_object();
  if (r.path) {
    json.key("lambdas").vector<double>(r.lambdas);
    json.key("scores").vector<double>(r.scores);
    json.key("best_lambda").value(r.best_lambda);
    json.key("criterion").value(r.criterion);
  } else {
    json.key("lambda").value(r.lambda);
  }
  json.key("solution").matrix_or_vector<double>(r.W);
  if (r.fit_intercept) {
    json.key("intercept");
    if (r.intercept.size() == 1)
      json.value(r.intercept[0]);
    else
      json.vector<double>(r.intercept);
  }
  json.key("method").value(r.method);
  if (r.has_form) json.key("form").value(r.form.name).key("form_reason").value(r.form.reason);
  end_json(json);
}

template <class T>
void run_ridge(const Invocation& inv) {
  const RidgeRequest<T> request = read_ridge_request<T>(inv);
  const Problem<T> p = read_problem<T>(inv);
  // The cholesky method forms the smaller Gram matrix, no larger than X.
  check_solve_size(inv, "ridge", p.X.rows(), p.X.cols(), p.Y.cols(), false);
  RidgeReport report = solve_ridge<T>(p, request, inv.flag("float"));
  // The file first, so that a write error leaves no result on standard output.
  report.output_file = write_output(inv, report.W);
  inv.flag("json") ? print_ridge_json(std::cout, report) : print_ridge_text(std::cout, report);
}

// ---------------------------------------------------------------------------------------
// compare X y

// One method's line of the comparison; the numbers mean something only when ok.
struct CompareRow {
  const char* method = "";
  Status status = Status::ok;
  Vector<double> solution;
  double residual_norm = 0, xtr_norm = 0, disagreement = 0;
};

struct CompareReport {
  bool single = false;
  Dims X;
  double cond = 0;
  bool condition_warning = false;
  double warning_threshold = 0;
  bool equilibrated = false, refined = false;  // --equilibrate, --refine
  std::vector<CompareRow> methods;
};

template <class T>
CompareReport solve_compare(const Problem<T>& p, const CompareOptions<T>& opts, bool single) {
  Result<SolverComparison<T>> cmp = compare_solvers<T>(p.X, p.Y.col(0), opts);
  if (!cmp.ok()) fail_computation(cmp.status(), "compare_solvers on X " + shape(p.X.rows(), p.X.cols()));
  CompareReport r;
  r.single = single;
  r.X = dims<T>(p.X);
  r.cond = static_cast<double>(cmp->cond);
  r.condition_warning = cmp->condition_warning;
  r.warning_threshold = static_cast<double>(opts.condition_warning);
  r.equilibrated = opts.equilibrate.value_or(opts.refine);
  r.refined = opts.refine;
  for (const SolverReport<T>& m : cmp->methods) {
    CompareRow row;
    row.method = choice_name(m.method, kLstsqMethods);
    row.status = m.status;
    if (m.status == Status::ok) row.solution = widen<T>(m.solution);
    row.residual_norm = static_cast<double>(m.residual_norm);
    row.xtr_norm = static_cast<double>(m.xtr_norm);
    row.disagreement = static_cast<double>(m.disagreement);
    r.methods.push_back(std::move(row));
  }
  return r;
}

// The solutions side by side, one column per method (the first rows of a long one).
void print_compare_solutions(std::ostream& out, const CompareReport& r) {
  constexpr index kShownEntries = 24;
  const index d = r.X.cols;
  out << "\nsolutions (" << d << " entries each"
      << (d > kShownEntries ? ", first " + std::to_string(kShownEntries) + " shown" : "") << "):\n";
  std::vector<std::string> header{"i"};
  for (const CompareRow& m : r.methods) header.push_back(m.method);
  Table solutions(header, std::vector<bool>(header.size(), true));
  for (index i = 0; i < std::min(d, kShownEntries); ++i) {
    std::vector<std::string> row{std::to_string(i)};
    for (const CompareRow& m : r.methods) row.push_back(m.status == Status::ok ? format_number(m.solution[i]) : "-");
    solutions.add(row);
  }
  solutions.print(out, "  ");
}

void print_compare_text(std::ostream& out, const CompareReport& r) {
  out << "every least-squares method on the same problem (" << precision_name(r.single) << ")\n";
  print_field(out, "X", shape(r.X));
  print_field(out, "y", std::to_string(r.X.rows) + " entries");
  print_field(out, "cond(X)", format_number(r.cond));
  print_field(out, "equilibrated", r.equilibrated ? "yes: columns scaled to unit norm by powers of two" : "no");
  print_field(out, "refined", r.refined ? "yes (--refine)" : "no");
  if (r.condition_warning)
    out << "warning: cond(X) > " << format_number(r.warning_threshold)
        << ": the normal equations work with cond(X)^2 = " << format_number(r.cond * r.cond)
        << ",\n         so their solution can be wrong in every digit although its residual looks fine.\n";
  out << '\n';
  Table table({"method", "status", "||y - X w||", "||X^T r||", "||w - w_svd||"}, {false, false, true, true, true});
  auto num = [](Status s, double x) { return s == Status::ok ? format_number(x) : std::string("-"); };
  for (const CompareRow& m : r.methods)
    table.add({m.method, to_string(m.status), num(m.status, m.residual_norm), num(m.status, m.xtr_norm),
               num(m.status, m.disagreement)});
  table.print(out);
  print_compare_solutions(out, r);
}

void print_compare_json(std::ostream& out, const CompareReport& r) {
  io::JsonWriter json(out);
  json.begin_object();
  json.key("cond").value(r.cond);
  json.key("condition_warning").value(r.condition_warning);
  json.key("equilibrated").value(r.equilibrated);
  json.key("refined").value(r.refined);
  json.key("methods").begin_array();
  for (const CompareRow& m : r.methods) {
    json.begin_object();
    json.key("method").value(m.method);
    json.key("solution");
    if (m.status == Status::ok)
      json.vector<double>(m.solution);
    else
      json.null();
    json.key("residual_norm").value(m.residual_norm);
    json.key("xtr_norm").value(m.xtr_norm);
    json.key("disagreement").value(m.disagreement);
    json.key("status").value(to_string(m.status));
    json.end_object();
  }
  json.end_array();
  end_json(json);
}

template <class T>
void run_compare(const Invocation& inv) {
  const Problem<T> p = read_problem<T>(inv);
  if (p.Y.cols() != 1)
    fail_dimension_mismatch("compare takes one right-hand side, but " + display_name(inv.operands[1]) + " is " +
                            shape(p.Y.rows(), p.Y.cols()));
  // Two of the methods compared form the normal equations.
  check_solve_size(inv, "compare", p.X.rows(), p.X.cols(), p.Y.cols(), true);
  CompareOptions<T> opts;
  opts.tolerance = rank_tolerance_in<T>(inv);
  opts.condition_warning = static_cast<T>(number_option(inv, "warn-cond", static_cast<double>(opts.condition_warning)));
  if (opts.condition_warning < 0) fail_usage("--warn-cond must be non-negative");
  opts.equilibrate = equilibrate_option(inv);
  opts.refine = inv.flag("refine");
  const CompareReport report = solve_compare<T>(p, opts, inv.flag("float"));
  inv.flag("json") ? print_compare_json(std::cout, report) : print_compare_text(std::cout, report);
}

}  // namespace

CommandSpec lstsq_command() {
  CommandSpec c;
  c.name = "lstsq";
  c.synopsis =
      "X Y [--method M [--[no-]equilibrate] [--refine] | --stream [--chunk-rows N] [--quiet]] [--rcond R] [--json] "
      "[--float] [--output FILE]";
  c.summary = "least-squares solution of X W ~ Y, residual norms, rank, singular values";
  c.description =
      "X is n x d (n observations, d unknowns). Y is n x k (k right-hand sides), or one row\n"
      "of n entries. Among all minimisers of ||Y - X W|| the svd, jacobi and qrcp methods\n"
      "return the one of least norm; qr needs full rank and says rank_deficient otherwise.\n"
      "normal-cholesky and normal-lu solve the normal equations X^T X W = X^T Y, the naive\n"
      "baseline that squares the condition number.\n"
      "\n--equilibrate solves with X D, D = diag(1/||x_j||) rounded to powers of two, and\n"
      "returns W = D W~: the rank rule sees the singular values of X D, so the units of a\n"
      "column never change the rank. Full rank: the same solution. Rank deficient: the one\n"
      "of least ||D^-1 w||, not of least ||w||. Singular values and condition are X D's.\n"
      "--refine refines W by extra-precise iterative refinement on the method's own factors\n"
      "(residuals in long double or double-double; float in double; Demmel et al. 2009):\n"
      "up to 10 steps (1 for the normal equations: corrected semi-normal equations); full\n"
      "rank only. The report gives the steps, why it stopped, and its error bounds.\n"
      "--refine equilibrates too (the rank rule must be unit-free for the refinement to\n"
      "reach the limit of the data) unless --no-equilibrate is given.\n"
      "\n--stream reads X and Y a block of rows at a time, for files larger than memory:\n"
      ".npy in C order (Fortran order is refused: a row would be scattered over the file),\n"
      "text/CSV (standard input too) and Matrix Market general arrays. Each block goes into\n"
      "the R factor of [X | Y] (TSQR), and W comes from R by the rank rule of --method qr;\n"
      "the method is reported as tsqr. Memory: a block plus (d+k)^2, whatever the number of\n"
      "rows. Under --stream the limits bound each block, not the files: --max-bytes the\n"
      "bytes of a block (--chunk-rows x (d+k) doubles) and of one text line, --max-elements\n"
      "the entries of a block, of the (d+k)^2 factor and of W. A progress line (rows, rows/s,\n"
      "seconds) goes to standard error when it is a terminal, unless --quiet.\n"
      "\nJSON fields: solution (flat for one right-hand side, else rows of W), residual_norm\n"
      "(number, or one per column), rank, singular_values (svd and jacobi), method,\n"
      "condition, equilibrated, forward_error (the refinement's bound when it gives one,\n"
      "else the Users' Guide estimate), refinement {steps, stop, bound_normwise,\n"
      "bound_componentwise}; with --stream instead condition, rows and chunk_rows; status.\n"
      "--output FILE writes W.\n";
  c.operands = {"X", "Y"};
  c.options = concat({{"method", "M",
                     "svd (default), jacobi, qr, qrcp, normal-cholesky or normal-lu"},
                    {"equilibrate", "", "scale the columns of X to unit norm (powers of two) before the method"},
                    {"no-equilibrate", "", "do not, also with --refine (which equilibrates unless told not to)"},
                    {"refine", "", "extra-precise iterative refinement of W on the method's factors"},
                    {"stream", "", "read X and Y a block of rows at a time (files larger than memory)"},
                    {"chunk-rows", "N", "with --stream, rows per block (default: about 1 MiB of doubles)"},
                    {"quiet", "", "with --stream, no progress line on standard error"},
                    rcond_option()},
                   common_options(true));
  c.run = by_precision<run_lstsq<float>, run_lstsq<double>>;
  return c;
}

CommandSpec pinv_command() {
  CommandSpec c;
  c.name = "pinv";
  c.synopsis = "A [--rcond R] [--json] [--float] [--output FILE]";
  c.summary = "Moore-Penrose pseudoinverse of A, from its SVD";
  c.description =
      "pinv(A) = V diag(1/s_i for s_i above the tolerance, else 0) U^T, d x n for an n x d A.\n"
      "\nJSON fields: pinv (rows), rank, status. --output FILE writes pinv(A).\n";
  c.operands = {"A"};
  c.options = concat({rcond_option()}, common_options(true));
  c.run = by_precision<run_pinv<float>, run_pinv<double>>;
  return c;
}

CommandSpec ridge_command() {
  CommandSpec c;
  c.name = "ridge";
  c.synopsis = "X Y (--lambda L | --lambdas L1,L2,... [--cv gcv|loo]) [--intercept] [--method M]";
  c.summary = "ridge regression for one lambda, or the best of several by cross-validation";
  c.description =
      "With --lambda, the fit for that lambda (>= 0; 0 gives the minimum-norm least-squares\n"
      "solution). With --lambdas, every lambda is scored by generalized cross-validation\n"
      "(gcv, the default) or leave-one-out (loo), in closed form from one SVD, and the\n"
      "fit at the lowest score is returned. --intercept fits an unpenalised intercept.\n"
      "--method cholesky solves the smaller of two Gram systems: the primal d x d\n"
      "(X^T X + lambda I) W = X^T Y when d <= n, else the dual n x n (X X^T + lambda I) Z = Y\n"
      "with W = X^T Z; the output says which.\n"
      "\nJSON fields: solution, lambda; with --lambdas: lambdas, scores, best_lambda,\n"
      "criterion, solution (at the best lambda); intercept with --intercept; method; with\n"
      "--method cholesky: form (primal or dual) and form_reason; status.\n"
      "--output FILE writes W.\n";
  c.operands = {"X", "Y"};
  c.options = concat({{"lambda", "L", "the regularisation weight, >= 0"},
                    {"lambdas", "L1,L2,...", "several weights, comma-separated; picks the best by --cv"},
                    {"cv", "C", "gcv (default) or loo"},
                    {"intercept", "", "fit an intercept (centre X and Y; the intercept is not penalised)"},
                    {"method", "M", "svd (default), cholesky or augmented-qr; with --lambdas, svd only"},
                    {"rcond", "R", "relative rank tolerance, used when lambda = 0"}},
                   common_options(true));
  c.run = by_precision<run_ridge<float>, run_ridge<double>>;
  return c;
}

CommandSpec compare_command() {
  CommandSpec c;
  c.name = "compare";
  c.synopsis = "X y [--rcond R] [--warn-cond C] [--[no-]equilibrate] [--refine] [--json] [--float]";
  c.summary = "every lstsq method side by side: residuals, ||X^T r||, agreement, cond";
  c.description =
      "Runs svd, jacobi, qr, qrcp, normal-cholesky and normal-lu on the same problem and\n"
      "prints, for each, its status, the residual norm ||y - X w||, the optimality\n"
      "residual ||X^T r|| (zero at a least-squares solution) and ||w - w_svd||, then the\n"
      "solutions side by side. A warning is printed when cond(X) > C (default 1e8).\n"
      "\nJSON fields: cond, condition_warning, methods (method, solution, residual_norm,\n"
      "xtr_norm, disagreement, status for each; numbers are null for a failed method), status.\n";
  c.operands = {"X", "y"};
  c.options = concat({rcond_option(),
                      {"warn-cond", "C", "warn when cond(X) exceeds C (default 1e8)"},
                      {"equilibrate", "", "every method with lstsq --equilibrate (the output says so)"},
                      {"no-equilibrate", "", "every method with lstsq --no-equilibrate"},
                      {"refine", "", "every method with lstsq --refine (the output says so)"}},
                     common_options(false));
  c.run = by_precision<run_compare<float>, run_compare<double>>;
  return c;
}

}  // namespace stela::cli
