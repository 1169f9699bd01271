// tools/stela/cmd_solve.cpp — the solving commands: lstsq, pinv, ridge, compare.
//
// Each command reads its files, checks shapes (exit 2) and finiteness (exit 3, not_finite),
// calls the library's high-level function in double or, with --float, in single
// precision, and prints the result as text or as one JSON object. No numerics here:
// everything computed comes from the library.
#include <cmath>
#include <iostream>
#include <string>

#include "commands.hpp"
#include "common.hpp"
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

template <class T>
void run_lstsq(const Invocation& inv) {
  const Problem<T> p = read_problem<T>(inv);
  LstsqOptions opts;
  opts.method = choice_option(inv, "method", kLstsqMethods, LstsqMethod::svd);
  opts.tolerance = rank_tolerance(inv);
  const char* method = choice_name(opts.method, kLstsqMethods);

  Result<LstsqResult<T>> fit = lstsq<T>(p.X, p.Y, opts);
  if (!fit.ok())
    fail_numerical(fit.status(), std::string("lstsq by ") + method + " on X " + shape(p.X.rows(), p.X.cols()) +
                                     (hint(fit.status()).empty() ? "" : ": " + hint(fit.status())));
  const Matrix<double> W = widen<T>(fit->solution);
  const Vector<double> res = widen<T>(fit->residual_norm);
  const Vector<double> s = widen<T>(fit->singular_values);
  // The file first, so that a write error leaves no result on standard output.
  const bool written = write_output(inv, W);

  if (inv.flag("json")) {
    io::JsonWriter json(std::cout);
    json.begin_object();
    json.key("solution").matrix_or_vector<double>(W);
    json.key("residual_norm");
    if (res.size() == 1)
      json.value(res[0]);
    else
      json.vector<double>(res);
    json.key("rank").value(fit->rank);
    if (s.size() > 0) json.key("singular_values").vector<double>(s);
    json.key("method").value(method);
    end_json(json);
  } else {
    std::ostream& out = std::cout;
    out << "least squares: minimise ||Y - X W|| by " << method << " (" << precision_name(inv.flag("float"))
        << ")\n";
    print_field(out, "X", shape(p.X.rows(), p.X.cols()));
    print_field(out, "Y", shape(p.Y.rows(), p.Y.cols()));
    print_field(out, "rank", std::to_string(fit->rank) + " of " +
                                 std::to_string(std::min(p.X.rows(), p.X.cols())) + " (threshold " +
                                 format_number(static_cast<double>(fit->tolerance)) + ")");
    print_field(out, "condition number", format_number(static_cast<double>(fit->condition)));
    if (res.size() == 1) {
      print_field(out, "residual norm", format_number(res[0]));
      print_field(out, "error estimate", format_number(static_cast<double>(fit->forward_error[0])) +
                                             " (relative, LAPACK Users' Guide 4.5.2)");
    } else {
      print_vector(out, "residual norms", res);
      print_vector(out, "error estimates", widen<T>(fit->forward_error));
    }
    if (s.size() > 0) print_vector(out, "singular values", s);
    print_matrix(out, "solution W", W);
  }
  report_output(inv, written, "solution");
}

// ---------------------------------------------------------------------------------------
// pinv A

template <class T>
void run_pinv(const Invocation& inv) {
  MatrixReader reader(inv);
  const Matrix<T> A = checked_matrix<T>(reader.read(inv.operands[0]), inv.operands[0]);
  const RankTolerance tol = rank_tolerance(inv);
  Result<Matrix<T>> P = pinv<T>(A, tol);
  if (!P.ok()) fail_numerical(P.status(), "pinv of A " + shape(A.rows(), A.cols()) + ": " + hint(P.status()));
  Result<index> r = rank<T>(A, tol);
  if (!r.ok()) fail_numerical(r.status(), "rank of A " + shape(A.rows(), A.cols()));
  const Matrix<double> Pd = widen<T>(*P);
  // The file first, so that a write error leaves no result on standard output.
  const bool written = write_output(inv, Pd);

  if (inv.flag("json")) {
    io::JsonWriter json(std::cout);
    json.begin_object();
    json.key("pinv").matrix<double>(Pd);
    json.key("rank").value(*r);
    end_json(json);
  } else {
    std::cout << "Moore-Penrose pseudoinverse (" << precision_name(inv.flag("float")) << ")\n";
    print_field(std::cout, "A", shape(A.rows(), A.cols()));
    print_field(std::cout, "rank", std::to_string(*r));
    print_matrix(std::cout, "pinv(A)", Pd);
  }
  report_output(inv, written, "pinv(A)");
}

