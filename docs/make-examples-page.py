#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes the Examples guide page from the example programs themselves.

    make-examples-page.py OUTPUT C PYTHON JS VALA

The page shows the fetch-pages example in each language, read from
examples/ at build time, so the code in the docs is the code the tests run.
"""

import sys

LANGUAGES = [('C', 'c'), ('Python', 'python'), ('JavaScript (GJS)', 'js'), ('Vala', 'vala')]

INTRO = """Title: Examples

# Examples

The same program in the four languages: fetch several pages over HTTP
concurrently, one task per page in a task group, at most `--limit`
connections at once through a semaphore, the whole job bounded by
`--timeout`. Each fetch is an HTTP/1.0 `GET` over
[func@Aio.open_connection], read to the end of the stream.

```
fetch-pages [--timeout SECONDS] [--limit N] URL...
```

Each prints one line per URL, in the order given (`STATUS BYTES URL`, or
`error MESSAGE URL`), then `fetched N of M pages, B bytes, at most K at
once`. The exit status is 0 when every page answered 2xx, 1 otherwise,
and 2 on bad arguments. `tests/examples/check-fetch-pages.py` runs all
four against `aio-http-server` (`examples/c/http-server.c`) and checks
that their output is the same.

The programs are built (C, Vala) or run from the source tree (Python,
GJS) by the build: `builddir/examples/aio-fetch-pages`,
`builddir/examples/aio-fetch-pages-vala`,
`python3 examples/python/fetch-pages.py` with `PYTHONPATH=bindings/python`,
and `gjs -m examples/js/fetch-pages.js` with `GJS_PATH=bindings/gjs`.
"""


def main(output, *sources):
    parts = [INTRO]
    for (title, fence), path in zip(LANGUAGES, sources):
        with open(path, encoding='utf-8') as f:
            code = f.read().rstrip('\n')
        name = path.split('/examples/')[-1]
        parts.append(f'\n## {title}\n\n`examples/{name}`\n\n```{fence}\n{code}\n```\n')
    with open(output, 'w', encoding='utf-8') as f:
        f.write(''.join(parts))


if __name__ == '__main__':
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    main(*sys.argv[1:])
