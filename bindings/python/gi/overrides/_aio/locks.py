# SPDX-License-Identifier: LGPL-2.1-or-later
"""Locks, conditions, semaphores and barriers with asyncio's Python shape.

Split from api.py by concept, as asyncio's own modules are; api.bind()
gives every one of them the introspected namespace (api._Aio).
"""

from gi.repository import GLib

from . import api
from .errors import translate_error


def _release(method, primitive):
    try:
        method(primitive)
    except GLib.Error as error:
        raise translate_error(error) from None


class LockMethods:
    """asyncio's ``Lock`` API on ``Aio.Lock``.

    ``await lock.acquire()`` and ``locked()`` are the C methods;
    ``release()`` raises ``RuntimeError`` (a ``GLib.Error``) when the lock
    is not held; ``async with lock:`` does both.
    """

    async def __aenter__(self):
        await self.acquire()

    async def __aexit__(self, exc_type, exc, traceback):
        self.release()

    def release(self):
        _release(api._Aio.Lock.release, self)


class ConditionMethods(LockMethods):
    """asyncio's ``Condition`` API on ``Aio.Condition``."""

    def release(self):
        _release(api._Aio.Condition.release, self)

    async def wait_for(self, predicate):
        """Waits until ``predicate()`` is true; returns its last value."""
        result = predicate()
        while not result:
            await self.wait()
            result = predicate()
        return result

    def notify(self, n=1):
        """Wakes up to ``n`` waiters; the lock must be held."""
        try:
            api._Aio.Condition.notify(self, n)
        except GLib.Error as error:
            raise translate_error(error) from None

    def notify_all(self):
        """Wakes every waiter; the lock must be held."""
        try:
            api._Aio.Condition.notify_all(self)
        except GLib.Error as error:
            raise translate_error(error) from None


class SemaphoreMethods(LockMethods):
    """asyncio's ``Semaphore`` API on ``Aio.Semaphore``.

    On an ``Aio.BoundedSemaphore``, releasing too often raises
    ``ValueError`` (also a ``GLib.Error``).
    """

    def release(self):
        _release(api._Aio.Semaphore.release, self)


class BarrierMethods:
    """asyncio's ``Barrier`` API on ``Aio.Barrier``.

    ``await barrier.wait()`` returns the party's index, or raises
    ``BrokenBarrierError`` once the barrier is aborted or reset.
    """

    async def __aenter__(self):
        return await self.wait()

    async def __aexit__(self, exc_type, exc, traceback):
        pass

    @property
    def parties(self):
        return self.get_parties()

    @property
    def n_waiting(self):
        return self.get_n_waiting()

    @property
    def broken(self):
        return self.get_broken()
