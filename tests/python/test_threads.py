# SPDX-License-Identifier: LGPL-2.1-or-later
"""Blocking work on aio-glib's worker threads, from Python."""

import asyncio
import contextvars
import threading
import time

import pytest
from gi.repository import Aio, GLib

request_id = contextvars.ContextVar('request_id', default=None)


def test_to_thread_result_and_context(run):
    main_thread = threading.get_ident()

    def work(a, *, b):
        return (threading.get_ident(), request_id.get(), a + b)

    async def main():
        request_id.set('r-17')
        return await Aio.to_thread(work, 40, b=2)

    thread, seen_id, total = run(main)
    assert thread != main_thread
    assert seen_id == 'r-17'
    assert total == 42


def test_exception_crosses(run):
    def fail():
        raise KeyError('missing')

    async def main():
        with pytest.raises(KeyError, match='missing'):
            await Aio.to_thread(fail)
        return True

    assert run(main)


def test_loop_stays_free(run):
    async def main():
        start = time.monotonic()
        jobs = [Aio.to_thread(time.sleep, 0.3) for _ in range(3)]
        await Aio.sleep(0.02)
        ticked = time.monotonic() - start
        await Aio.gather(*jobs)
        return ticked

    assert run(main) < 0.2


def test_executor_bounded(run):
    lock = threading.Lock()
    state = {'now': 0, 'peak': 0}

    def occupy():
        with lock:
            state['now'] += 1
            state['peak'] = max(state['peak'], state['now'])
        time.sleep(0.03)
        with lock:
            state['now'] -= 1

    async def main():
        executor = Aio.Executor.new(2)
        assert executor.get_max_workers() == 2
        await Aio.gather(*(executor.submit(occupy) for _ in range(6)))
        loop = Aio.Loop.get_running()
        results = await Aio.gather(*(loop.run_in_executor(executor, pow, 2, n)
                                     for n in range(5)))
        executor.shutdown(True, False)
        assert executor.is_shutdown()
        return results

    assert run(main) == [1, 2, 4, 8, 16]
    assert state['peak'] == 2


def test_shut_down_executor_refuses(run):
    async def main():
        executor = Aio.Executor.new(1)
        executor.shutdown(True, False)
        with pytest.raises(GLib.Error) as info:
            await executor.submit(print)
        assert info.value.matches(Aio.error_quark(), Aio.Error.CLOSED)
        return True

    assert run(main)


def test_default_size():
    import os
    expected = min(32, (os.cpu_count() or 1) + 4)
    assert Aio.Executor.get_default_size() == expected
    assert (Aio.Loop.get_default().get_default_executor().get_max_workers()
            == expected)


def test_cancel_abandons(run):
    started = threading.Event()
    release = threading.Event()
    finished = []

    def slow():
        started.set()
        release.wait(5)
        finished.append(True)
        return 'late'

    async def main():
        job = Aio.ensure_future(Aio.to_thread(slow))
        while not started.is_set():
            await Aio.sleep(0.005)
        job.cancel()
        with pytest.raises(asyncio.CancelledError):
            await job
        release.set()
        while not finished:
            await Aio.sleep(0.005)
        return True

    assert run(main)


def test_wait_sync_from_plain_thread():
    """A plain Python thread blocks on an Aio future of a running loop."""
    loop = Aio.Loop.get_default()
    future = loop.create_future()
    outcome = {}

    def waiter():
        try:
            with pytest.raises(GLib.Error) as info:
                future.wait_sync(0.01)
            outcome['timeout'] = info.value.matches(
                GLib.quark_from_string('g-io-error-quark'), 24)  # TIMED_OUT
            outcome['ok'] = future.wait_sync(5)
            outcome['value'] = future.get_int()
        except BaseException as exc:  # noqa: B036 -- reported below
            outcome['error'] = exc

    thread = threading.Thread(target=waiter)
    thread.start()
    GLib.timeout_add(100, lambda: future.set_int(5) and False)
    context = GLib.MainContext.default()
    deadline = time.monotonic() + 5
    while thread.is_alive():
        assert time.monotonic() < deadline
        context.iteration(False)
        time.sleep(0.001)
    thread.join()
    assert 'error' not in outcome, outcome.get('error')
    assert outcome == {'timeout': True, 'ok': True, 'value': 5}


def test_wait_sync_on_own_loop_refused(run):
    async def main():
        future = Aio.Loop.get_default().create_future()
        with pytest.raises(GLib.Error) as info:
            future.wait_sync(1)
        future.cancel(None)
        return info.value.matches(Aio.error_quark(), Aio.Error.WRONG_THREAD)

    assert run(main)
