#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs aio-echo-server as its usage says and checks what it promises.

    check-echo-server.py PATH-TO-aio-echo-server

- the first line on stdout is exactly "listening on HOST:PORT";
- every byte is echoed back, on many connections at once, with one loop
  and with two (--threads 2, SO_REUSEPORT);
- SIGINT and SIGTERM each end it cleanly, with exit status 0, even with
  clients still connected;
- a port already in use is a clear error and a non-zero status.
"""

import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading

SERVER = sys.argv[1]
LISTENING = re.compile(r'^listening on (.+):(\d+)\n$')


def start(*args):
    proc = subprocess.Popen([SERVER, *args], stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    match = LISTENING.match(line)
    assert match, f'first line was {line!r}'
    return proc, match.group(1), int(match.group(2))


def echo_many(host, port, clients=40, size=200_000):
    errors = []

    def one(seed):
        try:
            data = random.Random(seed).randbytes(size)
            with socket.create_connection((host, port), timeout=10) as sock:
                sender = threading.Thread(target=sock.sendall, args=(data,))
                sender.start()
                got = bytearray()
                while len(got) < size:
                    chunk = sock.recv(65536)
                    assert chunk, 'connection closed early'
                    got += chunk
                sender.join()
                assert bytes(got) == data, 'echo differs'
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def stop(proc, sig):
    proc.send_signal(sig)
    status = proc.wait(timeout=10)
    assert status == 0, f'exit status {status} after {sig!r}'


def main():
    proc, host, port = start('--port', '0')
    assert host == '127.0.0.1' and port > 0
    echo_many(host, port)
    # A client still connected when the signal comes.
    idle = socket.create_connection((host, port))
    stop(proc, signal.SIGINT)
    # Closed either way: an EOF once accepted, a reset if the signal came
    # while the connection still waited in the listen queue.
    try:
        assert idle.recv(1) == b''
    except ConnectionResetError:
        pass
    idle.close()

    proc, host, port = start('--host', '127.0.0.1', '--port', '0', '--threads', '2')
    echo_many(host, port)

    # The port is taken now.
    busy = subprocess.run([SERVER, '--port', str(port)], capture_output=True,
                          text=True, timeout=10)
    assert busy.returncode != 0
    assert 'in use' in busy.stderr, busy.stderr
    stop(proc, signal.SIGTERM)
    print('ok')


if __name__ == '__main__':
    main()