// ---------------------------------------------------------------------------------------
// ridge X Y (--lambda L | --lambdas L1,L2,... [--cv gcv|loo])

template <class T>
void run_ridge(const Invocation& inv) {
  // 1. Options first: a usage error should not wait for the files.
  const bool path = inv.has("lambdas");
  if (path == inv.has("lambda")) fail_usage("give exactly one of --lambda L and --lambdas L1,L2,...");
  if (inv.has("cv") && !path) fail_usage("--cv needs --lambdas");
  RidgeOptions opts;
  opts.method = choice_option(inv, "method", kRidgeMethods, RidgeMethod::svd);
  opts.fit_intercept = inv.flag("intercept");
  opts.tolerance = rank_tolerance(inv);
  if (path && opts.method != RidgeMethod::svd)
    fail_usage("--method " + inv.value("method") +
               " applies to --lambda only: with --lambdas every lambda is scored from one SVD (--method svd)");
  const CvCriterion criterion = choice_option(inv, "cv", kCvCriteria, CvCriterion::gcv);
  const std::vector<double> lambdas = path ? number_list("lambdas", inv.value("lambdas"))
                                           : std::vector<double>{number_option(inv, "lambda", 0)};
  for (double lambda : lambdas)
    if (lambda < 0)
      fail_usage(std::string("--") + (path ? "lambdas" : "lambda") + " must be non-negative, got " +
                 format_number(lambda));
  const char* method = choice_name(opts.method, kRidgeMethods);

  // 2. The problem, and the fit.
  const Problem<T> p = read_problem<T>(inv);
  RidgeResult<T> fit;
  RidgeCvResult<T> cv;
  if (path) {
    Vector<T> lam(static_cast<index>(lambdas.size()));
    for (index i = 0; i < lam.size(); ++i) lam[i] = static_cast<T>(lambdas[static_cast<std::size_t>(i)]);
    Result<RidgeCvResult<T>> r = ridge_cv<T>(p.X, p.Y, lam, criterion, opts);
    if (!r.ok()) fail_numerical(r.status(), std::string("ridge_cv by ") + method + ": " + ridge_hint(r.status()));
    cv = std::move(r.value());
    fit = cv.best;
  } else {
    Result<RidgeResult<T>> r = ridge<T>(p.X, p.Y, static_cast<T>(lambdas[0]), opts);
    if (!r.ok()) fail_numerical(r.status(), std::string("ridge by ") + method + ": " + ridge_hint(r.status()));
    fit = std::move(r.value());
  }
  const Matrix<double> W = widen<T>(fit.solution);
  const bool has_form = opts.method == RidgeMethod::cholesky && !path;
  const RidgeForm form = ridge_form(fit.dual, p.X.rows(), p.X.cols());
  // The file first, so that a write error leaves no result on standard output.
  const bool written = write_output(inv, W);

  // 3. Output.
  if (inv.flag("json")) {
    io::JsonWriter json(std::cout);
    json.begin_object();
    if (path) {
      json.key("lambdas").vector<double>(widen<T>(cv.lambdas));
      json.key("scores").vector<double>(widen<T>(cv.scores));
      json.key("best_lambda").value(static_cast<double>(cv.best_lambda));
      json.key("criterion").value(choice_name(criterion, kCvCriteria));
    } else {
      json.key("lambda").value(static_cast<double>(fit.lambda));
    }
    json.key("solution").matrix_or_vector<double>(W);
    if (opts.fit_intercept) {
      const Vector<double> b = widen<T>(fit.intercept);
      json.key("intercept");
      if (b.size() == 1)
        json.value(b[0]);
      else
        json.vector<double>(b);
    }
    json.key("method").value(method);
    if (has_form) json.key("form").value(form.name).key("form_reason").value(form.reason);
    end_json(json);
  } else {
    std::ostream& out = std::cout;
    out << "ridge regression: minimise ||Y - X W||^2 + lambda ||W||^2 by " << method << " ("
        << precision_name(inv.flag("float")) << ")\n";
    print_field(out, "X", shape(p.X.rows(), p.X.cols()));
    print_field(out, "Y", shape(p.Y.rows(), p.Y.cols()));
    if (path) {
      out << "cross-validation (" << choice_name(criterion, kCvCriteria) << "), lower is better:\n";
      Table table({"", "lambda", "score", "effective dof"}, {false, true, true, true});
      for (index i = 0; i < cv.lambdas.size(); ++i)
        table.add({i == cv.best_index ? "*" : "", format_number(static_cast<double>(cv.lambdas[i])),
                   format_number(static_cast<double>(cv.scores[i])),
                   format_number(static_cast<double>(cv.effective_dof[i]))});
      table.print(out, "  ");
      print_field(out, "best lambda", format_number(static_cast<double>(cv.best_lambda)));
    } else {
      print_field(out, "lambda", format_number(static_cast<double>(fit.lambda)));
      if (has_form) print_field(out, "form", std::string(form.name) + ": " + form.reason);
      if (opts.method == RidgeMethod::svd)
        print_field(out, "effective dof", format_number(static_cast<double>(fit.effective_dof)));
    }
    if (opts.fit_intercept) print_vector(out, "intercept", widen<T>(fit.intercept));
    print_matrix(out, path ? "solution W at the best lambda" : "solution W", W);
  }
  report_output(inv, written, "solution");
}

