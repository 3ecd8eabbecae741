# SPDX-License-Identifier: LGPL-2.1-or-later
"""aio-glib's structured concurrency and synchronisation, with asyncio's names.

The C library gives every combinator and primitive asyncio has; this
module gives them asyncio's Python shape: ``Aio.gather(*aws)``,
``async with Aio.Lock()``, ``async with Aio.TaskGroup() as group``,
``await queue.get()``, ``async for value in generator``...  They work in
asyncio tasks on Aio's GLib loop and in Python coroutines run as
``Aio.Task`` without asyncio at all, and what they return are aio-glib
futures, which C code can await too.

Failures raise exceptions with both faces, asyncio's and ``GLib.Error``
(see ``errors``).
"""

import asyncio
import math

from gi.repository import GObject

from . import errors, tasks
from .errors import translate_error

__all__ = [
    'bind', 'ensure_future', 'gather', 'wait', 'wait_for', 'shield',
    'as_completed', 'timeout', 'timeout_at', 'FIRST_COMPLETED',
    'FIRST_EXCEPTION', 'ALL_COMPLETED', 'LockMethods', 'ConditionMethods',
    'SemaphoreMethods', 'BarrierMethods', 'QueueMethods',
    'new_priority_queue', 'TaskGroupMethods', 'AsyncGeneratorMethods',
    'async_generator',
]

FIRST_COMPLETED = asyncio.FIRST_COMPLETED
FIRST_EXCEPTION = asyncio.FIRST_EXCEPTION
ALL_COMPLETED = asyncio.ALL_COMPLETED

_Aio = None

# Whether Queue.get_nowait() comes back as (ok, item) or as the item:
# annotations decide, and may change.
_get_nowait_in_tuple = True


def bind(aio_module, gio_module):
    """Gives this module the introspected ``Aio`` namespace."""
    global _Aio, _get_nowait_in_tuple
    _Aio = aio_module
    errors.bind(aio_module, gio_module)
    probe = aio_module.Queue.new(0)
    aio_module.Queue.put_nowait(probe, GObject.Value(GObject.TYPE_INT64, 7))
    _get_nowait_in_tuple = isinstance(aio_module.Queue.get_nowait(probe),
                                      tuple)


def _seconds(value):
    return math.inf if value is None else float(value)


def ensure_future(awaitable, *, loop=None):
    """Returns an ``Aio.Future`` for ``awaitable``, for APIs that take futures.

    An ``Aio.Future`` is returned as is; a coroutine becomes an
    ``Aio.Task`` on ``loop`` (an ``Aio.Loop``); an asyncio future (or task)
    becomes an ``Aio.Future`` with the same outcome, and cancelling that
    cancels the asyncio one.
    """
    if isinstance(awaitable, _Aio.Future):
        return awaitable
    if asyncio.iscoroutine(awaitable):
        return tasks.create_task(awaitable, loop=loop)
    if asyncio.isfuture(awaitable):
        return _from_asyncio_future(awaitable, loop)
    if hasattr(awaitable, '__await__'):
        return tasks.create_task(_await(awaitable), loop=loop)
    raise TypeError(f'An Aio.Future, a coroutine or an awaitable is required, '
                    f'not {type(awaitable).__name__}')


async def _await(awaitable):
    return await awaitable


def _from_asyncio_future(source, loop):
    if loop is None:
        loop = _Aio.Loop.get_running() or _Aio.Loop.get_thread_default()
    mirror = loop.create_future()

    def copy_outcome(source):
        if mirror.done():
            return
        if source.cancelled():
            mirror.cancel(None)
        elif source.exception() is not None:
            mirror.set_exception(source.exception())
        else:
            mirror.set_result(source.result())

    def forward_cancel(mirror):
        if mirror.cancelled() and not source.done():
            source.cancel()

    source.add_done_callback(copy_outcome)
    mirror.add_done_callback(forward_cancel)
    return mirror


_ensure = ensure_future


# -- combinators ------------------------------------------------------------

