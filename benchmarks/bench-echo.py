#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The streams benchmark: echo servers and one bulk transfer, each against
its floor in the same run.

    bench-echo.py --build-dir BUILD [--python /usr/bin/python3] [--quick]

Each server runs pinned to CPU 1 and bench-echo-load (plain epoll, one
thread) drives it from CPU 0: 50 connections, 64-byte messages, closed
loop.  The servers: a minimal epoll server in C (the floor), GIO
callbacks, aio-glib streams, asyncio streams and uvloop streams.  Rounds
are interleaved; each figure is the best round.  Then aio-glib again with
10,000 idle connections open, and a bulk transfer against blocking
read()/write().

Prints one table with the targets of the streams issue, and RESULT lines
(benchmarks/run reads them).  Exit status 1 if a target is missed.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
LISTENING = re.compile(r'^listening on [^:]+:(\d+)$')
RESULT = re.compile(r'^RESULT (.*)$')


def parse(text):
    results = {}
    for line in text.splitlines():
        match = RESULT.match(line)
        if match:
            fields = dict(item.split('=', 1) for item in match.group(1).split())
            results[fields['name']] = fields
    return results


class Bench:
    def __init__(self, args):
        self.args = args
        self.bench = os.path.join(args.build_dir, 'benchmarks')
        cpus = os.cpu_count() or 1
        self.server_cpu = '1' if cpus > 1 else '0'

    def server_argv(self, kind):
        if kind in ('asyncio', 'uvloop'):
            return [self.args.python, os.path.join(BENCH_DIR, 'bench-echo-asyncio.py'),
                    '--loop', kind]
        return [os.path.join(self.bench, 'bench-echo-server'), '--kind', kind]

    def echo(self, kind, idle=0):
        server = subprocess.Popen(['taskset', '-c', self.server_cpu] + self.server_argv(kind),
                                  stdout=subprocess.PIPE, text=True)
        try:
            line = server.stdout.readline().strip()
            match = LISTENING.match(line)
            if not match:
                raise RuntimeError('%s server said %r' % (kind, line))
            argv = [os.path.join(self.bench, 'bench-echo-load'), '--port', match.group(1),
                    '--server-pid', str(server.pid), '--name', kind,
                    '--seconds', '0.6' if self.args.quick else '2',
                    '--warmup', '0.2' if self.args.quick else '0.5',
                    '--idle', str(idle), '--cpu', '0']
            load = subprocess.run(argv, capture_output=True, text=True, timeout=120)
            if load.returncode != 0:
                raise RuntimeError('load against %s: %s' % (kind, load.stderr.strip()[-300:]))
            return parse(load.stdout)[kind]
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()

    def bulk(self, mode):
        argv = [os.path.join(self.bench, 'bench-bulk'), '--mode', mode,
                '--mib', '256' if self.args.quick else '1024']
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=300)
        if proc.returncode != 0:
            raise RuntimeError('bench-bulk %s: %s' % (mode, proc.stderr.strip()[-300:]))
        return parse(proc.stdout)['bulk_' + mode]


