#!/usr/bin/env python3
"""Fails when stela's code in a float-only Cortex-M4F program calls software double.

    check_no_software_double.py --objdump arm-none-eabi-objdump PROGRAM.elf...

A Cortex-M4F computes float in hardware and double in software: every double
operation is a call into libgcc (__aeabi_dadd, __aeabi_f2d, __aeabi_dcmplt, ... also
named __adddf3, __extendsfdf2, ...) or into a double function of libm (ldexp, sqrt,
...). A float program should make none of these calls (issue 13): they cost code and
about 10 to 100 times the time of the float operation.

Each PROGRAM was linked with --gc-sections and -Wl,-Map=PROGRAM.map. The map says which
object file every kept function came from; objdump -d says which functions call what.
A call counts when the calling function comes from an object of the build tree (stela's
library, the program itself) and not from the toolchain's libraries: newlib's own
double code (printf's float formatting, for one) is not stela's. The size programs
print nothing, so no printf is there to begin with.
"""
import argparse
import bisect
import re
import subprocess
import sys

SOFT_DOUBLE = re.compile(
    r"^(__aeabi_(d[a-z0-9]+|[a-z0-9]*2d|cd[a-z0-9]+)"  # EABI names: dmul, f2d, i2d, cdcmple, ...
    r"|__[a-z]*df[0-9a-z]*"                             # GCC names: __muldf3, __extendsfdf2, __fixdfsi, ...
    r"|(ldexp|frexp|scalbn|sqrt|fabs|hypot|pow|exp|exp2|log|log2|log10|floor|ceil|round|trunc"
    r"|fmod|copysign|nextafter|cbrt|sin|cos|tan|atan|atan2|fma|fmin|fmax))$")  # double libm
CALL = re.compile(r"^\s*([0-9a-f]+):\s+(?:[0-9a-f]{4}(?: [0-9a-f]{4})?\s+)?(bl|blx|b|b\.w|b\.n)\s+[0-9a-f]+ <([^>+]+)(\+0x[0-9a-f]+)?>")
FUNCTION = re.compile(r"^([0-9a-f]+) <(.+)>:$")
# A map line with an input section's address, size and file, the section name either on
# the same line or alone on the line before (long names).
MAP_SECTION = re.compile(r"^ (\.text\S*)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$")


def input_sections(map_path):
    """(start, end, file) of every kept .text input section, sorted by address."""
    sections = []
    in_memory_map = False
    pending = None
    with open(map_path) as f:
        for line in f:
            if line.startswith("Linker script and memory map"):
                in_memory_map = True
                continue
            if not in_memory_map:
                continue
            line = line.rstrip("\n")
            name_only = re.match(r"^ (\.text\S*)$", line)
            if name_only:
                pending = name_only.group(1)
                continue
            m = MAP_SECTION.match(line)
            if m and (m.group(1) or pending):
                start, size = int(m.group(2), 16), int(m.group(3), 16)
                if size > 0:
                    sections.append((start, start + size, m.group(4).strip()))
            pending = None
    sections.sort()
    return sections


def from_toolchain(path):
    # The toolchain's libraries live under the system's prefix (/usr/lib/gcc/arm-none-eabi,
    # /usr/lib/arm-none-eabi/newlib, ...); everything of the build tree is relative to it.
    return path.startswith("/usr/") or "/arm-none-eabi/" in path or "libgcc" in path


def offending_calls(objdump, elf):
    sections = input_sections(elf + ".map")
    starts = [s[0] for s in sections]
    listing = subprocess.run([objdump, "-d", "-C", "--no-show-raw-insn", elf], check=True, capture_output=True,
                             text=True).stdout
    function = "?"
    found = {}  # (function, file) -> set of callees
    for line in listing.splitlines():
        f = FUNCTION.match(line)
        if f:
            function = f.group(2)
            continue
        c = CALL.match(line)
        if not c or not SOFT_DOUBLE.match(c.group(3)):
            continue
        address = int(c.group(1), 16)
        i = bisect.bisect_right(starts, address) - 1
        owner = sections[i][2] if i >= 0 and address < sections[i][1] else "?"
        if owner != "?" and from_toolchain(owner):
            continue
        found.setdefault((function, owner), set()).add(c.group(3))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objdump", required=True)
    parser.add_argument("programs", nargs="+")
    args = parser.parse_args()
    offences = 0
    for elf in args.programs:
        found = offending_calls(args.objdump, elf)
        name = elf.rsplit("/", 1)[-1]
        if not found:
            print(f"{name}: no software double in stela's code")
            continue
        print(f"{name}: {len(found)} function(s) of stela's call software double:")
        for (function, owner), callees in sorted(found.items()):
            print(f"  {function}\n      [{owner.rsplit('/', 1)[-1]}] calls {', '.join(sorted(callees))}")
        offences += len(found)
    if offences:
        print(f"FAILED: {offences} function(s) in float programs call software double (issue 13: pure float)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
