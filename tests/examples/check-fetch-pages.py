#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs the fetch-pages example in every language it is written in, against
aio-http-server, and checks that each does what its usage says and that
all print the same.

    check-fetch-pages.py SERVER NAME=COMMAND...

Each COMMAND is a program and its leading arguments, separated by `|`
(for instance `gjs|-m|fetch-pages.js`).  The checks:

- pages fetched at once: one line per URL, in the order given, with the
  status and the body's size, then the summary; exit 0 when all are 2xx;
- a 404, a refused connection and a URL that is not http:// are reported
  on their line, and the exit status is 1;
- --limit bounds the connections open at once (the summary says how many
  there were, and with 6 URLs and --limit 2 it is 2);
- a server that accepts and never answers is cut off by --timeout, within
  about the timeout, the pages still running reported as timed out;
- bad arguments are a usage error (exit 2).
"""

import os
import re
import socket
import subprocess
import sys
import tempfile
import time

SERVER = sys.argv[1]
PROGRAMS = dict(arg.split('=', 1) for arg in sys.argv[2:])


def run(command, *args, timeout=30):
    return subprocess.run(command.split('|') + list(args), capture_output=True,
                          text=True, timeout=timeout)


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def main():
    root = tempfile.mkdtemp(prefix='aio-fetch-')
    server = silent = None
    try:
        sizes = {}
        for i in range(6):
            name = f'page{i}.html'
            with open(os.path.join(root, name), 'wb') as f:
                f.write(os.urandom(700 * (i + 1)))
            sizes[name] = 700 * (i + 1)
        server = subprocess.Popen([SERVER, '--port', '0', '--root', root],
                                  stdout=subprocess.PIPE, text=True)
        host, port = re.match(r'^listening on (.+):(\d+)\n$',
                              server.stdout.readline()).groups()
        base = f'http://{host}:{port}'
        silent = socket.socket()
        silent.bind(('127.0.0.1', 0))
        silent.listen(16)
        quiet = f'http://127.0.0.1:{silent.getsockname()[1]}'

        urls = [f'{base}/{name}' for name in sizes]
        good = [f'200 {size} {base}/{name}' for name, size in sizes.items()]
        outputs = {}
        refused = f'http://127.0.0.1:{free_port()}/x'
        for name, command in PROGRAMS.items():
            done = run(command, '--limit', '2', *urls)
            assert done.returncode == 0, (name, done)
            lines = done.stdout.splitlines()
            assert lines[:-1] == good, (name, done.stdout)
            total = sum(sizes.values())
            assert lines[-1] == f'fetched 6 of 6 pages, {total} bytes, at most 2 at once', \
                (name, lines[-1])
            outputs.setdefault('good', {})[name] = done.stdout

            done = run(command, '--limit', '1', f'{base}/page0.html')
            assert done.stdout.splitlines()[-1] == \
                'fetched 1 of 1 pages, 700 bytes, at most 1 at once', (name, done.stdout)

            done = run(command, f'{base}/page1.html', f'{base}/missing.html', refused,
                       'ftp://example/file')
            assert done.returncode == 1, (name, done)
            lines = done.stdout.splitlines()
            assert lines[0] == f'200 1400 {base}/page1.html', (name, lines)
            assert re.match(rf'^404 \d+ {re.escape(base)}/missing\.html$', lines[1]), (name, lines)
            assert lines[2].startswith('error ') and lines[2].endswith(refused), (name, lines)
            assert 'refused' in lines[2].lower(), (name, lines)
            assert lines[3] == 'error not an http:// URL ftp://example/file', (name, lines)
            assert lines[4].startswith('fetched 1 of 4 pages, 1400 bytes'), (name, lines)
            outputs.setdefault('errors', {})[name] = done.stdout

            start = time.monotonic()
            done = run(command, '--timeout', '0.5', '--limit', '2', f'{base}/page0.html',
                       f'{quiet}/a', f'{quiet}/b', f'{base}/page2.html')
            took = time.monotonic() - start
            assert done.returncode == 1, (name, done)
            assert done.stdout.splitlines() == [
                f'200 700 {base}/page0.html',
                f'error timed out {quiet}/a',
                f'error timed out {quiet}/b',
                f'error timed out {base}/page2.html',
                'fetched 1 of 4 pages, 700 bytes, at most 2 at once'], (name, done.stdout)
            assert took < 5, (name, took)

            for bad in (['--limit', '0', urls[0]], ['--timeout', '0', urls[0]], []):
                done = run(command, *bad)
                assert done.returncode == 2, (name, bad, done)

        for kind, by_name in outputs.items():
            assert len(set(by_name.values())) == 1, (kind, by_name)
        print(f'{", ".join(PROGRAMS)}: the same output, as the usage says')
    finally:
        if silent is not None:
            silent.close()
        if server is not None:
            server.terminate()
            server.wait(timeout=10)


if __name__ == '__main__':
    main()
