# SPDX-License-Identifier: LGPL-2.1-or-later
"""aio-glib's combinators and primitives under asyncio's names.

Each test runs twice: in an asyncio task on Aio's GLib loop, and in a
Python coroutine run as an Aio.Task by aio-glib's loop alone.
"""

import asyncio
import math

import pytest
from gi.repository import Aio, AioTest, GLib


async def later(value, delay=0.001):
    await Aio.sleep(delay)
    return value


async def fail_later(exception, delay=0.001):
    await Aio.sleep(delay)
    raise exception


def test_gather(run):
    async def main():
        results = await Aio.gather(later(1, 0.003), later(2),
                                   AioTest.spawn_sleep_value(0.002, 3))
        with pytest.raises(ValueError, match='second'):
            await Aio.gather(later(1), fail_later(ValueError('second')))
        mixed = await Aio.gather(later('ok'), fail_later(KeyError('k')),
                                 return_exceptions=True)
        return results, mixed

    results, mixed = run(main)
    assert results == [1, 2, 3]
    assert mixed[0] == 'ok' and isinstance(mixed[1], KeyError)


def test_gather_cancels_its_children(run):
    async def main():
        child = Aio.create_task(later(1, 3600))
        gathering = Aio.gather(child)
        await Aio.sleep(0.001)
        gathering.cancel()
        with pytest.raises(asyncio.CancelledError):
            await gathering
        return child.cancelled()

    assert run(main) is True


def test_wait_and_wait_for(run):
    async def main():
        quick = Aio.create_task(later('quick'))
        slow = Aio.create_task(later('slow', 3600))
        done, pending = await Aio.wait([quick, slow],
                                       return_when=Aio.FIRST_COMPLETED)
        slow.cancel()
        assert await Aio.wait_for(later(5), 10) == 5
        try:
            await Aio.wait_for(later(0, 3600), 0.002)
        except Aio.TimeoutError as error:
            # Both faces: asyncio's TimeoutError and the GIO error.
            assert isinstance(error, TimeoutError)
            assert isinstance(error, GLib.Error)
            timed_out = True
        return done == {quick}, pending == {slow}, timed_out

    assert run(main) == (True, True, True)


def test_shield(run):
    async def main():
        inner = Aio.create_task(later('kept', 0.005))
        outer = Aio.shield(inner)
        outer.cancel()
        return outer.cancelled(), await inner

    assert run(main) == (True, 'kept')


def test_as_completed(run):
    async def main():
        order = []
        racers = [later('c', 0.006), later('a', 0.001), later('b', 0.003)]
        for next_done in Aio.as_completed(racers):
            order.append(await next_done)
        return order

    assert run(main) == ['a', 'b', 'c']


def test_timeout(run):
    async def main():
        with pytest.raises(TimeoutError):
            async with Aio.timeout(0.002):
                await Aio.sleep(3600)
        async with Aio.timeout(10) as scope:
            await Aio.sleep(0.001)
        return scope.expired(), scope.when() is not None

    assert run(main) == (False, True)


def test_task_group(run):
    async def main():
        async with Aio.TaskGroup() as group:
            first = group.create_task(later(1))
            c_task = AioTest.spawn_sleep_value(0.002, 2)
            group.add_task(c_task)
        return first.result(), c_task.result()

    assert run(main) == (1, 2)


def test_task_group_failure_raises_exception_group(run):
    cancelled = []

    async def sibling():
        try:
            await Aio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    async def main():
        try:
            async with Aio.TaskGroup() as group:
                group.create_task(sibling())
                group.create_task(fail_later(ValueError('in the group')))
                await Aio.sleep(3600)
        except ExceptionGroup as group_error:
            return [type(exc) for exc in group_error.exceptions]

    assert run(main) == [ValueError]
    assert cancelled == [True]


