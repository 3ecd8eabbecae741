#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs aio-http-server as its usage says and checks what it promises.

    check-http-server.py PATH-TO-aio-http-server

- the first line on stdout is exactly "listening on HOST:PORT";
- curl fetches files byte for byte (index.html for a directory, a binary
  file of a few hundred KiB), HEAD gives the headers and no body, a missing
  file or a path out of the root is a 404;
- several requests go over one connection (keep-alive), and ab -k makes
  all its requests on kept-alive connections without a failure;
- a malformed request line is refused with a 400 and the connection closed;
- SIGINT and SIGTERM each end it with exit status 0, even with a client
  still connected; a bad --root is a clear error and a non-zero status.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile

SERVER = sys.argv[1]
LISTENING = re.compile(r'^listening on (.+):(\d+)\n$')


def need(program):
    path = shutil.which(program)
    assert path, f'{program} is not installed (tools/test installs it)'
    return path


CURL = need('curl')
AB = need('ab')


def start(root, *args):
    proc = subprocess.Popen([SERVER, '--port', '0', '--root', root, *args],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    match = LISTENING.match(line)
    assert match, f'first line was {line!r}'
    return proc, match.group(1), int(match.group(2))


def stop(proc, signum):
    proc.send_signal(signum)
    assert proc.wait(timeout=10) == 0, f'exit status {proc.returncode}'


def curl(*args):
    return subprocess.run([CURL, '--silent', '--show-error', *args],
                          capture_output=True, check=True, timeout=20).stdout


def raw_exchange(host, port, data):
    """Sends @data and reads until the server closes the connection."""
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(data)
        got = bytearray()
        while chunk := sock.recv(65536):
            got += chunk
    return bytes(got)


def read_response(sock_file):
    status = sock_file.readline()
    headers = {}
    while (line := sock_file.readline()) not in (b'\r\n', b''):
        name, _, value = line.decode().partition(':')
        headers[name.strip().lower()] = value.strip()
    body = sock_file.read(int(headers.get('content-length', '0')))
    return status, headers, body


def check_files(host, port, root):
    base = f'http://{host}:{port}'
    index = open(os.path.join(root, 'index.html'), 'rb').read()
    assert curl(f'{base}/') == index
    assert curl(f'{base}/index.html') == index
    big = open(os.path.join(root, 'data', 'big.bin'), 'rb').read()
    assert curl(f'{base}/data/big.bin') == big
    assert curl(f'{base}/data/with%20space.txt') == b'spaced out\n'

    head = curl('--head', f'{base}/data/big.bin').decode()
    assert head.startswith('HTTP/1.1 200 OK\r\n'), head
    assert f'Content-Length: {len(big)}\r\n' in head, head
    assert head.endswith('\r\n\r\n'), head     # and no body after it

    for path in ('/missing.html', '/data/', '/../etc/passwd', '/data/%2e%2e/x'):
        code = curl('--path-as-is', '--output', '/dev/null',
                    '--write-out', '%{http_code}', base + path)
        assert code == b'404', (path, code)


def check_keep_alive(host, port):
    with socket.create_connection((host, port), timeout=10) as sock:
        sock_file = sock.makefile('rb')
        for _ in range(3):
            sock.sendall(b'GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n')
            status, headers, body = read_response(sock_file)
            assert status == b'HTTP/1.1 200 OK\r\n', status
            assert headers['connection'] == 'keep-alive'
            assert body.startswith(b'<h1>')
        # HTTP/1.0 closes unless asked to keep the connection.
        sock.sendall(b'HEAD / HTTP/1.0\r\n\r\n')
        status, headers, body = read_response(sock_file)
        assert status == b'HTTP/1.1 200 OK\r\n' and body == b''
        assert headers['connection'] == 'close'
        assert sock_file.read() == b''

    result = subprocess.run([AB, '-k', '-n', '2000', '-c', '8',
                             f'http://{host}:{port}/index.html'],
                            capture_output=True, text=True, check=True,
                            timeout=60).stdout
    assert re.search(r'^Complete requests:\s+2000$', result, re.M), result
    assert re.search(r'^Failed requests:\s+0$', result, re.M), result
    assert re.search(r'^Keep-Alive requests:\s+2000$', result, re.M), result


def check_bad_requests(host, port):
    for request in (b'GARBAGE\r\n\r\n', b'GET /\r\n\r\n',
                    b'GET  / HTTP/1.1\r\n\r\n', b'GET / HTTP/1.1\r\nno colon\r\n\r\n',
                    b'GET /%zz HTTP/1.1\r\n\r\n'):
        answer = raw_exchange(host, port, request)
        assert answer.startswith(b'HTTP/1.1 400 Bad Request\r\n'), (request, answer)
        assert b'Connection: close\r\n' in answer
    answer = raw_exchange(host, port, b'GET / HTTP/2.0\r\n\r\n')
    assert answer.startswith(b'HTTP/1.1 505 '), answer
    answer = raw_exchange(host, port, b'DELETE / HTTP/1.1\r\nConnection: close\r\n\r\n')
    assert answer.startswith(b'HTTP/1.1 405 '), answer
    assert b'Allow: GET, HEAD\r\n' in answer
    answer = raw_exchange(host, port, b'GET /' + b'x' * 20000 + b' HTTP/1.1\r\n\r\n')
    assert answer.startswith(b'HTTP/1.1 431 '), answer[:80]
    # A client that goes away in the middle of its request is no trouble.
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(b'GET / HT')
    assert curl(f'http://{host}:{port}/').startswith(b'<h1>')


def main():
    root = tempfile.mkdtemp(prefix='aio-http-')
    try:
        with open(os.path.join(root, 'index.html'), 'wb') as f:
            f.write(b'<h1>aio-glib</h1>\n')
        os.mkdir(os.path.join(root, 'data'))
        with open(os.path.join(root, 'data', 'big.bin'), 'wb') as f:
            f.write(os.urandom(300_000))
        with open(os.path.join(root, 'data', 'with space.txt'), 'wb') as f:
            f.write(b'spaced out\n')

        proc, host, port = start(root)
        check_files(host, port, root)
        check_keep_alive(host, port)
        check_bad_requests(host, port)
        # Ends cleanly with a kept-alive client still connected.
        with socket.create_connection((host, port), timeout=10) as sock:
            sock.sendall(b'GET / HTTP/1.1\r\n\r\n')
            sock.recv(100)
            stop(proc, signal.SIGTERM)

        proc, host, port = start(root)
        stop(proc, signal.SIGINT)

        bad = subprocess.run([SERVER, '--port', '0', '--root',
                              os.path.join(root, 'missing')],
                             capture_output=True, text=True, timeout=10)
        assert bad.returncode != 0
        assert 'is not a directory' in bad.stderr, bad.stderr
    finally:
        shutil.rmtree(root)
    print('aio-http-server: all checks passed')


if __name__ == '__main__':
    main()
