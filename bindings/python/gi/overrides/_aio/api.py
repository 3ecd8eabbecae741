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
import builtins
import contextvars
import math

from gi.repository import GLib, GObject

from . import errors, events, futures, tasks
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


class _Timeout:
    """The context manager of :func:`timeout` and :func:`timeout_at`."""

    def __init__(self, delay=None, when=None):
        self._delay = delay
        self._when = when
        self._scope = None          # Aio.Timeout, in an Aio.Task
        self._asyncio_scope = None  # asyncio.Timeout, in an asyncio task

    async def __aenter__(self):
        if _Aio.current_task() is not None:
            if self._when is not None:
                self._scope = _Aio.Timeout.new_at(_seconds(self._when))
            else:
                self._scope = _Aio.Timeout.new(_seconds(self._delay))
        else:
            loop = asyncio.get_running_loop()
            when = self._when if self._when is not None else \
                (None if self._delay is None else loop.time() + self._delay)
            self._asyncio_scope = asyncio.timeout_at(when)
            await self._asyncio_scope.__aenter__()
        return self

    async def __aexit__(self, exc_type, exc, traceback):
        if self._asyncio_scope is not None:
            return await self._asyncio_scope.__aexit__(exc_type, exc,
                                                       traceback)
        cancelled = exc_type is not None and \
            issubclass(exc_type, asyncio.CancelledError)
        leave = getattr(self._scope, 'exit_full', None) or self._scope.exit
        try:
            leave(cancelled)
        except GLib.Error as error:
            raise translate_error(error) from exc
        return None

    def expired(self):
        """Whether the deadline passed and cancelled the scope."""
        if self._asyncio_scope is not None:
            return self._asyncio_scope.expired()
        return self._scope is not None and self._scope.expired()

    def when(self):
        """The deadline on the loop's clock, or ``None``."""
        if self._asyncio_scope is not None:
            return self._asyncio_scope.when()
        if self._scope is None:
            return self._when
        when = self._scope.get_when()
        return None if math.isinf(when) else when

    def reschedule(self, when):
        """Moves the deadline to ``when`` (``None`` for none)."""
        if self._asyncio_scope is not None:
            self._asyncio_scope.reschedule(when)
        else:
            self._scope.reschedule(_seconds(when))


def timeout(delay):
    """``async with Aio.timeout(delay):`` limits the time the block may take.

    Like ``asyncio.timeout()``: on expiry the block is cancelled at its
    current await and ``TimeoutError`` is raised.  In an ``Aio.Task`` it is
    aio-glib's ``AioTimeout``; in an asyncio task, asyncio's own.
    """
    return _Timeout(delay=delay)


def timeout_at(when):
    """Like :func:`timeout`, with a deadline on the loop's clock."""
    return _Timeout(when=when)


# -- synchronisation primitives ---------------------------------------------

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
        _release(_Aio.Lock.release, self)


class ConditionMethods(LockMethods):
    """asyncio's ``Condition`` API on ``Aio.Condition``."""

    def release(self):
        _release(_Aio.Condition.release, self)

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
            _Aio.Condition.notify(self, n)
        except GLib.Error as error:
            raise translate_error(error) from None

    def notify_all(self):
        """Wakes every waiter; the lock must be held."""
        try:
            _Aio.Condition.notify_all(self)
        except GLib.Error as error:
            raise translate_error(error) from None


class SemaphoreMethods(LockMethods):
    """asyncio's ``Semaphore`` API on ``Aio.Semaphore``.

    On an ``Aio.BoundedSemaphore``, releasing too often raises
    ``ValueError`` (also a ``GLib.Error``).
    """

    def release(self):
        _release(_Aio.Semaphore.release, self)


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


def _queue_value(item):
    # None is a common queue item (a sentinel): keep it as a value.
    if item is None:
        return GObject.Value(GObject.TYPE_PYOBJECT, None)
    return futures.to_gvalue(item)


