# SPDX-License-Identifier: LGPL-2.1-or-later
"""PyGObject override for aio-glib (``from gi.repository import Aio``).

It gives aio-glib's futures and tasks asyncio's Python face:

- ``await`` on any ``Aio.Future`` or ``Aio.Task`` returns its result as a
  Python object, raises its ``GLib.Error`` (or ``asyncio.CancelledError``
  when it was cancelled); cancelling the awaiting asyncio task cancels it;
- ``Aio.EventLoopPolicy``, ``Aio.EventLoop`` and ``Aio.run()`` run asyncio on
  the thread-default ``GLib.MainContext``, so asyncio, GTK and aio-glib
  share one thread and one loop;
- ``Aio.create_task()`` runs a Python coroutine as an ``Aio.Task`` that C
  code can await and cancel;
- GIO ``*_async`` calls made without a callback return awaitable futures.

The typed C API (``set_int()``, ``get_string()``...) stays as it is.  See
``docs/python.md`` for the guide.
"""

from gi.repository import GLib, Gio

from ..module import get_introspection_module
from ..overrides import override
from ._aio import api, errors, events, futures, gio, streams, tasks, threads

Aio = get_introspection_module('Aio')

__all__ = []

futures.bind(Aio, Gio)
tasks.bind(Aio)
api.bind(Aio, Gio)
streams.bind(Aio)
to_thread = threads.bind(Aio)


class Future(futures.FutureMethods, Aio.Future):
    """An aio-glib future, awaitable from Python with asyncio's API.

    Besides the C methods, it has ``result()``, ``exception()``,
    ``set_result()``, ``set_exception()``, ``add_done_callback(fn, *,
    context=None)``, ``remove_done_callback()`` and ``cancel(msg=None)``
    as in ``asyncio.Future``.  ``get_loop()`` returns its ``Aio.Loop``.
    """


Future = override(Future)
__all__.append('Future')


class Task(Aio.Task):
    """An aio-glib task: a C coroutine or a Python coroutine.

    Awaitable like any ``Aio.Future``; ``cancel()``, ``uncancel()``,
    ``cancelling()``, ``get_name()`` and ``set_name()`` follow asyncio.
    ``get_coro()`` returns the coroutine of a task made by
    :func:`create_task`.
    """

    def cancel(self, msg=None):
        """Requests cancellation; delivered at the task's current await."""
        if Aio.Task.cancel(self, msg):
            events.wake_glib()
            return True
        return False

    def __repr__(self):
        return f'<Aio.Task {self.get_name()!r} {futures.describe_state(self)}>'


Task = override(Task)
__all__.append('Task')


class Loop(Aio.Loop):
    """The aio-glib loop of a ``GLib.MainContext``."""

    def create_task(self, coro, *, name=None, context=None):
        """Runs the coroutine ``coro`` as an ``Aio.Task`` of this loop."""
        return tasks.create_task(coro, name=name, loop=self, context=context)


Loop = override(Loop)
__all__.append('Loop')


def create_task(coro, *, name=None, loop=None, context=None):
    """Runs the coroutine ``coro`` as an ``Aio.Task``.

    Like ``asyncio.create_task()``.

    The task runs on ``loop`` (an ``Aio.Loop``; default: the running one,
    else the thread-default one) and can be awaited from Python or C,
    cancelled from either, and added to an aio-glib task group.
    """
    enable_gio_await()
    return tasks.create_task(coro, name=name, loop=loop, context=context)


ensure_future = api.ensure_future


def sleep(seconds):
    """Returns an ``Aio.Future`` that finishes after ``seconds``.

    Like ``asyncio.sleep()``.

    ``await Aio.sleep(0)`` lets other ready work run, as a bare
    ``await asyncio.sleep(0)`` does.
    """
    future = Aio.sleep(seconds)
    if seconds <= 0:
        events.wake_glib()
    return future


__all__ += ['create_task', 'ensure_future', 'sleep', 'to_thread']

# Structured concurrency, with asyncio's names.
gather = api.gather
wait = api.wait
wait_for = api.wait_for
shield = api.shield
as_completed = api.as_completed
timeout = api.timeout
timeout_at = api.timeout_at
FIRST_COMPLETED = api.FIRST_COMPLETED
FIRST_EXCEPTION = api.FIRST_EXCEPTION
ALL_COMPLETED = api.ALL_COMPLETED
__all__ += ['gather', 'wait', 'wait_for', 'shield', 'as_completed', 'timeout',
            'timeout_at', 'FIRST_COMPLETED', 'FIRST_EXCEPTION',
            'ALL_COMPLETED']

# Exceptions that are both the asyncio exception and a GLib.Error.
QueueEmpty = errors.QueueEmpty
QueueFull = errors.QueueFull
QueueShutDown = errors.QueueShutDown
BrokenBarrierError = errors.BrokenBarrierError
TimeoutError = errors.TimeoutError
__all__ += ['QueueEmpty', 'QueueFull', 'QueueShutDown', 'BrokenBarrierError',
            'TimeoutError']


class TaskGroup(api.TaskGroupMethods, Aio.TaskGroup):
    """``async with Aio.TaskGroup() as group:``, asyncio's ``TaskGroup``."""

    def __new__(cls):
        return Aio.TaskGroup.new()

    def __init__(self):
        pass


TaskGroup = override(TaskGroup)
__all__.append('TaskGroup')


class Lock(api.LockMethods, Aio.Lock):
    """asyncio's ``Lock``: ``async with lock:`` or ``await lock.acquire()``."""

    def __new__(cls):
        return Aio.Lock.new()

    def __init__(self):
        pass


