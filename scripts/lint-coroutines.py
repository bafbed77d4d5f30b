#!/usr/bin/env python3
"""Flags C++ coroutine patterns that GCC 12 miscompiles (seen in this code base: wrong values,
a double free): `co_await` inside the condition of an if/while/switch or inside a `?:`
expression. Await into a named variable first, then test it.

Usage: lint-coroutines.py DIR...   Exit status 1 and one line per finding when any is found."""

import os
import re
import sys

CONDITION = re.compile(r"\b(if|while|switch)\s*\(")


def strip_comments_and_strings(text):
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            out.append("\n" * text.count("\n", i, n if j < 0 else j))
            i = n if j < 0 else j + 2
        elif c in "\"'":
            if c == '"' and i > 0 and text[i - 1] == "R":  # raw string R"delim(...)delim"
                k = text.find("(", i)
                delim = text[i + 1:k]
                end = text.find(")" + delim + '"', k)
                out.append("\n" * text.count("\n", i, end))
                i = end + len(delim) + 2
                continue
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def balanced(text, start):
    """The text between the parenthesis at `start` and its match."""
    depth = 0
    for j in range(start, len(text)):
        if text[j] == "(":
            depth += 1
        elif text[j] == ")":
            depth -= 1
            if depth == 0:
                return text[start + 1:j]
    return text[start + 1:]


def findings(path):
    text = strip_comments_and_strings(open(path, encoding="utf-8").read())
    for m in CONDITION.finditer(text):
        cond = balanced(text, m.end() - 1)
        if "co_await" in cond:
            yield text.count("\n", 0, m.start()) + 1, f"co_await in the condition of `{m.group(1)}`"
    for lineno, line in enumerate(text.splitlines(), 1):
        if "co_await" in line and re.search(r"\?[^:;]*co_await|\?[^;]*:[^;]*co_await", line):
            yield lineno, "co_await inside a conditional expression (?:)"


def main(dirs):
    bad = 0
    for d in dirs:
        for root, _, files in os.walk(d):
            for f in sorted(files):
                if f.endswith((".cc", ".h")):
                    p = os.path.join(root, f)
                    for lineno, what in findings(p):
                        print(f"{p}:{lineno}: {what}")
                        bad += 1
    print(f"{bad} finding(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["src"]))