def test_lock_event_condition(run):
    async def main():
        log = []
        lock = Aio.Lock()
        event = Aio.Event()
        condition = Aio.Condition()

        async def holder(name):
            await event.wait()
            async with lock:
                log.append(f'{name} in')
                await Aio.sleep(0.001)
                log.append(f'{name} out')

        async def waiter():
            async with condition:
                await condition.wait_for(lambda: 'x out' in log)
                log.append('condition')

        tasks = [Aio.create_task(holder('x')), Aio.create_task(holder('y')),
                 Aio.create_task(waiter())]
        await Aio.sleep(0.001)
        assert not lock.locked() and not event.is_set()
        event.set()
        await Aio.sleep(0.005)
        async with condition:
            condition.notify_all()
        await Aio.gather(*tasks)
        with pytest.raises(RuntimeError):
            lock.release()
        return log

    log = run(main)
    held = [entry for entry in log if entry != 'condition']
    # The lock keeps the two critical sections apart.
    assert held in (['x in', 'x out', 'y in', 'y out'],
                    ['y in', 'y out', 'x in', 'x out'])
    assert log.count('condition') == 1
    assert log.index('condition') > log.index('x out')


def test_semaphores_and_barrier(run):
    async def main():
        semaphore = Aio.Semaphore(2)
        inside = []
        peak = []

        async def limited():
            async with semaphore:
                inside.append(1)
                peak.append(len(inside))
                await Aio.sleep(0.001)
                inside.pop()

        await Aio.gather(*(limited() for _ in range(6)))
        bounded = Aio.BoundedSemaphore(1)
        with pytest.raises(ValueError):
            bounded.release()

        barrier = Aio.Barrier(3)
        indices = await Aio.gather(*(barrier.wait() for _ in range(3)))
        barrier.abort()
        with pytest.raises(Aio.BrokenBarrierError):
            await barrier.wait()
        return max(peak), sorted(indices), barrier.parties

    assert run(main) == (2, [0, 1, 2], 3)


def test_queues(run):
    async def main():
        queue = Aio.Queue(maxsize=2)
        await queue.put({'any': 'object'})
        queue.put_nowait(None)
        with pytest.raises(asyncio.QueueFull):
            queue.put_nowait(3)
        items = [await queue.get(), queue.get_nowait()]
        with pytest.raises(Aio.QueueEmpty):
            queue.get_nowait()

        lifo = Aio.LifoQueue()
        priority = Aio.PriorityQueue()
        for item in (2, 3, 1):
            lifo.put_nowait(item)
            priority.put_nowait(item)
        orders = ([lifo.get_nowait() for _ in range(3)],
                  [priority.get_nowait() for _ in range(3)])

        work = Aio.Queue()

        async def worker():
            while True:
                await work.get()
                work.task_done()
        consumer = Aio.create_task(worker())
        for item in range(5):
            work.put_nowait(item)
        await work.join()
        consumer.cancel()
        return items, orders, queue.maxsize

    items, orders, maxsize = run(main)
    assert items == [{'any': 'object'}, None]
    assert orders == ([1, 3, 2], [1, 2, 3])
    assert maxsize == 2


def test_queue_shared_with_c():
    async def main():
        queue = Aio.Queue()
        queue.put_nowait(40)
        # A C task awaits the queue's get() future, whose value is a gint64.
        return await AioTest.spawn_add(queue.get(), 2)

    assert Aio.run(main()) == 42


def test_c_async_generator_in_async_for(run):
    async def main():
        return [value async for value in AioTest.count_to(4)]

    assert run(main) == [1, 2, 3, 4]


def test_python_async_generator_consumed_by_c(run):
    closed = []

    async def numbers():
        try:
            for value in (10, 20, 12):
                await Aio.sleep(0)
                yield value
        finally:
            closed.append(True)

    async def main():
        return await AioTest.spawn_sum(Aio.async_generator(numbers()))

    assert run(main) == 42
    assert closed == [True]


def test_python_async_generator_closed_early():
    cleanup = []

    async def endless():
        try:
            value = 0
            while True:
                value += 1
                yield value
        finally:
            await Aio.sleep(0)
            cleanup.append('done')

    async def main():
        generator = Aio.async_generator(endless())
        taken = [await generator.anext(), await generator.anext()]
        await generator.aclose()
        return taken

    assert Aio.run(main()) == [1, 2]
    assert cleanup == ['done']


def test_wait_for_none_timeout_waits(run):
    async def main():
        return await Aio.wait_for(later('no limit'), None)

    assert run(main) == 'no limit'
    assert math.isinf(float('inf'))