def best(rounds, key, higher):
    values = [float(r[key]) for r in rounds if key in r]
    if not values:
        return None
    return max(values) if higher else min(values)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--build-dir', required=True)
    parser.add_argument('--python', default='/usr/bin/python3')
    parser.add_argument('--no-python', action='store_true')
    parser.add_argument('--quick', action='store_true')
    parser.add_argument('--rounds', type=int, default=None)
    args = parser.parse_args()
    args.build_dir = os.path.abspath(args.build_dir)
    rounds = args.rounds or (1 if args.quick else 3)

    bench = Bench(args)
    kinds = ['epoll', 'gio', 'aio'] + ([] if args.no_python else ['asyncio', 'uvloop'])
    if not args.no_python:
        try:
            subprocess.run([args.python, '-c', 'import uvloop'], check=True,
                           capture_output=True)
        except (subprocess.CalledProcessError, OSError):
            kinds.remove('uvloop')

    echo = {kind: [] for kind in kinds}
    idle = {'aio': [], 'aio-idle': []}
    bulk = {'blocking': [], 'aio': []}
    for _ in range(rounds):
        for kind in kinds:
            echo[kind].append(bench.echo(kind))
        idle['aio'].append(bench.echo('aio'))
        idle['aio-idle'].append(bench.echo('aio', idle=10000))
        # Back to back, in pairs: the machine's speed drifts by a third
        # between runs, so each aio figure is compared with its neighbour.
        for _pair in range(1 if args.quick else 3):
            for mode in bulk:
                bulk[mode].append(bench.bulk(mode))

    rate = {k: best(v, 'value', True) for k, v in echo.items()}
    cpu = {k: best(v, 'server_cpu_ns', False) for k, v in echo.items()}
    p99 = {k: best(v, 'p99_us', False) for k, v in echo.items()}
    idle_cpu = {k: best(v, 'server_cpu_ns', False) for k, v in idle.items()}
    bulk_rate = {k: best(v, 'value', True) for k, v in bulk.items()}

    # The checks compare figures of the same round (or pair), then take the
    # median over rounds, so a round on a slow moment does not count twice.
    def ratio(rounds_a, rounds_b, key):
        values = sorted(float(a[key]) / float(b[key])
                        for a, b in zip(rounds_a, rounds_b) if key in a and key in b)
        return statistics.median(values)

    checks = [
        ('aio-glib requests/s vs epoll floor', ratio(echo['aio'], echo['epoll'], 'value'),
         '>=', 0.9),
        ('aio-glib server CPU/request vs epoll floor',
         ratio(echo['aio'], echo['epoll'], 'server_cpu_ns'), '<=', 1.15),
        ('aio-glib p99 vs GIO callbacks p99', ratio(echo['aio'], echo['gio'], 'p99_us'),
         '<=', 1.0),
        ('CPU/request with 10k idle connections vs none',
         ratio(idle['aio-idle'], idle['aio'], 'server_cpu_ns'), '<=', 1.10),
        ('1 GiB transfer vs blocking read/write', ratio(bulk['aio'], bulk['blocking'], 'value'),
         '>=', 0.8),
    ]

    titles = {'epoll': 'epoll floor (C)', 'gio': 'GIO callbacks (C)', 'aio': 'aio-glib streams',
              'asyncio': 'asyncio streams', 'uvloop': 'uvloop streams'}
    print('echo on loopback: 50 connections, 64-byte messages, closed loop, '
          'best of %d rounds' % rounds)
    print('%-20s %12s %10s %14s %10s' % ('server', 'requests/s', 'vs floor', 'CPU/request',
                                           'p99'))
    for kind in kinds:
        print('%-20s %12s %10s %11.1f us %7.0f us' % (
            titles[kind], '{:,.0f}'.format(rate[kind]), '%.2f' % (rate[kind] / rate['epoll']),
            cpu[kind] / 1000 if cpu[kind] else float('nan'), p99[kind]))
    print('aio-glib, 10k idle connections open: %.1f us CPU/request (%.1f us with none)' % (
        idle_cpu['aio-idle'] / 1000, idle_cpu['aio'] / 1000))
    print('bulk transfer, one connection: aio-glib %s MiB/s, blocking read/write %s MiB/s' % (
        '{:,.0f}'.format(bulk_rate['aio']), '{:,.0f}'.format(bulk_rate['blocking'])))
    print()
    print('checks: each the median over rounds of a ratio within one round')
    failed = False
    for title, value, op, target in checks:
        ok = value >= target if op == '>=' else value <= target
        failed = failed or not ok
        print('%-48s %6.3f  target %s %.2f  %s' % (title, value, op, target,
                                                    'PASS' if ok else 'FAIL'))

    for kind in kinds:
        print('RESULT name=echo_%s unit=req/s value=%.0f server_cpu_ns=%.0f p99_us=%.0f' % (
            kind, rate[kind], cpu[kind] or 0, p99[kind]))
    print('RESULT name=echo_aio_idle10k unit=ns value=%.0f' % idle_cpu['aio-idle'])
    for mode, value in bulk_rate.items():
        print('RESULT name=bulk_%s unit=MiB/s value=%.0f' % (mode, value))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
