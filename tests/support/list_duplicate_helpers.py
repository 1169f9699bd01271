#!/usr/bin/env python3
"""Lists every name that more than one file under tests/ defines at namespace scope.

The test-support library (tests/support/) is the one home of shared helpers, so no
function, type, constant or macro may be defined in two test files. The check reads the
sources the way they are formatted (namespace members start in column 0) and reports
each name with the files that define it; it exits 1 when there is any.

    python3 tests/support/list_duplicate_helpers.py [tests-dir]

Overloads inside one file count once, and a program's own replacement of the global
operator new and delete is not a helper; tests/embedded/ and tests/consumers/ build
stand-alone programs outside the GoogleTest suite and are not read.
"""
import pathlib
import re
import sys

SKIP_DIRS = {"embedded", "consumers"}
KEYWORDS = {"if", "for", "while", "switch", "return", "sizeof", "namespace", "template", "operator"}
GTEST_MACROS = re.compile(r"^(TEST|TEST_F|TEST_P|TYPED_TEST|TYPED_TEST_SUITE|TYPED_TEST_P|INSTANTIATE_\w+|REGISTER_\w+)\s*\(")
TYPE = re.compile(r"^(?:template\s*<.*>\s*)?(?:struct|class|union|enum(?:\s+class)?)\s+(\w+)[^;]*$")
ALIAS = re.compile(r"^(?:template\s*<.*>\s*)?using\s+(\w+)\s*=")
CONSTANT = re.compile(r"^(?:inline\s+)?(?:static\s+)?constexpr\s+[\w:<>, ]+?\s(\w+)\s*(?:\[\])?\s*[={]")
MACRO = re.compile(r"^#\s*define\s+(\w+)")
FUNCTION = re.compile(r"^(?:(?:inline|static|constexpr|extern)\s+)*[A-Za-z_][\w:<>,\s\*&]*?[\s\*&](~?\w+)\s*\(")


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def definitions(text):
    """Names defined at namespace scope (column 0) in one source file."""
    lines = strip_comments(text).split("\n")
    names = set()
    for i, line in enumerate(lines):
        if not line or line[0].isspace() or line.startswith("}") or GTEST_MACROS.match(line):
            continue
        for pattern in (MACRO, ALIAS, CONSTANT):
            m = pattern.match(line)
            if m:
                names.add(m.group(1))
                break
        else:
            m = TYPE.match(line)
            if m:
                names.add(m.group(1))
                continue
            m = FUNCTION.match(line)
            # Replacements of the global operator new and delete belong to each program.
            if not m or m.group(1) in KEYWORDS or line[:m.start(1)].rstrip().endswith("operator"):
                continue
            # A definition when the declaration reaches '{' before ';'.
            rest = "\n".join(lines[i:i + 40])
            body, semi = rest.find("{"), rest.find(";")
            if body >= 0 and (semi < 0 or body < semi):
                names.add(m.group(1))
    return names


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
    where = {}
    for path in sorted(root.rglob("*")):
        if path.suffix not in {".cpp", ".hpp", ".h"} or SKIP_DIRS & set(path.relative_to(root).parts):
            continue
        for name in definitions(path.read_text()):
            where.setdefault(name, []).append(str(path.relative_to(root)))
    twice = {name: files for name, files in sorted(where.items()) if len(files) > 1}
    for name, files in twice.items():
        print(f"{name}: {', '.join(files)}")
    print(f"{len(twice)} name(s) defined in more than one file under {root.name}/ "
          f"({len(where)} names read)")
    return 1 if twice else 0


if __name__ == "__main__":
    sys.exit(main())