Lock = override(Lock)
__all__.append('Lock')


class Event(Aio.Event):
    """asyncio's ``Event``, with ``set()``, ``is_set()`` and ``wait()``."""

    def __new__(cls):
        return Aio.Event.new()

    def __init__(self):
        pass


Event = override(Event)
__all__.append('Event')


class Condition(api.ConditionMethods, Aio.Condition):
    """asyncio's ``Condition``, on ``lock`` or a new ``Aio.Lock``."""

    def __new__(cls, lock=None):
        return Aio.Condition.new(lock)

    def __init__(self, lock=None):
        pass


Condition = override(Condition)
__all__.append('Condition')


class Semaphore(api.SemaphoreMethods, Aio.Semaphore):
    """asyncio's ``Semaphore`` with ``value`` permits."""

    def __new__(cls, value=1):
        if value < 0:
            raise ValueError('Semaphore initial value must be >= 0')
        return Aio.Semaphore.new(value)

    def __init__(self, value=1):
        pass


Semaphore = override(Semaphore)
__all__.append('Semaphore')


class BoundedSemaphore(Aio.BoundedSemaphore):
    """asyncio's ``BoundedSemaphore``: extra releases raise ``ValueError``."""

    def __new__(cls, value=1):
        if value < 0:
            raise ValueError('Semaphore initial value must be >= 0')
        return Aio.BoundedSemaphore.new(value)

    def __init__(self, value=1):
        pass


BoundedSemaphore = override(BoundedSemaphore)
__all__.append('BoundedSemaphore')


class Barrier(api.BarrierMethods, Aio.Barrier):
    """asyncio's ``Barrier`` for ``parties`` tasks."""

    def __new__(cls, parties):
        if parties < 1:
            raise ValueError('parties must be > 0')
        return Aio.Barrier.new(parties)

    def __init__(self, parties):
        pass


Barrier = override(Barrier)
__all__.append('Barrier')


class Queue(api.QueueMethods, Aio.Queue):
    """asyncio's ``Queue`` (FIFO); items are any Python objects.

    ``put()`` and ``get()`` return awaitables; C code sees the items as
    ``GValue`` (see ``Aio.Future.set_result()`` for the types).
    """

    def __new__(cls, maxsize=0):
        return Aio.Queue.new(maxsize)

    def __init__(self, maxsize=0):
        pass


Queue = override(Queue)


def LifoQueue(maxsize=0):
    """A last-in, first-out ``Aio.Queue``, asyncio's ``LifoQueue``."""
    return Aio.Queue.new_lifo(maxsize)


def PriorityQueue(maxsize=0):
    """An ``Aio.Queue`` handing out the smallest item first.

    asyncio's ``PriorityQueue``: items are compared with ``<``.
    """
    return api.new_priority_queue(maxsize)


__all__ += ['Queue', 'LifoQueue', 'PriorityQueue']


class AsyncGenerator(api.AsyncGeneratorMethods, Aio.AsyncGenerator):
    """An aio-glib async generator: ``async for value in generator:``."""


AsyncGenerator = override(AsyncGenerator)
async_generator = api.async_generator
__all__ += ['AsyncGenerator', 'async_generator']

# Streams and UDP, with asyncio's shapes.
open_connection = streams.open_connection
open_unix_connection = streams.open_unix_connection
start_server = streams.start_server
start_unix_server = streams.start_unix_server
create_datagram_endpoint = streams.create_datagram_endpoint

__all__ += ['open_connection', 'open_unix_connection', 'start_server',
            'start_unix_server', 'create_datagram_endpoint']


class StreamReader(streams.StreamReaderMethods, Aio.StreamReader):
    """asyncio's ``StreamReader``: ``read()``, ``readline()``,
    ``readexactly()``, ``readuntil()``, ``at_eof()``.
    """


StreamReader = override(StreamReader)
__all__.append('StreamReader')


class DatagramEndpoint(streams.DatagramEndpointMethods, Aio.DatagramEndpoint):
    """A UDP endpoint: ``sendto(data, addr)``, ``await recvfrom()``."""


DatagramEndpoint = override(DatagramEndpoint)
__all__.append('DatagramEndpoint')


# asyncio on GLib
EventLoop = events.GLibEventLoop
EventLoopPolicy = events.EventLoopPolicy
ChildWatcher = events.ChildWatcher
new_event_loop = events.new_event_loop
install = events.install
run = events.run
__all__ += ['EventLoop', 'EventLoopPolicy', 'ChildWatcher', 'new_event_loop',
            'install', 'run']



def enable_gio_await():
    """Makes GIO ``*_async`` methods awaitable when called without a callback.

    Until this is called, importing ``Aio`` changes nothing in PyGObject or
    in other namespaces.  ``Aio.run()``, ``Aio.install()``,
    ``Aio.new_event_loop()`` and ``Aio.create_task()`` call it, so code that
    uses them awaits GIO without asking; call it yourself to await GIO from
    another asyncio loop.  It wraps the ``*_async`` methods (and functions)
    that have a ``_finish`` partner, in every namespace, once; calling it
    again does nothing.
    """
    gio.install(Gio)


events.on_new_loop = enable_gio_await
__all__.append('enable_gio_await')

# GLib.MainLoop.run() and Gio.Application.run() drive asyncio under
# Aio.EventLoopPolicy (PyGObject 3.50 does the latter itself): hooked in
# when the first policy is made.
events.on_new_policy = lambda: events.install_run_hooks(GLib, Gio)
