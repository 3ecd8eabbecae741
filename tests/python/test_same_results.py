# SPDX-License-Identifier: LGPL-2.1-or-later
"""The same asyncio program gives the same transcript on every loop.

The program uses ordinary asyncio: tasks and their scheduling order,
timers, queues, locks, events, async generators, context variables,
cancellation, timeouts, streams, a subprocess and an executor.  Its
transcript under Aio's GLib loop must equal the one under asyncio's
default loop.
"""

import asyncio
import contextvars
import sys

import pytest
from gi.repository import Aio

step = contextvars.ContextVar('step', default='-')


async def program():
    log = []

    # Scheduling order of tasks and callbacks.
    async def worker(name, delays):
        for delay in delays:
            await asyncio.sleep(delay)
            log.append(f'{name} after {delay}')
        return name.upper()

    loop = asyncio.get_running_loop()
    loop.call_soon(log.append, 'call_soon')
    results = await asyncio.gather(worker('a', [0, 0.02]),
                                   worker('b', [0, 0.01]),
                                   worker('c', [0.03]))
    log.append(f'gather {results}')

    # Producer and consumer through a bounded queue.
    queue = asyncio.Queue(maxsize=2)

    async def producer():
        for item in range(6):
            await queue.put(item)
            log.append(f'put {item}')
        await queue.put(None)

    async def consumer():
        total = 0
        while (item := await queue.get()) is not None:
            total += item
            log.append(f'got {item}')
        return total

    _, total = await asyncio.gather(producer(), consumer())
    log.append(f'total {total}')

    # Locks and events.
    lock = asyncio.Lock()
    event = asyncio.Event()

    async def locked(name):
        await event.wait()
        async with lock:
            log.append(f'{name} holds the lock')
            await asyncio.sleep(0)

    waiting = [asyncio.create_task(locked(name)) for name in 'xyz']
    await asyncio.sleep(0)
    event.set()
    await asyncio.gather(*waiting)

    # Async generators and context variables.
    async def countdown(n):
        while n:
            yield n
            n -= 1
            await asyncio.sleep(0)
    log.append(f'countdown {[n async for n in countdown(4)]}')

    async def in_context(value):
        step.set(value)
        await asyncio.sleep(0)
        return step.get()
    contexts = await asyncio.gather(in_context(1), in_context(2))
    log.append(f'contexts {contexts} outer {step.get()}')

    # Cancellation and timeouts.
    async def stubborn():
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            log.append('stubborn cancelled')
            raise

    task = asyncio.create_task(stubborn())
    await asyncio.sleep(0.001)
    task.cancel('enough')
    try:
        await task
    except asyncio.CancelledError as cancelled:
        log.append(f'cancelled with {cancelled.args}')
    try:
        await asyncio.wait_for(asyncio.sleep(10), 0.002)
    except asyncio.TimeoutError:
        log.append('wait_for timed out')
    done, pending = await asyncio.wait(
        [asyncio.create_task(asyncio.sleep(0.001, 'quick')),
         asyncio.create_task(asyncio.sleep(10, 'slow'))],
        return_when=asyncio.FIRST_COMPLETED)
    log.append(f'wait {[t.result() for t in done]} pending {len(pending)}')
    for leftover in pending:
        leftover.cancel()

    # Streams over TCP.
    async def echo(reader, writer):
        while line := await reader.readline():
            writer.write(line[::-1])
        writer.close()

    server = await asyncio.start_server(echo, '127.0.0.1', 0)
    reader, writer = await asyncio.open_connection(
        '127.0.0.1', server.sockets[0].getsockname()[1])
    for word in (b'abc\n', b'hello\n'):
        writer.write(word)
        log.append(f'echo {await reader.readexactly(len(word))!r}')
    writer.close()
    await writer.wait_closed()
    server.close()
    await server.wait_closed()

    # A subprocess and the default executor.
    process = await asyncio.create_subprocess_exec(
        sys.executable, '-c', 'print(6 * 7)', stdout=asyncio.subprocess.PIPE)
    out, _ = await process.communicate()
    log.append(f'subprocess {out.strip()!r} exit {process.returncode}')
    log.append(f'executor {await loop.run_in_executor(None, sum, range(10))}')

    # An exception out of a task.
    async def broken():
        raise KeyError('missing')
    try:
        await asyncio.create_task(broken())
    except KeyError as error:
        log.append(f'raised {error!r}')
    return log


def run_with(loop_factory):
    loop = loop_factory()
    try:
        return loop.run_until_complete(program())
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()


def test_glib_loop_and_default_loop_agree():
    expected = run_with(asyncio.new_event_loop)
    assert len(expected) > 30
    assert run_with(Aio.new_event_loop) == expected


def test_under_the_policy_too(policy):
    expected = run_with(asyncio.DefaultEventLoopPolicy().new_event_loop)
    assert asyncio.run(program()) == expected


@pytest.mark.parametrize('runs', [3])
def test_repeated_runs_are_stable(runs):
    transcripts = [run_with(Aio.new_event_loop) for _ in range(runs)]
    assert all(transcript == transcripts[0] for transcript in transcripts)
