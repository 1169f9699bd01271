#!/usr/bin/env python3
"""Prints the largest stack frames of stela's functions, from GCC's -fstack-usage files.

    stack_table.py BUILD/CMakeFiles/stela.dir [--top N] [--limit BYTES]

GCC writes one .su file beside each object compiled with -fstack-usage, a line per
function: "file:line:column:function<TAB>bytes<TAB>static|dynamic|bounded". The table
lists the N largest frames (a function's own frame, not the deepest call chain), names
the largest, counts the frames above BYTES (the issue's aim, 1 KiB), and says whether
any frame is dynamic (alloca or a variable-length array: its size is not known).
"""
import argparse
import pathlib
import re
import sys


def short_name(function):
    """'stela::Status stela::qr_inplace(MatrixView<T>, ...) [with T = float]' -> 'stela::qr_inplace<float>'."""
    scalar = re.search(r"\[with T = (\w+)", function)
    head = function.split("(", 1)[0]
    depth, cut = 0, 0
    for i, ch in enumerate(head):  # the name starts after the last space outside <...>
        depth += ch == "<"
        depth -= ch == ">"
        if ch == " " and depth == 0:
            cut = i + 1
    return head[cut:] + (f"<{scalar.group(1)}>" if scalar else "")


def frames(root):
    for su in sorted(pathlib.Path(root).rglob("*.su")):
        for line in su.read_text().splitlines():
            where, size, kind = line.rsplit("\t", 2)
            path, _, _, function = where.split(":", 3)
            yield int(size), kind, short_name(function), f"{pathlib.Path(path).parent.name}/{pathlib.Path(path).name}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--limit", type=int, default=1024)
    args = parser.parse_args()
    table = sorted(frames(args.root), key=lambda f: -f[0])
    if not table:
        print(f"no .su files under {args.root}: was stela compiled with -fstack-usage?")
        return 1
    print(f"| frame (bytes) | kind | function | file |")
    print("|---:|---|---|---|")
    for size, kind, function, file in table[: args.top]:
        print(f"| {size:,} | {kind} | `{function}` | {file} |")
    over = [f for f in table if f[0] > args.limit]
    dynamic = [f for f in table if "dynamic" in f[1]]
    print(f"\n{len(table)} frames; largest {table[0][0]:,} bytes in {table[0][2]} ({table[0][3]}); "
          f"{len(over)} above {args.limit:,} bytes; {len(dynamic)} dynamic")
    return 0


if __name__ == "__main__":
    sys.exit(main())