// ---------------------------------------------------------------------------------------
// compare X y

template <class T>
void run_compare(const Invocation& inv) {
  const Problem<T> p = read_problem<T>(inv);
  if (p.Y.cols() != 1)
    fail_dimension_mismatch("compare takes one right-hand side, but " + display_name(inv.operands[1]) +
               " is " + shape(p.Y.rows(), p.Y.cols()));
  CompareOptions opts;
  opts.tolerance = rank_tolerance(inv);
  opts.condition_warning = number_option(inv, "warn-cond", opts.condition_warning);
  if (opts.condition_warning < 0) fail_usage("--warn-cond must be non-negative");
  Result<SolverComparison<T>> cmp = compare_solvers<T>(p.X, p.Y.col(0), opts);
  if (!cmp.ok()) fail_numerical(cmp.status(), "compare_solvers on X " + shape(p.X.rows(), p.X.cols()));
  const double kappa = static_cast<double>(cmp->cond);

  if (inv.flag("json")) {
    io::JsonWriter json(std::cout);
    json.begin_object();
    json.key("cond").value(kappa);
    json.key("condition_warning").value(cmp->condition_warning);
    json.key("methods").begin_array();
    for (const SolverReport<T>& r : cmp->methods) {
      const bool ok = r.status == Status::ok;
      json.begin_object();
      json.key("method").value(choice_name(r.method, kLstsqMethods));
      json.key("solution");
      if (ok)
        json.vector<double>(widen<T>(r.solution));
      else
        json.null();
      json.key("residual_norm").value(static_cast<double>(r.residual_norm));
      json.key("xtr_norm").value(static_cast<double>(r.xtr_norm));
      json.key("disagreement").value(static_cast<double>(r.disagreement));
      json.key("status").value(to_string(r.status));
      json.end_object();
    }
    json.end_array();
    end_json(json);
    return;
  }
  std::ostream& out = std::cout;
  out << "every least-squares method on the same problem (" << precision_name(inv.flag("float")) << ")\n";
  print_field(out, "X", shape(p.X.rows(), p.X.cols()));
  print_field(out, "y", std::to_string(p.Y.rows()) + " entries");
  print_field(out, "cond(X)", format_number(kappa));
  if (cmp->condition_warning)
    out << "warning: cond(X) > " << format_number(opts.condition_warning)
        << ": the normal equations work with cond(X)^2 = " << format_number(kappa * kappa)
        << ",\n         so their solution can be wrong in every digit although its residual looks fine.\n";
  out << '\n';
  Table table({"method", "status", "||y - X w||", "||X^T r||", "||w - w_svd||"}, {false, false, true, true, true});
  auto num = [](Status s, T x) { return s == Status::ok ? format_number(static_cast<double>(x)) : std::string("-"); };
  for (const SolverReport<T>& r : cmp->methods)
    table.add({choice_name(r.method, kLstsqMethods), to_string(r.status), num(r.status, r.residual_norm),
               num(r.status, r.xtr_norm), num(r.status, r.disagreement)});
  table.print(out);
  // The solutions side by side, one column per method (the first rows of a long one).
  constexpr index kShownEntries = 24;
  const index d = p.X.cols();
  out << "\nsolutions (" << d << " entries each" << (d > kShownEntries ? ", first " + std::to_string(kShownEntries) + " shown" : "")
      << "):\n";
  std::vector<std::string> header{"i"};
  for (const SolverReport<T>& r : cmp->methods) header.push_back(choice_name(r.method, kLstsqMethods));
  Table solutions(header, std::vector<bool>(header.size(), true));
  for (index i = 0; i < std::min(d, kShownEntries); ++i) {
    std::vector<std::string> row{std::to_string(i)};
    for (const SolverReport<T>& r : cmp->methods)
      row.push_back(r.status == Status::ok ? format_number(static_cast<double>(r.solution[i])) : "-");
    solutions.add(row);
  }
  solutions.print(out, "  ");
}

}  // namespace

