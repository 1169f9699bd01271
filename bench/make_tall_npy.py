#!/usr/bin/env python3
"""Writes a tall least-squares problem as two .npy files, X (n x d, float64, C order)
and y (n,), without NumPy and without holding them in memory: y = X w + 0.001 e with
w = (1, 2, ..., d), X and e uniform on [-1, 1) from a fixed seed. For trying
`stela lstsq --stream` (README, "A short tour") and for bench/stream_cli.sh.

    python3 bench/make_tall_npy.py N D OUT_DIR [SEED]

The .npy layout is NEP 1 version 1.0: magic, header length, a Python dict literal
padded with spaces to a multiple of 64 bytes, then the entries row by row."""
import array
import os
import random
import struct
import sys


def header(shape):
    text = "{'descr': '<f8', 'fortran_order': False, 'shape': %s, }" % (shape,)
    text += " " * ((64 - (10 + len(text) + 1) % 64) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode("ascii")


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    n, d, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) == 5 else 14)
    if sys.byteorder != "little":
        sys.exit("make_tall_npy.py writes '<f8' from the host's doubles: run it on a little-endian host")
    os.makedirs(out, exist_ok=True)
    w = [float(j + 1) for j in range(d)]
    block = 65536
    with open(os.path.join(out, "X.npy"), "wb") as fx, open(os.path.join(out, "y.npy"), "wb") as fy:
        fx.write(header("(%d, %d)" % (n, d)))
        fy.write(header("(%d,)" % n))
        for start in range(0, n, block):
            rows = min(block, n - start)
            xs = array.array("d", (rng.uniform(-1, 1) for _ in range(rows * d)))
            ys = array.array("d", (sum(w[j] * xs[i * d + j] for j in range(d)) + 0.001 * rng.uniform(-1, 1)
                                   for i in range(rows)))
            xs.tofile(fx)
            ys.tofile(fy)


if __name__ == "__main__":
    main()
