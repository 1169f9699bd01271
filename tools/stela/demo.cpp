// tools/stela/demo.cpp — `stela demo`: the four worked examples of DESIGN.md, each with
// a short plain-language explanation and the numbers that make its point.
//
//   1. more unknowns than equations: the minimum-norm solution, and moves along the
//      null space that change the weights but no prediction;
//   2. a rank-deficient system: the line of least-squares solutions and its
//      minimum-norm member;
//   3. the projection (hat) matrix and its properties;
//   4. SVD against the normal equations, well and ill conditioned, with the warning.
//
// run_demo computes every example's numbers into a DemoResult, and print_demo_text or
// print_demo_json prints it. The output is deterministic: fixed seeds, the library's
// portable generator, and numbers printed as %.3e (or exactly, for small integers and
// short decimals). The examples are the ones tests/test_worked_examples.cpp asserts;
// tests/test_cli.cpp checks the numbers printed here through --json.
#include <cmath>
#include <iostream>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "commands.hpp"
#include "common.hpp"
#include "io/numbers.hpp"
#include "stela/blas.hpp"
#include "stela/diagnostics.hpp"
#include "stela/lstsq.hpp"
#include "stela/random.hpp"
#include "stela/subspace.hpp"

namespace stela::cli {
namespace {

// The examples' fixed data.
constexpr std::uint64_t kGaussianSeed = 2024;   // example 1's X and w_true
constexpr index kObservations = 6, kUnknowns = 12;
constexpr double kNullStep = 5;                 // example 1 moves w0 by 5 z
constexpr std::uint64_t kCatalogueSeed = 7;     // example 4's X
constexpr std::uint64_t kNoiseSeed = 8;         // example 4's noise
constexpr index kRows4 = 40, kCols4 = 6;
// Well conditioned; ill conditioned but below the warning (the normal equations still
// answer, with about eps kappa^2 relative error); beyond the warning threshold 1e8
// (X^T X singular to working precision).
constexpr double kConditions[] = {10, 1e7, 1e10};
constexpr double kNoiseLevel = 1e-3;

// ---------------------------------------------------------------------------------------
// Small helpers on the library's kernels.

// A kernel call that must succeed on the demo's fixed data.
void need(Status status, const char* what) {
  if (status != Status::ok) fail_numerical(status, std::string("demo: ") + what);
}

Vector<double> times(MatrixView<const double> X, VectorView<const double> w) {
  Vector<double> y(X.rows());
  need(gemv(Op::none, 1.0, X, w, 0.0, y.view()), "X w");  // y := X w
  return y;
}

Matrix<double> product(MatrixView<const double> A, MatrixView<const double> B) {
  Matrix<double> C(A.rows(), B.cols());
  need(gemm(Op::none, Op::none, 1.0, A, B, 0.0, C.view()), "A B");  // C := A B
  return C;
}

double distance(VectorView<const double> a, VectorView<const double> b) {
  Vector<double> d(a);
  axpy(-1.0, b, d.view());  // d := a - b
  return nrm2<double>(d);
}

double distance(MatrixView<const double> A, MatrixView<const double> B) {
  Matrix<double> D(A);
  for (index j = 0; j < A.cols(); ++j) axpy(-1.0, B.col(j), D.col(j));  // D := A - B
  return norm<double>(D, Norm::frobenius);
}

// Residual norm ||y - X w|| and optimality residual ||X^T (y - X w)||.
struct Fit {
  double residual = 0, xtr = 0;
};
Fit assess(MatrixView<const double> X, VectorView<const double> y, VectorView<const double> w) {
  Vector<double> r(y);
  need(gemv(Op::none, -1.0, X, w, 1.0, r.view()), "y - X w");  // r := y - X w
  Vector<double> xtr(X.cols());
  need(gemv(Op::transpose, 1.0, X, VectorView<const double>(r), 0.0, xtr.view()), "X^T r");  // X^T r
  return Fit{nrm2<double>(r), nrm2<double>(xtr)};
}

// "[0.75, 0.25, -4]" with %.6g entries (short vectors of exact-looking numbers).
std::string bracket(VectorView<const double> x) {
  std::string out = "[";
  for (index i = 0; i < x.size(); ++i) out += (i ? ", " : "") + format_number(x[i]);
  return out + "]";
}

// The value of a call that must succeed on the demo's fixed data.
template <class R>
R need(Result<R> r, const char* what) {
  if (!r.ok()) fail_numerical(r.status(), std::string("demo: ") + what);
  return std::move(r).value();
}

// Prints plain-language text as one paragraph, indented and wrapped at kTextWidth
// (the line breaks in `text` are not kept).
void say(std::ostream& out, const std::string& text) {
  constexpr std::size_t kTextWidth = 88;
  const std::string indent = "   ";
  std::string line = indent;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\n')) ++i;
    std::size_t j = i;
    while (j < text.size() && text[j] != ' ' && text[j] != '\n') ++j;
    if (j == i) break;
    const std::string word = text.substr(i, j - i);
    if (line.size() > indent.size() && line.size() + 1 + word.size() > kTextWidth) {
      out << line << '\n';
      line = indent;
    }
    line += (line.size() > indent.size() ? " " : "") + word;
    i = j;
  }
  if (line.size() > indent.size()) out << line << '\n';
}

void number_line(std::ostream& out, const std::string& name, const std::string& value, const std::string& note = "") {
  std::string line = "     " + name;
  constexpr std::size_t kNameWidth = 40;
  line += std::string(line.size() < kNameWidth ? kNameWidth - line.size() : 1, ' ') + value;
  if (!note.empty()) line += "   " + note;
  out << line << '\n';
}

// ---------------------------------------------------------------------------------------
// 1. Overparameterised: n = 6 observations, d = 12 unknowns.

struct Example1 {
  double residual, sigma_min, w0_norm, w_true_norm, weight_change, prediction_change, w0_null_component;
  index rank, null_dimension;
};

Example1 run_example1() {
  Rng rng(kGaussianSeed);
  Matrix<double> X(kObservations, kUnknowns);
  fill_gaussian(rng, X.view());
  Vector<double> w_true(kUnknowns);
  fill_gaussian(rng, w_true.view());
  const Vector<double> y = times(X, w_true);

  const LstsqResult<double> fit = need(lstsq<double>(X, VectorView<const double>(y)), "lstsq (example 1)");
  const Vector<double> w0(fit.solution.col(0));
  // N = V(:, 6:12), the right-singular vectors of the zero singular values.
  const Matrix<double> N = need(null_space<double>(X), "null_space (example 1)");
  const Vector<double> z(N.col(N.cols() - 1));  // the last right-singular vector

  Vector<double> moved(w0);
  axpy(kNullStep, VectorView<const double>(z), moved.view());  // w1 := w0 + 5 z
  Vector<double> Ntw0(N.cols());
  need(gemv(Op::transpose, 1.0, MatrixView<const double>(N), VectorView<const double>(w0), 0.0, Ntw0.view()),
       "N^T w0");  // N^T w0

  Example1 e;
  e.residual = fit.residual_norm[0];
  e.sigma_min = fit.singular_values[fit.singular_values.size() - 1];
  e.w0_norm = nrm2<double>(w0);
  e.w_true_norm = nrm2<double>(w_true);
  e.weight_change = distance(moved, w0);
  e.prediction_change = distance(times(X, moved), times(X, w0));
  e.w0_null_component = nrm2<double>(Ntw0);
  e.rank = fit.rank;
  e.null_dimension = N.cols();
  return e;
}

// ---------------------------------------------------------------------------------------
// 2. X = [[3,1,0],[6,2,1],[3,1,0]], y = [2,1,3].

// A point of the line of solutions, taken as the table prints it.
struct Member {
  double t;
  Vector<double> w;  // p + t v rounded to the 6 significant digits printed
  Fit fit;           // residual and ||X^T r|| of that w
  double norm;
};

// x with every entry rounded to the digits format_number prints (%.6g), so that a row of
// the table can be checked by hand from what it shows.
Vector<double> as_printed(VectorView<const double> x) {
  Vector<double> y(x.size());
  for (index i = 0; i < x.size(); ++i) {
    double v = 0;
    y[i] = io::parse_double(format_number(x[i]), v) ? v : x[i];
  }
  return y;
}

struct Example2 {
  index rank;
  // What general_solution returned: every least-squares solution is w0 + s n.
  Vector<double> w0;          // the minimum-norm member
  Vector<double> null_basis;  // n, the one basis vector of N(X) (largest-magnitude entry positive)
  double w0_dot_n;            // w0 . n: zero up to rounding, as w0 has no part in N(X)
  // The same line in the round numbers a hand calculation gives: v = n / n[0] (first
  // entry 1) and p = w0 - w0[0] v (first entry 0), so that w(t) = p + t v.
  Vector<double> direction, particular;
  double direction_norm;      // ||v|| = 1 / |n[0]|
  double t0;                  // w0 = p + t0 v
  std::vector<Member> members;
};

Example2 run_example2() {
  const Matrix<double> X{{3, 1, 0}, {6, 2, 1}, {3, 1, 0}};
  const Vector<double> y{2, 1, 3};
  Example2 e;
  e.rank = need(rank<double>(X), "rank (example 2)");
  const SolutionSet<double> S = need(general_solution<double>(X, VectorView<const double>(y)), "general_solution");
  e.w0 = S.particular;
  e.null_basis = Vector<double>(S.null_basis.col(0));
  e.w0_dot_n = dot<double>(e.w0, e.null_basis);
  // v := n / n[0]; |n[0]| = 1/sqrt(10) for this X, so the division is safe and v[0] = 1.
  e.direction = e.null_basis;
  for (index i = 0; i < e.direction.size(); ++i) e.direction[i] = e.null_basis[i] / e.null_basis[0];
  e.direction_norm = nrm2<double>(e.direction);
  e.particular = e.w0;
  axpy(-e.w0[0], VectorView<const double>(e.direction), e.particular.view());  // p := w0 - w0[0] v
  // t0 = (w0 - p) . v / (v . v): where w0 sits on the line p + t v.
  Vector<double> shift(e.w0);
  axpy(-1.0, VectorView<const double>(e.particular), shift.view());
  e.t0 = dot<double>(shift, e.direction) / dot<double>(e.direction, e.direction);
  for (double t : {-1.0, 0.0, e.t0, 2.0}) {
    Member m;
    m.t = t;
    Vector<double> w(e.particular);
    axpy(t, VectorView<const double>(e.direction), w.view());  // w(t) = p + t v
    m.w = as_printed(w);
    m.fit = assess(X, y, m.w);
    m.norm = nrm2<double>(m.w);
    e.members.push_back(std::move(m));
  }
  return e;
}

// ---------------------------------------------------------------------------------------
// 3. X = [[3,0],[0,154],[6,0]]: the hat matrix.

struct Example3 {
  Matrix<double> P;
  Vector<double> Py, leverage;
  double symmetry, idempotency, px_minus_x, in_range_error;
};

Example3 run_example3() {
  const Matrix<double> X{{3, 0}, {0, 154}, {6, 0}};
  const Vector<double> y{1, 2, 3};
  const Vector<double> in_range{1, -2, 2};  // [3, 0, 6] / 3 - 2 e_2, in col(X)
  Example3 e;
  e.P = need(projector<double>(X), "projector (example 3)");
  e.Py = times(e.P, y);
  e.leverage = need(leverage<double>(X), "leverage (example 3)");
  e.symmetry = distance(MatrixView<const double>(e.P), MatrixView<const double>(transpose<double>(e.P)));
  e.idempotency = distance(MatrixView<const double>(product(e.P, e.P)), MatrixView<const double>(e.P));
  e.px_minus_x = distance(MatrixView<const double>(product(e.P, X)), MatrixView<const double>(X));
  e.in_range_error = distance(times(e.P, in_range), in_range);
  return e;
}

// ---------------------------------------------------------------------------------------
// 4. SVD against the normal equations (LU), well and ill conditioned.

struct Example4Case {
  double kappa_requested, cond;
  bool warning;
  SolverReport<double> svd, lu;
  double svd_norm;  // ||w_svd||, the scale of the disagreement
};

std::vector<Example4Case> run_example4() {
  std::vector<Example4Case> cases;
  for (double kappa : kConditions) {
    CatalogueOptions opts;
    opts.kappa = kappa;
    const TestMatrix<double> tm = make_test_matrix<double>(MatrixType::geometric, kRows4, kCols4, kCatalogueSeed, opts);
    const Vector<double> w_true(kCols4, 1.0);
    Vector<double> y = times(tm.A, w_true);
    Rng rng(kNoiseSeed);
    Vector<double> noise(kRows4);
    fill_gaussian(rng, noise.view());
    axpy(kNoiseLevel, VectorView<const double>(noise), y.view());  // y := X w_true + 1e-3 g

    const SolverComparison<double> cmp =
        need(compare_solvers<double>(tm.A, VectorView<const double>(y)), "compare_solvers (example 4)");
    Example4Case c;
    c.kappa_requested = kappa;
    c.cond = cmp.cond;
    c.warning = cmp.condition_warning;
    for (const auto& r : cmp.methods) {
      if (r.method == LstsqMethod::svd) c.svd = r;
      if (r.method == LstsqMethod::normal_lu) c.lu = r;
    }
    c.svd_norm = nrm2<double>(c.svd.solution);
    cases.push_back(std::move(c));
  }
  return cases;
}

// ---------------------------------------------------------------------------------------
// The demo's result: the four examples' numbers.

struct DemoResult {
  Example1 e1;
  Example2 e2;
  Example3 e3;
  std::vector<Example4Case> e4;
};

DemoResult run_demo() { return DemoResult{run_example1(), run_example2(), run_example3(), run_example4()}; }

// ---------------------------------------------------------------------------------------
// Text

void print_example1_text(std::ostream& out, const Example1& e1) {
  out << "1. More unknowns than equations: many exact fits, one of least norm\n\n";
  say(out,
      "X is 6 x 12 (Gaussian, seed 2024) and y = X w_true. Twelve unknowns and six equations:\n"
      "infinitely many w fit y exactly. lstsq (by SVD) returns the one of least norm, w0.\n");
  out << '\n';
  number_line(out, "residual ||y - X w0||", format_sci(e1.residual), "w0 fits y exactly, up to rounding");
  number_line(out, "||w0||  vs  ||w_true||", format_sci(e1.w0_norm) + " vs " + format_sci(e1.w_true_norm),
              "w0 is the shortest fit");
  number_line(out, "smallest singular value", format_sci(e1.sigma_min), "far from zero: rank " + std::to_string(e1.rank));
  number_line(out, "null space dimension", std::to_string(e1.null_dimension), "= 12 unknowns - rank 6");
  number_line(out, "||N^T w0||", format_sci(e1.w0_null_component), "w0 has no part in the null space");
  out << '\n';
  say(out,
      "Take z, the last right-singular vector (a unit vector with X z = 0), and move the\n"
      "weights along it: w1 = w0 + 5 z.\n");
  out << '\n';
  number_line(out, "||w1 - w0||", format_sci(e1.weight_change), "the weights moved by 5");
  number_line(out, "||X w1 - X w0||", format_sci(e1.prediction_change), "no prediction moved");
  out << '\n';
  say(out,
      "The data cannot tell w0 from w1: both predict the same values. Which weights you get\n"
      "is a choice, and the minimum-norm one is the choice that adds nothing the data did\n"
      "not ask for.\n");
  out << '\n';
}

void print_example2_text(std::ostream& out, const Example2& e2) {
  out << "2. A rank-deficient system: a whole line of least-squares solutions\n\n";
  say(out,
      "X = [[3,1,0],[6,2,1],[3,1,0]], y = [2,1,3]. Rows 1 and 3 of X are equal but ask for\n"
      "different values (2 and 3), so no w fits exactly, and rank(X) = " + std::to_string(e2.rank) +
          ": one direction of w\n"
          "is invisible to X.\n");
  out << '\n';
  number_line(out, "rank", std::to_string(e2.rank));
  // n = (n / |n[0]|) / ||v||: the round numbers of a hand calculation, with n's own sign.
  Vector<double> scaled(e2.null_basis);
  scal(e2.direction_norm, scaled.view());
  number_line(out, "null space basis n", bracket(e2.null_basis),
              "= " + bracket(scaled) + " / " + format_number(e2.direction_norm));
  out << '\n';
  say(out,
      "general_solution returns w0, the minimum-norm solution, and n. Through the member\n"
      "with first entry 0, and with n scaled to first entry 1, the line of solutions is\n");
  out << '\n' << "     w(t) = " << bracket(e2.particular) << " + t " << bracket(e2.direction) << "\n\n";
  say(out, "and every w(t) solves the normal equations X^T X w = X^T y (rows use w(t) as shown):\n");
  out << '\n';
  Table table({"t", "w(t)", "||y - X w(t)||", "||X^T r||", "||w(t)||", ""}, {true, false, true, true, true, false});
  for (const Member& m : e2.members)
    table.add({format_number(m.t), bracket(m.w), format_sci(m.fit.residual), format_sci(m.fit.xtr), format_sci(m.norm),
               m.t == e2.t0 ? "<- least norm" : ""});
  table.print(out, "     ");
  out << '\n';
  say(out,
      "The residual is the same all along the line: every member is equally good. The\n"
      "shortest one, at t = " + format_number(e2.t0) + ", is w0 = " + bracket(e2.w0) +
          ", the only member orthogonal to the\n"
          "null space (w0 . n = " + format_sci(e2.w0_dot_n) + "). That is what lstsq and pinv return.\n"
          "Try, from the top of the source tree: stela null docs/examples/rank_deficient.txt\n"
          "(this X).\n");
  out << '\n';
}

void print_example3_text(std::ostream& out, const Example3& e3) {
  out << "3. The projection (hat) matrix P = X X^+\n\n";
  say(out,
      "X = [[3,0],[0,154],[6,0]]. P maps any y to its closest point in col(X), the plane\n"
      "spanned by [3, 0, 6] and [0, 1, 0]: the fitted values of least squares.\n");
  out << '\n';
  print_matrix(out, "P", e3.P, "     ");
  out << '\n';
  number_line(out, "P y for y = [1, 2, 3]", bracket(e3.Py), "the fitted values");
  number_line(out, "symmetric:  ||P - P^T||", format_sci(e3.symmetry));
  number_line(out, "idempotent: ||P P - P||", format_sci(e3.idempotency), "projecting twice changes nothing");
  number_line(out, "||P X - X||", format_sci(e3.px_minus_x), "col(X) is left alone");
  number_line(out, "||P y - y|| for y = [1, -2, 2]", format_sci(e3.in_range_error), "y in col(X) is its own fit");
  number_line(out, "leverage diag(P)", bracket(e3.leverage), "observation 2 alone decides w_2");
  out << '\n';
  say(out,
      "P depends only on the column space: scaling the 154 to anything non-zero gives the\n"
      "same P. Its diagonal, the leverage, says how much each observation pulls on its\n"
      "own fitted value.\n");
  out << '\n';
}

// Example 4's closing paragraph: the story follows the numbers, what the middle case
// lost and how the last one ended.
std::string example4_story(const std::vector<Example4Case>& e4) {
  const Example4Case& mid = e4[1];
  const Example4Case& ill = e4[2];
  std::string text =
      "Well conditioned, the two agree to rounding. At cond(X) = " + format_sci(mid.cond) + " the normal\n";
  if (mid.lu.status == Status::ok)
    text += "equations still answer, with a residual as small as the SVD's, yet their weights are\n"
            "off by " + format_sci(mid.lu.disagreement / mid.svd_norm) +
            " relative to the SVD's: squaring the condition number costs digits\n"
            "(their error bound is eps cond(X)^2 = " + format_sci(eps<double>() * mid.cond * mid.cond) +
            ", the SVD's eps cond(X) = " + format_sci(eps<double>() * mid.cond) + ").";
  else
    text += std::string("equations already fail (") + to_string(mid.lu.status) + ").";
  text += " At " + format_sci(ill.cond) + ", X^T X is singular to working precision\n";
  if (ill.lu.status == Status::ok)
    text += "and the normal equations return weights off by " + format_sci(ill.lu.disagreement / ill.svd_norm) + ".";
  else
    text += std::string("and the LU solve reports ") + to_string(ill.lu.status) + " instead of returning noise.";
  text +=
      " The SVD\nkeeps ||X^T r|| at rounding level throughout: its answer satisfies the optimality condition.\n"
      "Try, from the top of the source tree: stela compare docs/examples/X.npy docs/examples/y.npy\n"
      "(every method on a small problem), and stela stability for the full picture.\n";
  return text;
}

void print_example4_text(std::ostream& out, const std::vector<Example4Case>& e4) {
  out << "4. Two ways to solve least squares: SVD against the normal equations\n\n";
  say(out,
      "X is 40 x 6 with singular values spaced geometrically, condition number 10, 1e7 and\n"
      "1e10; y = X [1, ..., 1] + 1e-3 noise. The SVD works on X. The normal equations form\n"
      "X^T X, whose condition number is cond(X)^2, and solve it by LU.\n");
  out << '\n';
  Table t4({"cond(X)", "method", "status", "||y - X w||", "||X^T r||", "||w - w_svd||", "relative"},
           {true, false, false, true, true, true, true});
  for (const Example4Case& c : e4) {
    auto row = [&](const SolverReport<double>& r, bool first) {
      const bool ok = r.status == Status::ok;
      t4.add({first ? format_sci(c.cond) : "", choice_name(r.method, kLstsqMethods), to_string(r.status),
              ok ? format_sci(r.residual_norm) : "-", ok ? format_sci(r.xtr_norm) : "-",
              ok ? format_sci(r.disagreement) : "-", ok ? format_sci(r.disagreement / c.svd_norm) : "-"});
    };
    row(c.svd, true);
    row(c.lu, false);
  }
  t4.print(out, "     ");
  out << '\n';
  for (const Example4Case& c : e4)
    if (c.warning)
      out << "     warning: cond(X) = " << format_sci(c.cond) << " > 1e8: cond(X^T X) = "
          << format_sci(c.cond * c.cond) << " > 1/eps\n\n";
  say(out, example4_story(e4));
}

void print_demo_text(std::ostream& out, const DemoResult& d) {
  out << "stela demo: four worked examples of least squares (double precision, eps = " << format_sci(eps<double>())
      << ")\n\n";
  print_example1_text(out, d.e1);
  print_example2_text(out, d.e2);
  print_example3_text(out, d.e3);
  print_example4_text(out, d.e4);
}

// ---------------------------------------------------------------------------------------
// JSON

void json_example1(io::JsonWriter& json, const Example1& e1) {
  json.key("overparameterised").begin_object();
  json.key("rows").value(kObservations).key("cols").value(kUnknowns);
  json.key("rank").value(e1.rank);
  json.key("residual_norm").value(e1.residual);
  json.key("sigma_min").value(e1.sigma_min);
  json.key("null_space_dimension").value(e1.null_dimension);
  json.key("min_norm").value(e1.w0_norm);
  json.key("true_norm").value(e1.w_true_norm);
  json.key("null_component").value(e1.w0_null_component);
  json.key("step").value(kNullStep);
  json.key("weight_change").value(e1.weight_change);
  json.key("prediction_change").value(e1.prediction_change);
  json.end_object();
}

void json_example2(io::JsonWriter& json, const Example2& e2) {
  json.key("complete_solution").begin_object();
  json.key("rank").value(e2.rank);
  json.key("null_space").vector<double>(e2.null_basis);
  json.key("particular").vector<double>(e2.particular);
  json.key("direction").vector<double>(e2.direction);
  json.key("min_norm_solution").vector<double>(e2.w0);
  json.key("min_norm_t").value(e2.t0);
  json.key("members").begin_array();
  for (const Member& m : e2.members) {
    json.begin_object();
    json.key("t").value(m.t).key("w").vector<double>(m.w);
    json.key("residual_norm").value(m.fit.residual).key("xtr_norm").value(m.fit.xtr).key("norm").value(m.norm);
    json.end_object();
  }
  json.end_array();
  json.end_object();
}

void json_example3(io::JsonWriter& json, const Example3& e3) {
  json.key("projection").begin_object();
  json.key("P").matrix<double>(e3.P);
  json.key("Py").vector<double>(e3.Py);
  json.key("symmetry_error").value(e3.symmetry);
  json.key("idempotency_error").value(e3.idempotency);
  json.key("px_minus_x").value(e3.px_minus_x);
  json.key("in_range_error").value(e3.in_range_error);
  json.key("leverage").vector<double>(e3.leverage);
  json.end_object();
}

void json_example4(io::JsonWriter& json, const std::vector<Example4Case>& e4) {
  json.key("normal_equations").begin_array();
  for (const Example4Case& c : e4) {
    json.begin_object();
    json.key("kappa").value(c.kappa_requested);
    json.key("cond").value(c.cond);
    json.key("condition_warning").value(c.warning);
    for (const SolverReport<double>* r : {&c.svd, &c.lu}) {
      json.key(choice_name(r->method, kLstsqMethods)).begin_object();
      json.key("status").value(to_string(r->status));
      json.key("residual_norm").value(r->residual_norm);
      json.key("xtr_norm").value(r->xtr_norm);
      json.key("disagreement").value(r->disagreement);
      json.end_object();
    }
    json.end_object();
  }
  json.end_array();
}

void print_demo_json(std::ostream& out, const DemoResult& d) {
  io::JsonWriter json(out);
  json.begin_object();
  json_example1(json, d.e1);
  json_example2(json, d.e2);
  json_example3(json, d.e3);
  json_example4(json, d.e4);
  end_json(json);
}

int demo_main(const Invocation& inv) {
  const DemoResult d = run_demo();
  inv.flag("json") ? print_demo_json(std::cout, d) : print_demo_text(std::cout, d);
  return kExitOk;
}

}  // namespace

CommandSpec demo_command() {
  CommandSpec c;
  c.name = "demo";
  c.synopsis = "[--json]";
  c.summary = "four worked examples of least squares, explained with their numbers";
  c.description =
      "Deterministic: fixed seeds and the library's portable generator. With --json the key\n"
      "numbers of each example, as one object with the members overparameterised,\n"
      "complete_solution, projection and normal_equations.\n";
  c.options = {{"json", "", "print the examples' numbers as one JSON object"}};
  c.run = demo_main;
  return c;
}

}  // namespace stela::cli