CommandSpec lstsq_command() {
  CommandSpec c;
  c.name = "lstsq";
  c.synopsis = "X Y [--method M] [--rcond R] [--json] [--float] [--output FILE]";
  c.summary = "least-squares solution of X W ~ Y, residual norms, rank, singular values";
  c.description =
      "X is n x d (n observations, d unknowns). Y is n x k (k right-hand sides), or one row\n"
      "of n entries. Among all minimisers of ||Y - X W|| the svd, jacobi and qrcp methods\n"
      "return the one of least norm; qr needs full rank and says rank_deficient otherwise.\n"
      "normal-cholesky and normal-lu solve the normal equations X^T X W = X^T Y, the naive\n"
      "baseline that squares the condition number.\n"
      "\nJSON fields: solution (flat for one right-hand side, else rows of W), residual_norm\n"
      "(number, or one per column), rank, singular_values (svd and jacobi), method, status.\n"
      "--output FILE writes W.\n";
  c.operands = {"X", "Y"};
  c.options = concat({{"method", "M",
                     "svd (default), jacobi, qr, qrcp, normal-cholesky or normal-lu"},
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
  c.synopsis = "X y [--rcond R] [--warn-cond C] [--json] [--float]";
  c.summary = "every lstsq method side by side: residuals, ||X^T r||, agreement, cond";
  c.description =
      "Runs svd, jacobi, qr, qrcp, normal-cholesky and normal-lu on the same problem and\n"
      "prints, for each, its status, the residual norm ||y - X w||, the optimality\n"
      "residual ||X^T r|| (zero at a least-squares solution) and ||w - w_svd||, then the\n"
      "solutions side by side. A warning is printed when cond(X) > C (default 1e8).\n"
      "\nJSON fields: cond, condition_warning, methods (method, solution, residual_norm,\n"
      "xtr_norm, disagreement, status for each; numbers are null for a failed method), status.\n";
  c.operands = {"X", "y"};
  c.options = concat({rcond_option(), {"warn-cond", "C", "warn when cond(X) exceeds C (default 1e8)"}}, common_options(false));
  c.run = by_precision<run_compare<float>, run_compare<double>>;
  return c;
}

}  // namespace stela::cli
