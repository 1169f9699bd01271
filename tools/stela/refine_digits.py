#!/usr/bin/env python3
"""Correct digits of `stela lstsq` per method, with and without --refine/--[no-]equilibrate,
and of numpy.linalg.lstsq, on classic ill-conditioned regressions (README, issue 12).

    python3 tools/stela/refine_digits.py path/to/stela [--markdown]

Each problem is written to a temporary directory as text with 17 significant digits,
so stela and numpy read the same doubles. The reference is the exact least-squares
solution of those doubles, computed in rational arithmetic (fractions.Fraction: the
normal equations solved exactly), so it is nobody's floating-point output. Digits are
-log10 of the worst coefficient's relative error, capped at 15; 0 means no correct digit.
"""
import json
import math
import os
import subprocess
import sys
import tempfile
from fractions import Fraction


def polynomial(a, b, p, n=40):
    xs = [a + (b - a) * i / (n - 1) for i in range(n)]
    return [[float(x) ** j for j in range(p + 1)] for x in xs], [math.cos(x / 3) + x / 7 for x in xs]


def quadratic_near_1e5(n=30):
    xs = [1e5 + 100 * i / (n - 1) for i in range(n)]
    y = [3 + 0.5 * (x - 1e5) - 0.01 * (x - 1e5) ** 2 + math.sin(x - 1e5) / 100 for x in xs]
    return [[1.0, x, x * x] for x in xs], y


def mixed_units(n=50):
    # Deterministic pseudo-random columns of scale 1e4 and 1e-4 (an LCG; no numpy needed).
    state = 12
    def draw():
        nonlocal state
        state = (state * 6364136223846793005 + 1442695040888963407) % 2**64
        return (state >> 11) / 2**53 - 0.5
    scales = [1e4, 1.0, 1e-4, 1e4, 1e-4]
    X = [[draw() * s for s in scales] for _ in range(n)]
    y = [sum(row[j] / scales[j] for j in range(5)) + 1e-3 * draw() for row in X]
    return X, y


PROBLEMS = [
    ("degree 10, x in [0, 20]", polynomial(0.0, 20.0, 10)),
    ("degree 9, x in [-9, -3]", polynomial(-9.0, -3.0, 9)),
    ("quadratic, x near 1e5", quadratic_near_1e5()),
    ("columns of 1e4 and 1e-4", mixed_units()),
]
METHODS = ["svd", "jacobi", "qr", "qrcp", "normal-cholesky"]
# The label is the flags as typed. --refine equilibrates unless --no-equilibrate, so
# "--no-equilibrate --refine" is refinement on the unscaled matrix.
VARIANTS = [[], ["--equilibrate"], ["--no-equilibrate", "--refine"], ["--refine"]]


def exact_lstsq(X, y):
    """Exact solution of min ||y - X w|| for the doubles X, y (full column rank)."""
    Xq = [[Fraction(v) for v in row] for row in X]
    yq = [Fraction(v) for v in y]
    d = len(X[0])
    G = [[sum(r[i] * r[j] for r in Xq) for j in range(d)] + [sum(r[i] * t for r, t in zip(Xq, yq))]
         for i in range(d)]
    for k in range(d):  # Gauss-Jordan, exact
        piv = next(i for i in range(k, d) if G[i][k] != 0)
        G[k], G[piv] = G[piv], G[k]
        for i in range(d):
            if i != k and G[i][k] != 0:
                f = G[i][k] / G[k][k]
                G[i] = [a - f * b for a, b in zip(G[i], G[k])]
    return [G[i][d] / G[i][i] for i in range(d)]


def digits(w, ref):
    worst = 0.0
    for a, b in zip(w, ref):
        if a is None or not math.isfinite(a):
            return 0.0
        err = abs(Fraction(a) - b)
        worst = max(worst, float(err / abs(b)) if b != 0 else float(err))
    return 15.0 if worst == 0 else max(0.0, min(15.0, -math.log10(worst)))


def write(path, rows):
    with open(path, "w") as f:
        for row in rows:
            f.write(" ".join(repr(v) for v in (row if isinstance(row, list) else [row])) + "\n")


def main():
    stela = sys.argv[1]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, (X, y) in PROBLEMS:
            xp, yp = os.path.join(tmp, "X.txt"), os.path.join(tmp, "y.txt")
            write(xp, X)
            write(yp, y)
            ref = exact_lstsq(X, y)
            row = {"problem": name}
            for m in METHODS:
                for flags in VARIANTS:
                    tag = " ".join(flags)
                    out = subprocess.run([stela, "lstsq", xp, yp, "--method", m, "--json"] + flags,
                                         capture_output=True, text=True)
                    w = json.loads(out.stdout).get("solution") if out.stdout else None
                    row[(m, tag)] = digits(w, ref) if w else 0.0
            try:
                import numpy as np
                w_np = np.linalg.lstsq(np.array(X), np.array(y), rcond=None)[0]
                row["numpy"] = digits([float(v) for v in w_np], ref)
            except ImportError:
                row["numpy"] = None
            results.append(row)
    print("| method | " + " | ".join(r["problem"] for r in results) + " |")
    print("| --- |" + " --- |" * len(results))
    for m in METHODS:
        for flags in VARIANTS:
            tag = " ".join(flags)
            label = m + (" " + tag if tag else "")
            print("| " + label + " | " + " | ".join("%.1f" % r[(m, tag)] for r in results) + " |")
    print("| numpy.linalg.lstsq | " + " | ".join("-" if r["numpy"] is None else "%.1f" % r["numpy"]
                                                  for r in results) + " |")


if __name__ == "__main__":
    main()