def _outcome(future, return_exceptions):
    if future.cancelled():
        try:
            future.result()
        except asyncio.CancelledError as cancelled:
            return cancelled
    exception = future.exception()
    if exception is not None:
        if return_exceptions:
            return translate_error(exception)
        raise translate_error(exception)
    return future.result()


def gather(*awaitables, return_exceptions=False):
    """Runs awaitables together; an ``Aio.Task`` whose result lists theirs.

    Like ``asyncio.gather()``: coroutines become ``Aio.Task``; without
    ``return_exceptions`` the first failure fails the gather, otherwise
    failures are returned in place of results; cancelling the gather
    cancels what it waits for.  Built on ``aio_gather()``, so C code can
    await the result.
    """
    children = [_ensure(awaitable) for awaitable in awaitables]
    combined = _Aio.gather(children, bool(return_exceptions))

    async def collect():
        try:
            await combined
        except asyncio.CancelledError:
            raise
        except BaseException:
            if not return_exceptions:
                for child in children:
                    if child.done() and not child.cancelled() and \
                            child.exception() is not None:
                        raise translate_error(child.exception()) from None
            raise
        return [_outcome(child, return_exceptions) for child in children]

    outer = tasks.create_task(collect(), name='gather')

    def cancel_children(outer):
        # Even when the gather is cancelled before it started waiting.
        if outer.cancelled():
            combined.cancel(None)
    outer.add_done_callback(cancel_children)
    return outer


async def wait(awaitables, *, timeout=None, return_when=ALL_COMPLETED):
    """Waits for futures and returns ``(done, pending)``, as asyncio."""
    modes = {FIRST_COMPLETED: _Aio.WaitMode.FIRST_COMPLETED,
             FIRST_EXCEPTION: _Aio.WaitMode.FIRST_EXCEPTION,
             ALL_COMPLETED: _Aio.WaitMode.ALL_COMPLETED}
    if return_when not in modes:
        raise ValueError(f'Invalid return_when value: {return_when}')
    awaitables = list(awaitables)
    if not awaitables:
        raise ValueError('Set of Tasks/Futures is empty.')
    if any(asyncio.iscoroutine(item) for item in awaitables):
        raise TypeError(
            'Passing coroutines is forbidden, use tasks explicitly.')
    watched = [_ensure(item) for item in awaitables]
    await _Aio.wait(watched, modes[return_when], _seconds(timeout))
    done, pending = _Aio.wait_partition(watched)
    by_watched = {id(mirror): original
                  for mirror, original in zip(watched, awaitables)}
    return ({by_watched.get(id(f), f) for f in done},
            {by_watched.get(id(f), f) for f in pending})


async def wait_for(awaitable, timeout):
    """Waits for ``awaitable`` at most ``timeout`` seconds.

    Like ``asyncio.wait_for()``.

    On timeout it cancels the awaitable, waits for it to finish cancelling,
    and raises ``TimeoutError`` (also a ``GLib.Error``).
    """
    return await _Aio.wait_for(_ensure(awaitable), _seconds(timeout))


def shield(awaitable):
    """Protects ``awaitable`` from cancellation, like ``asyncio.shield()``."""
    return _Aio.shield(_ensure(awaitable))


def as_completed(awaitables, *, timeout=None):
    """Yields awaitables giving results in completion order, like asyncio's."""
    watched = [_ensure(item) for item in dict.fromkeys(awaitables)]
    if not watched:
        return
    iterator = _Aio.as_completed(watched, _seconds(timeout))

    async def next_result():
        completed = await iterator.next()
        return await completed

    for _ in watched:
        yield next_result()


# The rest by concept, as asyncio's modules are.
from .timeouts import timeout, timeout_at  # noqa: E402
from .locks import (LockMethods, ConditionMethods, SemaphoreMethods,  # noqa: E402
                    BarrierMethods)
from .queues import QueueMethods, new_priority_queue  # noqa: E402
from .taskgroups import TaskGroupMethods  # noqa: E402
from .generators import AsyncGeneratorMethods, async_generator  # noqa: E402
