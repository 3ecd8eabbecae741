#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs aio-soup-fetch against aio-http-server as their usages say.

    check-soup-fetch.py PATH-TO-aio-soup-fetch PATH-TO-aio-http-server

- several URLs fetched at once: one line per URL, in the order given, with
  the status and the body's size; exit 0 when all are 2xx, 1 otherwise;
- a server that never answers is cut off by --timeout: the fetches are
  cancelled and reported as timed out, within about the timeout;
- bad arguments are a usage error (exit 2).
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

FETCH, SERVER = sys.argv[1], sys.argv[2]


def fetch(*args, timeout=30):
    return subprocess.run([FETCH, *args], capture_output=True, text=True,
                          timeout=timeout)


def main():
    root = tempfile.mkdtemp(prefix='aio-soup-')
    server = None
    try:
        sizes = {}
        for i in range(5):
            name = f'page{i}.html'
            data = os.urandom(1000 * (i + 1))
            with open(os.path.join(root, name), 'wb') as f:
                f.write(data)
            sizes[name] = len(data)
        server = subprocess.Popen([SERVER, '--port', '0', '--root', root],
                                  stdout=subprocess.PIPE, text=True)
        host, port = re.match(r'^listening on (.+):(\d+)\n$',
                              server.stdout.readline()).groups()
        base = f'http://{host}:{port}'

        urls = [f'{base}/{name}' for name in sizes]
        done = fetch(*urls)
        assert done.returncode == 0, done
        assert done.stdout.splitlines() == [
            f'200 {size} {base}/{name}' for name, size in sizes.items()], done.stdout

        done = fetch(f'{base}/page0.html', f'{base}/missing.html')
        assert done.returncode == 1, done
        lines = done.stdout.splitlines()
        assert lines[0] == f'200 1000 {base}/page0.html', lines
        assert lines[1].startswith('404 '), lines

        # A server that accepts and never answers.
        with socket.socket() as silent:
            silent.bind(('127.0.0.1', 0))
            silent.listen(8)
            silent_url = f'http://127.0.0.1:{silent.getsockname()[1]}/'
            started = time.monotonic()
            done = fetch('--timeout', '0.5', silent_url, f'{base}/page1.html')
            elapsed = time.monotonic() - started
        assert done.returncode == 1, done
        lines = done.stdout.splitlines()
        assert lines[0] == f'error timed out {silent_url}', lines
        assert lines[1] == f'200 2000 {base}/page1.html', lines
        assert 'timed out' in done.stderr, done.stderr
        assert elapsed < 5, elapsed

        assert fetch().returncode == 2
        assert fetch('--timeout', '0', base).returncode == 2
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=10)
        shutil.rmtree(root)
    print('aio-soup-fetch: all checks passed')


if __name__ == '__main__':
    main()
