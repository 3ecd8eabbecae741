# SPDX-License-Identifier: LGPL-2.1-or-later
"""Awaiting Aio.Future and Aio.Task from asyncio code."""

import asyncio
import contextvars
import threading

import pytest
from gi.repository import Aio, AioTest, Gio, GLib, GObject

request_id = contextvars.ContextVar('request_id', default=None)


def test_override_is_loaded():
    import gi.overrides.Aio as override

    assert Aio.Future is override.Future
    assert issubclass(Aio.Task, override.Future)
    assert Aio.EventLoopPolicy is override.EventLoopPolicy
    assert callable(Aio.run)


@pytest.mark.parametrize('value', [
    42, -2 ** 62, 2 ** 70, 2.5, True, False, 'héllo', b'\x00bytes',
    None, ('a', 1), {'key': [1, 2]},
])
def test_await_returns_python_value(value):
    async def main():
        future = Aio.Loop.get_running() or Aio.Loop.get_thread_default()
        future = future.create_future()
        asyncio.get_running_loop().call_soon(future.set_result, value)
        return await future

    assert Aio.run(main()) == value


def test_typed_results_set_from_c_api():
    async def main():
        loop = Aio.Loop.get_thread_default()
        futures = [loop.create_future() for _ in range(4)]
        futures[0].set_int(7)
        futures[1].set_string('seven')
        futures[2].set_double(0.5)
        futures[3].set_object(Gio.Cancellable())
        return [await future for future in futures]

    number, text, real, obj = Aio.run(main())
    assert (number, text, real) == (7, 'seven', 0.5)
    assert isinstance(obj, Gio.Cancellable)


def test_python_values_keep_c_types():
    future = Aio.Future.new()
    future.set_result(2 ** 40)
    assert future.get_value_type() == GObject.TYPE_INT64
    assert future.get_int64() == 2 ** 40

    future = Aio.Future.new()
    future.set_result('text')
    assert future.get_string() == 'text'


def test_await_failed_future_raises_glib_error():
    async def main():
        future = Aio.Loop.get_thread_default().create_future()
        future.set_error(GLib.Error.new_literal(
            Gio.io_error_quark(), 'gone', Gio.IOErrorEnum.NOT_FOUND))
        await future

    with pytest.raises(GLib.Error) as raised:
        Aio.run(main())
    assert raised.value.matches(Gio.io_error_quark(),
                                Gio.IOErrorEnum.NOT_FOUND)
    assert raised.value.message == 'gone'


def test_await_cancelled_future_raises_cancelled_error():
    async def main():
        future = Aio.Loop.get_thread_default().create_future()
        asyncio.get_running_loop().call_later(0.001, future.cancel, 'stop it')
        with pytest.raises(asyncio.CancelledError) as raised:
            await future
        return raised.value.args

    assert Aio.run(main()) == ('stop it',)


def test_cancelling_the_asyncio_task_cancels_the_aio_future():
    async def main():
        future = Aio.sleep(3600)
        waiter = asyncio.create_task(_await(future))
        await asyncio.sleep(0.001)
        assert waiter.cancel('enough')
        with pytest.raises(asyncio.CancelledError):
            await waiter
        return future

    future = Aio.run(main())
    assert future.cancelled()
    with pytest.raises(asyncio.CancelledError) as raised:
        future.result()
    assert raised.value.args == ('enough',)


async def _await(awaitable):
    return await awaitable


def test_cancelling_the_asyncio_task_cancels_a_c_task():
    async def main():
        c_task = AioTest.spawn_sleep_value(3600, 1)
        waiter = asyncio.create_task(_await(c_task))
        await asyncio.sleep(0.001)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        return c_task

    assert Aio.run(main()).cancelled()


def test_c_task_that_absorbs_cancellation_keeps_the_awaiter_running():
    # asyncio semantics across the boundary: the C task catches the
    # cancellation and returns, so the awaiting Python task gets its value.
    async def main():
        c_task = AioTest.spawn_absorb_cancel(3600)
        # Aio.sleep(0) finishes after the task's first step: it waits.
        await Aio.sleep(0)
        c_task.cancel()
        return await c_task

    assert Aio.run(main()) == 1


def test_await_c_task_results_and_errors():
    async def main():
        value = await AioTest.spawn_sleep_value(0.001, 99)
        with pytest.raises(GLib.Error) as raised:
            await AioTest.spawn_fail('broken in C')
        return value, raised.value

    value, error = Aio.run(main())
    assert value == 99
    assert error.matches(Aio.error_quark(), Aio.Error.FAILED)
    assert error.message == 'broken in C'


