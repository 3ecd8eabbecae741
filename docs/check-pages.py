#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Checks the guide pages: each Markdown file in the docs directory is
listed in docs/meson.build, and each listed page exists and starts with a
"Title:" line, as gi-docgen needs."""

import os
import sys


def main(docs_dir, registered):
    problems = []
    present = sorted(name for name in os.listdir(docs_dir)
                     if name.endswith(".md"))

    for name in present:
        if name not in registered:
            problems.append(f"{name} is not listed in doc_pages in docs/meson.build")
    for name in registered:
        path = os.path.join(docs_dir, name)
        if not os.path.exists(path):
            problems.append(f"{name} is listed but does not exist")
            continue
        with open(path, encoding="utf-8") as page:
            first = page.readline()
        if not first.startswith("Title: ") or not first[7:].strip():
            problems.append(f"{name} does not start with a 'Title: ...' line")

    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(registered)} pages checked")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
