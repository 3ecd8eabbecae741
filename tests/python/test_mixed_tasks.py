# SPDX-License-Identifier: LGPL-2.1-or-later
"""Thousands of Python tasks mixed with C tasks on one loop."""

import asyncio

from gi.repository import Aio, AioTest

COUNT = 10000


async def python_child(index):
    # Each Python task awaits a C task, and hands its own result to one.
    from_c = await AioTest.spawn_sleep_value(0.001 * (index % 5), index)
    await asyncio.sleep(0)
    return from_c * 2


def test_ten_thousand_python_tasks_with_c_tasks():
    async def main():
        python_tasks = [Aio.create_task(python_child(i)) for i in range(COUNT)]
        c_tasks = [AioTest.spawn_add(task, 1) for task in python_tasks]
        asyncio_tasks = [asyncio.create_task(_await(task))
                         for task in python_tasks[::10]]
        # While they run, every one is listed among the loop's tasks.
        pending = Aio.all_tasks(None)
        running = sum(isinstance(t, Aio.Task) and t.is_stackless()
                      for t in pending)
        c_results = await asyncio.gather(*c_tasks)
        python_results = [task.result() for task in python_tasks]
        mirrored = await asyncio.gather(*asyncio_tasks)
        return running, c_results, python_results, mirrored

    running, c_results, python_results, mirrored = Aio.run(main())
    assert running == COUNT
    assert python_results == [2 * i for i in range(COUNT)]
    assert c_results == [2 * i + 1 for i in range(COUNT)]
    assert mirrored == python_results[::10]
    assert Aio.all_tasks(None) == []


async def _await(awaitable):
    return await awaitable


def test_cancelling_half_of_them_from_both_sides():
    async def sleeper():
        await AioTest.spawn_sleep_value(3600, 0)

    async def main():
        tasks = [Aio.create_task(sleeper()) for _ in range(2000)]
        await asyncio.sleep(0.01)
        # Even ones cancelled from Python, odd ones from C.
        cancellers = []
        for index, task in enumerate(tasks):
            if index % 2:
                cancellers.append(AioTest.spawn_cancel(task, 0, 'from C'))
            else:
                task.cancel('from Python')
        await asyncio.gather(*cancellers)
        messages = []
        for task in tasks:
            try:
                await task
            except asyncio.CancelledError as cancelled:
                messages.append(cancelled.args)
        return messages

    messages = Aio.run(main())
    assert messages[0::2] == [('from Python',)] * 1000
    assert messages[1::2] == [('from C',)] * 1000


def _resident_kib():
    with open('/proc/self/statm') as statm:
        return int(statm.read().split()[1]) * 4096 // 1024


def test_awaits_and_tasks_do_not_grow_memory():
    """Done callbacks and task bodies are GClosures, which PyGObject frees.

    (A callback argument would leak about 100 bytes per call on PyGObject
    3.42: 60,000 of them would grow the process by some 6 MiB.)
    """
    async def child(value):
        await asyncio.sleep(0)
        return value

    async def main(rounds):
        aio_loop = Aio.Loop.get_thread_default()
        loop = asyncio.get_running_loop()
        for _ in range(rounds):
            futures = [aio_loop.create_future() for _ in range(1000)]
            for future in futures:
                loop.call_soon(future.set_result, 1)
            for future in futures:
                await future
            for task in [Aio.create_task(child(i)) for i in range(1000)]:
                await task

    Aio.run(main(20))          # warm the pools up
    before = _resident_kib()
    Aio.run(main(30))          # 30,000 awaits and 30,000 tasks
    assert _resident_kib() - before < 2048
