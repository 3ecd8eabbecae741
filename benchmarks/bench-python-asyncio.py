#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""asyncio on GLib (Aio.EventLoop) against asyncio's default loop and uvloop.

Three asyncio programs, each run by every loop in the same process, rounds
interleaved so that machine noise hits all loops alike; the best round of
each loop is reported:

pingpong
    two tasks hand control to each other through futures: per hop, one
    side creates a future, completes the other side's, and awaits its own
    (the same game as bench-pingpong.c).
spawn
    a task creates a child task and awaits it, one after another
    (``await loop.create_task(child())``, as bench-spawn.c).
echo
    a client sends 64-byte messages to an echo server on loopback TCP
    through asyncio streams and waits for each reply.

Each figure (wall time, or process CPU time with ``--clock cpu``) is
printed as ``RESULT name=python-<bench>-<loop> unit=ns/op
value=<best> median=<median> rounds=<n>``, followed by
``RESULT name=python-<bench>-glib-vs-asyncio unit=ratio value=<r>``: the
GLib loop's throughput as a fraction of the default loop's (the target is
at least 0.9).  Also measured: ``await`` on an ``Aio.Future`` from asyncio
and Python coroutines run as ``Aio.Task``.

Run from a build tree::

    GI_TYPELIB_PATH=_build/aio-glib LD_LIBRARY_PATH=_build/aio-glib \\
    PYTHONPATH=bindings/python \\
    /usr/bin/python3 benchmarks/bench-python-asyncio.py
"""

import argparse
import asyncio
import gc
import statistics
import sys
import time

import gi

gi.require_version('Aio', '1')
from gi.repository import Aio  # noqa: E402

try:
    import uvloop
except ImportError:
    uvloop = None


async def pingpong(hops):
    loop = asyncio.get_running_loop()
    waiting = [None, None]
    remaining = hops

    async def side(me):
        nonlocal remaining
        other = 1 - me
        while True:
            peer = waiting[other]
            waiting[other] = None
            if remaining <= 0:
                if peer is not None:
                    peer.set_result(-1)
                return
            remaining -= 1
            mine = loop.create_future()
            waiting[me] = mine
            if peer is not None:
                peer.set_result(0)
            if await mine < 0:
                return

    await asyncio.gather(side(0), side(1))


async def _child(value):
    return value


async def spawn(count):
    loop = asyncio.get_running_loop()
    for index in range(count):
        if await loop.create_task(_child(index)) != index:
            raise AssertionError('child returned the wrong value')


async def echo(messages):
    async def serve(reader, writer):
        while data := await reader.read(4096):
            writer.write(data)
        writer.close()

    server = await asyncio.start_server(serve, '127.0.0.1', 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection('127.0.0.1', port)
    message = b'x' * 64
    for _ in range(messages):
        writer.write(message)
        await reader.readexactly(len(message))
    writer.close()
    await writer.wait_closed()
    server.close()
    await server.wait_closed()


async def await_aio_future(count):
    """asyncio tasks awaiting Aio futures completed by other asyncio code."""
    aio_loop = Aio.Loop.get_thread_default()
    loop = asyncio.get_running_loop()
    for index in range(count):
        future = aio_loop.create_future()
        loop.call_soon(future.set_result, index)
        if await future != index:
            raise AssertionError('wrong result')


async def spawn_aio_task(count):
    """Python coroutines run as Aio.Task, each awaited from asyncio."""
    for index in range(count):
        if await Aio.create_task(_child(index)) != index:
            raise AssertionError('child returned the wrong value')


BENCHMARKS = {
    'pingpong': (pingpong, 200000),
    'spawn': (spawn, 100000),
    'echo': (echo, 20000),
}
GLIB_ONLY = {
    'await-aio-future': (await_aio_future, 50000),
    'spawn-aio-task': (spawn_aio_task, 20000),
}


def loop_factories(wanted):
    factories = {
        'glib': Aio.new_event_loop,
        'asyncio': asyncio.new_event_loop,
    }
    if uvloop is not None:
        factories['uvloop'] = uvloop.new_event_loop
    return {name: factories[name] for name in wanted if name in factories}


CLOCKS = {
    'wall': time.perf_counter_ns,
    # The process's CPU time: steadier than wall time on a busy machine,
    # and the same thing for these single-threaded programs.
    'cpu': time.process_time_ns,
}


def time_one(loop_factory, benchmark, count, clock):
    """Nanoseconds per operation of one round on a fresh loop."""
    loop = loop_factory()
    try:
        gc.collect()
        start = clock()
        loop.run_until_complete(benchmark(count))
        return (clock() - start) / count
    finally:
        loop.close()


def result(name, unit, value, **extra):
    fields = ''.join(f' {key}={val}' for key, val in extra.items())
    print(f'RESULT name={name} unit={unit} value={value:.3f}{fields}',
          flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--rounds', type=int, default=5)
    parser.add_argument('--scale', type=float, default=1.0,
                        help='multiply the operation counts')
    parser.add_argument('--loops', default='glib,asyncio,uvloop')
    parser.add_argument('--clock', choices=CLOCKS, default='wall',
                        help='wall time, or CPU time on a busy machine')
    parser.add_argument('benchmarks', nargs='*',
                        default=list(BENCHMARKS) + list(GLIB_ONLY))
    options = parser.parse_args()

    factories = loop_factories(options.loops.split(','))
    if uvloop is None:
        print('# uvloop is not installed: its rows are skipped',
              file=sys.stderr)

    for bench_name in options.benchmarks:
        if bench_name in BENCHMARKS:
            benchmark, count = BENCHMARKS[bench_name]
            loops = factories
        else:
            benchmark, count = GLIB_ONLY[bench_name]
            loops = {name: factory for name, factory in factories.items()
                     if name == 'glib'}
        count = max(1, int(count * options.scale))
        rounds = {name: [] for name in loops}
        for _ in range(options.rounds):
            for loop_name, factory in loops.items():
                rounds[loop_name].append(
                    time_one(factory, benchmark, count, CLOCKS[options.clock]))
        best = {}
        for loop_name, values in rounds.items():
            best[loop_name] = min(values)
            result(f'python-{bench_name}-{loop_name}', 'ns/op',
                   best[loop_name],
                   median=f'{statistics.median(values):.1f}',
                   rounds=len(values))
        if 'glib' in best and 'asyncio' in best:
            result(f'python-{bench_name}-glib-vs-asyncio', 'ratio',
                   best['asyncio'] / best['glib'])
        if 'glib' in best and 'uvloop' in best:
            result(f'python-{bench_name}-glib-vs-uvloop', 'ratio',
                   best['uvloop'] / best['glib'])


if __name__ == '__main__':
    main()
