#!/usr/bin/env python3
"""Prints the code-size table of the size programs (tests/embedded/baremetal/size/).

    code_size_table.py --size arm-none-eabi-size size_empty.elf size_lstsq_qr.elf ...

One row per program: text, data and bss as arm-none-eabi-size reports them, and the
text above the first program's (the empty main: startup code, newlib-nano's crt0 and
exit, semihosting), which is what the entry point costs: stela's code plus whatever it
pulls from libgcc and libm. Markdown, so that README can take the rows as they are.
"""
import argparse
import subprocess
import sys

# What each program of size/ calls.
ENTRIES = {
    "size_empty": "empty `main` (the baseline)",
    "size_lstsq_qr": "lstsq by QR: `lstsq_qr_inplace`",
    "size_lstsq_svd": "lstsq by SVD: `lstsq_svd_inplace`",
    "size_cholesky": "Cholesky: `cholesky_inplace` + `cholesky_solve_inplace`",
    "size_pinv": "pinv: `pinv_inplace`",
    "size_accumulator": "streaming: `QrAccumulator` create, `add_rows`, `solve`",
}


def sizes(size_tool, elf):
    out = subprocess.run([size_tool, "-A", "-d", elf], check=True, capture_output=True, text=True).stdout
    text = data = bss = 0
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2 or not parts[1].isdigit():
            continue
        name, size = parts[0], int(parts[1])
        if name in (".text", ".ARM.extab", ".ARM.exidx", ".preinit_array", ".init_array", ".fini_array"):
            text += size
        elif name == ".data":
            data += size
        elif name == ".bss":
            bss += size
    return text, data, bss


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", required=True)
    parser.add_argument("programs", nargs="+")
    args = parser.parse_args()
    rows = [(elf.rsplit("/", 1)[-1].removesuffix(".elf"), *sizes(args.size, elf)) for elf in args.programs]
    base = rows[0][1]
    print("| program | calls | text | data | bss | text above the empty program |")
    print("|---|---|---:|---:|---:|---:|")
    for name, text, data, bss in rows:
        print(f"| {name} | {ENTRIES.get(name, '')} | {text:,} | {data:,} | {bss:,} | {text - base:,} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
