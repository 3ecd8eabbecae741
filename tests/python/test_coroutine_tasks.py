# SPDX-License-Identifier: LGPL-2.1-or-later
"""Python coroutines running as Aio.Task (stackless aio-glib tasks)."""

import asyncio
import contextvars

import pytest
from gi.repository import Aio, AioTest, Gio, GLib

user = contextvars.ContextVar('user', default='nobody')


async def double_later(value):
    await Aio.sleep(0.001)
    return value * 2


def run_on_aio_loop(awaitable_future):
    """Runs the Aio loop (no asyncio at all) until the future is done."""
    loop = Aio.Loop.get_default()
    try:
        loop.run_until_complete(awaitable_future)
    except GLib.Error:
        pass
    return awaitable_future


def test_create_task_returns_an_aio_task():
    task = Aio.create_task(double_later(21), name='doubler')
    assert isinstance(task, Aio.Task)
    assert task.is_stackless()
    assert task.get_name() == 'doubler'
    assert task.get_coro() is not None
    assert task in Aio.all_tasks(None)

    run_on_aio_loop(task)
    assert task.result() == 42
    assert task not in Aio.all_tasks(None)


def test_current_task_inside_a_python_task():
    seen = []

    async def body():
        seen.append(Aio.current_task())
        await Aio.sleep(0)
        seen.append(Aio.current_task())

    task = Aio.create_task(body())
    run_on_aio_loop(task)
    assert seen == [task, task]
    assert Aio.current_task() is None


def test_python_task_runs_without_asyncio():
    # Driven by aio-glib's own loop only: Aio futures and GIO calls work.
    async def body():
        contents = await Gio.File.new_for_path(__file__).load_contents_async()
        nested = await Aio.create_task(double_later(2))
        return contents[0], nested

    assert run_on_aio_loop(Aio.create_task(body())).result() == (True, 4)


def test_python_task_awaits_asyncio_under_the_glib_loop():
    async def body():
        await asyncio.sleep(0.001)
        queue = asyncio.Queue()
        asyncio.get_running_loop().call_later(0.001, queue.put_nowait, 'item')
        item = await queue.get()
        helper = asyncio.create_task(asyncio.sleep(0.001, result='helper'))
        return item, await helper, asyncio.current_task() is Aio.current_task()

    async def main():
        return await Aio.create_task(body())

    assert Aio.run(main()) == ('item', 'helper', True)


def test_asyncio_timeout_inside_a_python_task():
    async def body():
        try:
            async with asyncio.timeout(0.005):
                await Aio.sleep(3600)
        except TimeoutError:
            return 'timed out', Aio.current_task().cancelling()

    async def main():
        return await Aio.create_task(body())

    assert Aio.run(main()) == ('timed out', 0)


def test_context_variables_follow_the_task():
    async def body():
        before = user.get()
        user.set('inside')
        await Aio.sleep(0)
        return before, user.get()

    async def main():
        user.set('creator')
        task = Aio.create_task(body())
        result = await task
        return result, user.get()

    assert Aio.run(main()) == (('creator', 'inside'), 'creator')


def test_c_awaits_a_python_task():
    async def main():
        python_task = Aio.create_task(double_later(20))
        c_task = AioTest.spawn_add(python_task, 2)
        text = AioTest.spawn_concat(Aio.create_task(_echo('py')), '+c')
        return await c_task, await text

    assert Aio.run(main()) == (42, 'py+c')


async def _echo(text):
    await asyncio.sleep(0)
    return text


def test_python_exception_crosses_to_c_and_back():
    async def broken():
        await Aio.sleep(0)
        raise ValueError('python failure')

    async def main():
        python_task = Aio.create_task(broken())
        c_task = AioTest.spawn_add(python_task, 1)
        with pytest.raises(GLib.Error) as through_c:
            await c_task
        with pytest.raises(ValueError, match='python failure'):
            await python_task        # Python sees its own exception
        return through_c.value

    error = Aio.run(main())
    assert error.matches(Aio.error_quark(), Aio.Error.FAILED)
    assert error.message == 'ValueError: python failure'


def test_glib_error_crosses_unchanged():
    async def broken():
        raise GLib.Error.new_literal(Gio.io_error_quark(), 'no disk',
                                     Gio.IOErrorEnum.NO_SPACE)

    async def main():
        with pytest.raises(GLib.Error) as raised:
            await AioTest.spawn_add(Aio.create_task(broken()), 1)
        return raised.value

    error = Aio.run(main())
    assert error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.NO_SPACE)


def test_c_error_reaches_the_python_task():
    async def body():
        try:
            await AioTest.spawn_fail('from C')
        except GLib.Error as error:
            return error.message

    assert run_on_aio_loop(Aio.create_task(body())).result() == 'from C'


def test_cancelled_from_c():
    seen = []

    async def body():
        try:
            await Aio.sleep(3600)
        except asyncio.CancelledError as cancelled:
            seen.append(cancelled.args)
            raise

    async def main():
        task = Aio.create_task(body())
        canceller = AioTest.spawn_cancel(task, 0.001, 'stopped by C')
        with pytest.raises(asyncio.CancelledError):
            await task
        return task, await canceller

    task, cancel_returned = Aio.run(main())
    assert cancel_returned is True
    assert task.cancelled()
    assert seen == [('stopped by C',)]


def test_cancelled_from_python_while_awaiting_asyncio():
    seen = []

    async def body():
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            seen.append('cancelled')
            raise

    async def main():
        task = Aio.create_task(body())
        await Aio.sleep(0)     # the task has started and awaits
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return task

    assert Aio.run(main()).cancelled()
    assert seen == ['cancelled']


def test_cancellation_can_be_caught():
    async def body():
        try:
            await Aio.sleep(3600)
        except asyncio.CancelledError:
            Aio.current_task().uncancel()
            await Aio.sleep(0)
            return 'recovered'

    async def main():
        task = Aio.create_task(body())
        await Aio.sleep(0)     # the task has started and awaits
        assert task.cancel('please')
        assert task.cancelling() == 1
        return await task

    assert Aio.run(main()) == 'recovered'


def test_cancelled_before_it_starts_never_runs():
    started = []

    async def body():
        started.append(True)

    task = Aio.create_task(body())
    assert task.cancel()
    run_on_aio_loop(task)
    assert task.cancelled()
    assert started == []


def test_python_and_c_tasks_in_one_task_group():
    async def body():
        group = Aio.TaskGroup.new()
        python_task = Aio.create_task(double_later(1))
        c_task = AioTest.spawn_sleep_value(0.001, 7)
        assert group.add_task(python_task)
        assert group.add_task(c_task)
        await group.join()
        return group.get_n_errors(), python_task.result(), c_task.result()

    assert run_on_aio_loop(Aio.create_task(body())).result() == (0, 2, 7)


def test_bad_yield_is_reported_in_the_task():
    class BadAwaitable:
        def __await__(self):
            yield 'not a future'

    async def body():
        try:
            await BadAwaitable()
        except RuntimeError as error:
            return str(error)

    result = run_on_aio_loop(Aio.create_task(body())).result()
    assert result.startswith('Task got bad yield')