def test_result_and_exception_follow_asyncio():
    future = Aio.Future.new()
    with pytest.raises(asyncio.InvalidStateError):
        future.result()
    with pytest.raises(asyncio.InvalidStateError):
        future.exception()

    future.set_exception(ValueError('bad value'))
    with pytest.raises(ValueError, match='bad value'):
        future.result()
    assert isinstance(future.exception(), ValueError)
    with pytest.raises(asyncio.InvalidStateError):
        future.set_result(1)
    # C sees the failure as an aio-glib error naming the exception.
    error = future.dup_error()
    assert error.matches(Aio.error_quark(), Aio.Error.FAILED)
    assert error.message == 'ValueError: bad value'

    cancelled = Aio.Future.new()
    assert cancelled.cancel()
    assert not cancelled.cancel()
    with pytest.raises(asyncio.CancelledError):
        cancelled.exception()


def test_done_callbacks_run_in_context_and_can_be_removed():
    seen = []

    def record(future):
        seen.append((request_id.get(), future.result()))

    def unwanted(future):
        seen.append('unwanted')

    async def main():
        future = Aio.Loop.get_thread_default().create_future()
        request_id.set('outer')
        context = contextvars.copy_context()
        request_id.set('changed later')
        future.add_done_callback(record, context=context)
        future.add_done_callback(unwanted)
        future.add_done_callback(unwanted)
        assert future.remove_done_callback(unwanted) == 2
        future.set_result('ok')
        assert seen == []          # scheduled, not called from set_result()
        await future
        await asyncio.sleep(0)

    Aio.run(main())
    assert seen == [('outer', 'ok')]


def test_gather_and_wait_for_accept_aio_futures():
    async def main():
        results = await asyncio.gather(
            AioTest.spawn_sleep_value(0.002, 1),
            Aio.create_task(_double(2)),
            asyncio.sleep(0.001, result=3),
        )
        slow = Aio.sleep(3600)
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(slow, 0.01)
        return results, slow

    results, slow = Aio.run(main())
    assert results == [1, 4, 3]
    assert slow.cancelled()


async def _double(value):
    await asyncio.sleep(0)
    return value * 2


def test_await_under_a_foreign_loop_raises_runtime_error():
    async def main():
        await Aio.sleep(0.001)

    # The default asyncio loop never iterates GLib: no hang, an error that
    # says what to do.
    with pytest.raises(RuntimeError, match='Aio.run') as raised:
        asyncio.run(main())
    assert 'GLib.MainContext' in str(raised.value)


def test_await_done_future_under_a_foreign_loop_is_fine():
    async def main():
        future = Aio.Future.new()
        future.set_result(5)
        return await future

    assert asyncio.run(main()) == 5


def test_await_without_any_loop_raises_runtime_error():
    coro = _await(Aio.sleep(3600))
    with pytest.raises(RuntimeError, match='running event loop'):
        coro.send(None)


def test_await_future_of_an_unrun_context_raises_runtime_error():
    private = GLib.MainContext.new()
    other_loop = Aio.Loop.get_for_context(private)

    async def main():
        await other_loop.create_future()

    with pytest.raises(RuntimeError, match='never return'):
        Aio.run(main())


def test_await_future_completed_by_another_threads_loop():
    ready = threading.Event()
    finished = threading.Event()
    shared = {}

    def worker():
        context = GLib.MainContext.new()
        context.push_thread_default()
        aio_loop = Aio.Loop.get_for_context(context)
        shared['future'] = aio_loop.create_future()
        main_loop = GLib.MainLoop.new(context, False)
        shared['main_loop'] = main_loop

        def complete(*_):
            shared['future'].set_result('from the worker')
            return GLib.SOURCE_REMOVE
        source = GLib.timeout_source_new(20)
        source.set_callback(complete)
        source.attach(context)
        ready.set()
        main_loop.run()
        context.pop_thread_default()
        finished.set()

    thread = threading.Thread(target=worker)
    thread.start()
    ready.wait()
    try:
        async def main():
            return await asyncio.wait_for(_await(shared['future']), 10)
        assert Aio.run(main()) == 'from the worker'
    finally:
        shared['main_loop'].quit()
        thread.join()
    assert finished.is_set()
