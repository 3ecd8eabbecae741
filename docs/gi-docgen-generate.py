#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs `gi-docgen generate`, then makes the search index read as prose.

    gi-docgen-generate.py GI-DOCGEN ARGS... --output-dir DIR ...

gi-docgen 2023.1 copies each symbol's first sentence into index.json as
written in the source, so the search results showed gtk-doc markup
(`@future`, `%TRUE`, `#GError`, `[class@Aio.Task]`) that the pages
themselves render.  This turns it into what the pages show.
"""

import json
import os
import re
import subprocess
import sys

LINK = re.compile(r"\[(?:[a-z]+)@([A-Za-z0-9_.:-]+)\]")
SIGIL = re.compile(r"(?<![\w`])[@%#]([A-Za-z_][A-Za-z0-9_]*)")


def prose(summary):
    summary = LINK.sub(r"\1", summary)
    return SIGIL.sub(r"\1", summary)


def main(argv):
    status = subprocess.run(argv).returncode
    if status != 0:
        return status
    output = argv[argv.index("--output-dir") + 1]
    index_path = os.path.join(output, "index.json")
    with open(index_path, encoding="utf-8") as f:
        index = json.load(f)
    for symbol in index.get("symbols", []):
        if "summary" in symbol:
            symbol["summary"] = prose(symbol["summary"])
    with open(index_path, "w", encoding="utf-8") as f:
        json.dump(index, f, separators=(",", ":"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