class QueueMethods:
    """asyncio's ``Queue`` API on ``Aio.Queue`` (FIFO, LIFO and priority).

    ``put()``, ``get()`` and ``join()`` return aio-glib futures to await
    (from Python or C); ``get_nowait()`` and ``put_nowait()`` raise
    ``QueueEmpty`` and ``QueueFull``, and a shut-down queue
    ``QueueShutDown``, each also a ``GLib.Error``.
    """

    def put(self, item):
        """Puts ``item``, waiting for room."""
        return _Aio.Queue.put(self, _queue_value(item))

    def put_nowait(self, item):
        """Puts ``item`` or raises ``QueueFull``."""
        try:
            _Aio.Queue.put_nowait(self, _queue_value(item))
        except GLib.Error as error:
            raise translate_error(error) from None

    def get_nowait(self):
        """Removes and returns an item, or raises ``QueueEmpty``."""
        try:
            value = _Aio.Queue.get_nowait(self)
        except GLib.Error as error:
            raise translate_error(error) from None
        except TypeError:
            return None   # an item without a value, put from C
        if _get_nowait_in_tuple:
            value = value[1]
        return futures.from_gvalue(value)

    def task_done(self):
        """Marks one item as processed; ``ValueError`` if none is pending."""
        try:
            _Aio.Queue.task_done(self)
        except GLib.Error as error:
            raise ValueError(error.message) from None

    def shutdown(self, immediate=False):
        """Shuts the queue down, as asyncio 3.13's ``shutdown()``."""
        _Aio.Queue.shutdown(self, immediate)

    @property
    def maxsize(self):
        return self.get_maxsize()


def _compare_items(first, second, *user_data):
    """Orders priority queue items as Python compares them."""
    first = futures.from_gvalue(first)
    second = futures.from_gvalue(second)
    if first < second:
        return -1
    return 1 if second < first else 0


def new_priority_queue(maxsize):
    """An ``Aio.Queue`` that hands out the smallest item first."""
    return _Aio.Queue.new_priority(maxsize, _compare_items)


# -- task groups ------------------------------------------------------------

class TaskGroupMethods:
    """asyncio's ``TaskGroup`` on ``Aio.TaskGroup``.

    ``async with group:`` and ``group.create_task()``, as in asyncio.

    Tasks are ``Aio.Task``: Python coroutines, or C tasks added with
    ``add_task()``.  The first task to fail cancels the others and the
    body; leaving the block raises an ``ExceptionGroup`` of the failures,
    with each Python task's own exception.  In an asyncio task (rather than
    an ``Aio.Task``) the group cancels that asyncio task the same way.
    """

    def create_task(self, coro, *, name=None, context=None):
        """Runs ``coro`` as an ``Aio.Task`` of this group."""
        task = tasks.create_task(coro, name=name, context=context)
        try:
            self.add_task(task)
        except GLib.Error as error:
            coro_close = getattr(coro, 'close', None)
            task.cancel()
            if coro_close is not None:
                coro_close()
            raise RuntimeError(error.message) from None
        return task

    def add_task(self, task):
        """Adds an ``Aio.Task`` (a C task, say) to the group."""
        added = _Aio.TaskGroup.add_task(self, task)
        parent = self.__dict__.get('_aio_asyncio_parent')
        if parent is not None:
            task.add_done_callback(self._cancel_asyncio_parent)
        return added

    def _cancel_asyncio_parent(self, task):
        # What the C group does to a parent Aio.Task, for an asyncio one.
        parent = self.__dict__.get('_aio_asyncio_parent')
        if parent is None or task.cancelled() or task.exception() is None:
            return
        if not self.__dict__.get('_aio_parent_cancelled'):
            self.__dict__['_aio_parent_cancelled'] = True
            parent.cancel()

    async def __aenter__(self):
        parent = asyncio.current_task() if _Aio.current_task() is None \
            else None
        self.__dict__['_aio_asyncio_parent'] = parent
        return self

    async def __aexit__(self, exc_type, exc, traceback):
        parent = self.__dict__.pop('_aio_asyncio_parent', None)
        body_error = None
        if exc is not None:
            body_error = futures.exception_to_gerror(exc)
        try:
            await _join(self, body_error)
        except GLib.Error as error:
            if error.matches(_Aio.error_quark(), _Aio.Error.MULTIPLE):
                raise self._exception_group(exc) from None
            raise translate_error(error) from None
        finally:
            if parent is not None and \
                    self.__dict__.pop('_aio_parent_cancelled', False):
                parent.uncancel()
        if exc is not None and not isinstance(exc, asyncio.CancelledError):
            return False
        return None

    def _exception_group(self, body_exception):
        exceptions = []
        for index in range(self.get_n_errors()):
            task = self.get_failed_task(index)
            if task is None:
                exceptions.append(body_exception if body_exception is not None
                                  else self.get_error(index))
            else:
                exceptions.append(translate_error(task.exception()))
        group_class = getattr(builtins, 'BaseExceptionGroup', None)
        if group_class is None:
            return exceptions[0]
        return group_class('unhandled errors in a TaskGroup', exceptions)


async def _join(group, body_error):
    # PyGObject cannot pass None for a GError: join() is wait(NULL).
    if body_error is None:
        await group.join()
    else:
        await group.wait(body_error)


# -- async generators -------------------------------------------------------

class AsyncGeneratorMethods:
    """``async for`` over an ``Aio.AsyncGenerator`` (written in C or Python).

    ``__anext__()`` is ``anext()``, whose future raises
    ``StopAsyncIteration`` (also a ``GLib.Error``) at the end; ``aclose()``
    is the C method.
    """

    def __aiter__(self):
        return self

    def __anext__(self):
        return self.anext()


class AsyncGeneratorStepper(tasks.StepperBase):
    """The stackless body of an ``Aio.AsyncGenerator`` running a Python one.

    Each value the Python async generator yields is handed to the consumer
    with ``yield_value()``; closing the Aio generator throws
    ``GeneratorExit`` into the Python one; what it awaits in between is
    waited for as in :class:`tasks.CoroutineStepper`.
    """

    __slots__ = ('agen', 'context', 'pending', 'closing', 'handed_out')

    def __init__(self, agen, context):
        super().__init__()
        self.agen = agen
        self.context = context
        self.pending = None       # the __anext__() or athrow() in progress
        self.closing = False
        self.handed_out = False   # the last step handed out a value

    def step(self, generator, awaited):
        """Runs the Python generator to its next value or ``await``."""
        exception = self.pending_exception
        self.pending_exception = None
        if self.handed_out:
            self.handed_out = False
            if awaited is not None and awaited.cancelled():
                # Closed (aclose(), or dropped) instead of asked for more.
                self.closing = True
                self.pending = self.agen.athrow(GeneratorExit)
        elif awaited is not None and awaited.cancelled():
            exception = tasks._cancelled_error(awaited)
        self._drop_bridge()
        if self.pending is None:
            self.pending = self.agen.__anext__()

        previous = futures.state.stepping
        futures.state.stepping = generator
        try:
            if exception is None:
                yielded = self.context.run(self.pending.send, None)
            else:
                yielded = self.context.run(self.pending.throw, exception)
        except StopIteration as stop:
            self.pending = None
            if self.closing:
                generator.return_error(futures.exception_to_gerror(
                    RuntimeError('async generator ignored GeneratorExit')))
                return None
            self.handed_out = True
            return generator.yield_value(_queue_value(stop.value))
        except (StopAsyncIteration, GeneratorExit):
            return None
        except BaseException as exc:
            generator.return_error(futures.exception_to_gerror(exc))
            return None
        finally:
            futures.state.stepping = previous
        return self._next_future(yielded)


def async_generator(agen, *, context=None):
    """Wraps a Python async generator as an ``Aio.AsyncGenerator`` for C."""
    if context is None:
        context = contextvars.copy_context()
    stepper = AsyncGeneratorStepper(agen, context)
    generator = _Aio.AsyncGenerator.new_stackless(stepper.step)
    events.wake_glib()
    return generator
