# SPDX-License-Identifier: LGPL-2.1-or-later
"""The asyncio face of ``Aio.Future``.

``FutureMethods`` is mixed into the ``Aio.Future`` override: ``await``,
``result()``, ``exception()``, ``add_done_callback()`` and the rest of
asyncio's future API, on top of the typed C API, which stays available.

An asyncio task that awaits an ``Aio.Future`` receives an
:class:`AsyncioWaiter`, a small stand-in speaking asyncio's future
protocol; no asyncio future is created per await, and cancelling the
asyncio task cancels the aio-glib future through it.  A Python coroutine
running as an ``Aio.Task`` (see ``tasks``) receives the ``Aio.Future``
itself, which its C task then waits for.

Results cross the boundary as ``GValue``: see :func:`to_gvalue` and
:func:`from_gvalue`.
"""

import asyncio
import contextvars
import sys
import threading
import traceback

from gi.repository import GLib, GObject

from . import errors, events

__all__ = [
    'FutureMethods',
    'AsyncioWaiter',
    'to_gvalue',
    'from_gvalue',
    'cancelled_gerror',
    'exception_to_gerror',
    'state',
    'describe_state',
]

_get_running_loop = asyncio._get_running_loop
_current_task = asyncio.current_task
_CancelledError = asyncio.CancelledError
_InvalidStateError = asyncio.InvalidStateError

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1

# The message aio-glib gives a cancellation without one: asyncio leaves
# CancelledError without arguments then.
_DEFAULT_CANCEL_MESSAGE = 'Operation was cancelled'

# Set once Aio is loaded (the override passes the introspection module).
_Aio = None
_Gio = None


# Whether PyGObject returns get_value()'s boolean with the value.
_value_in_tuple = True

# aio_future_add_done_closure(): a GClosure costs PyGObject less than a
# callback argument, which needs a libffi trampoline per call (and leaks
# part of it on PyGObject 3.42).
_add_done_closure = None


def bind(aio_module, gio_module):
    """Gives this module the introspected ``Aio`` and ``Gio`` namespaces."""
    global _Aio, _Gio, _value_in_tuple, _add_done_closure
    _Aio = aio_module
    _Gio = gio_module
    _add_done_closure = aio_module.Future.add_done_closure
    probe = aio_module.Future.new()
    probe.set_value(GObject.Value(GObject.TYPE_INT64, 7))
    _value_in_tuple = isinstance(aio_module.Future.get_value(probe), tuple)


class _ThreadState(threading.local):
    # The Aio.Task whose Python coroutine is being stepped on this thread;
    # an ``await`` on an Aio.Future then hands the future to that task.
    stepping = None


state = _ThreadState()


# -- values ------------------------------------------------------------------

def to_gvalue(value):
    """Converts a Python result to the ``GValue`` an ``Aio.Future`` stores.

    ``None`` is no value; ``bool``, ``int`` (within 64 bits), ``float`` and
    ``str`` become ``gboolean``, ``gint64``, ``gdouble`` and ``gchararray``
    so that C reads them with the typed getters; ``bytes`` become
    ``GBytes``; GObjects, variants, boxed values, enums and flags keep
    their own type.  Anything else is stored as a ``PyObject`` that comes
    back to Python unchanged.  A ``GObject.Value`` is used as is.
    """
    kind = type(value)
    if kind is bool:
        return GObject.Value(GObject.TYPE_BOOLEAN, value)
    if kind is int:
        if _INT64_MIN <= value <= _INT64_MAX:
            return GObject.Value(GObject.TYPE_INT64, value)
        return GObject.Value(GObject.TYPE_PYOBJECT, value)
    if kind is str:
        return GObject.Value(GObject.TYPE_STRING, value)
    if kind is float:
        return GObject.Value(GObject.TYPE_DOUBLE, value)
    if value is None or kind is GObject.Value:
        return value
    if kind is bytes:
        return GObject.Value(GLib.Bytes.__gtype__, GLib.Bytes.new(value))
    if isinstance(value, (GObject.Object, GLib.Variant, GObject.GEnum,
                          GObject.GFlags, GObject.GBoxed)):
        return GObject.Value(value.__gtype__, value)
    return GObject.Value(GObject.TYPE_PYOBJECT, value)


def from_gvalue(value):
    """Converts what PyGObject made of a result ``GValue`` to Python.

    PyGObject already unpacks most types; ``GBytes`` become ``bytes``, the
    counterpart of :func:`to_gvalue`.
    """
    if type(value) is GLib.Bytes:
        return value.get_data()
    return value


def _own_result(value):
    """A result ``get_value()`` gave, safe to keep after the future goes.

    PyGObject wraps a boxed value of an out ``GValue`` without taking a
    reference of its own: the wrapper points at the future's copy and would
    dangle once the future is freed.  A boxed result is therefore copied
    (a new reference, for the reference-counted types futures carry, such
    as ``Aio.Datagram``); ``GBytes`` become ``bytes``.
    """
    if type(value) is GLib.Bytes:
        return value.get_data()
    if isinstance(value, GObject.GBoxed):
        return value.copy()
    return value


# -- errors ------------------------------------------------------------------

def cancelled_gerror(message=None):
    """The ``GError`` of a cancellation, ``G_IO_ERROR_CANCELLED``."""
    return GLib.Error.new_literal(
        _Gio.io_error_quark(),
        _DEFAULT_CANCEL_MESSAGE if message is None else str(message),
        int(_Gio.IOErrorEnum.CANCELLED))


def exception_to_gerror(exception):
    """The ``GError`` that stands for a Python exception on the C side.

    ``GLib.Error`` passes as is; ``CancelledError`` becomes the cancellation
    error; any other exception becomes ``AIO_ERROR_FAILED`` with the
    exception's type and message, while Python awaiters get the exception
    itself (see :func:`remember_exception`).
    """
    if isinstance(exception, GLib.Error):
        return exception
    if isinstance(exception, _CancelledError):
        return cancelled_gerror(exception.args[0] if exception.args else None)
    text = str(exception)
    name = type(exception).__qualname__
    return GLib.Error.new_literal(_Aio.error_quark(),
                                  f'{name}: {text}' if text else name,
                                  int(_Aio.Error.FAILED))


def remember_exception(future, exception):
    """Keeps the Python exception a future failed with, for Python awaiters."""
    future.__dict__['_aio_exception'] = exception


def _cancelled_error(error):
    message = error.message
    if message == _DEFAULT_CANCEL_MESSAGE:
        return _CancelledError()
    return _CancelledError(message)


def _exception_from_gerror(future, error):
    """What ``result()`` raises for the ``GError`` ``get_value()`` raised."""
    remembered = future.__dict__.get('_aio_exception')
    if remembered is not None:
        return remembered
    if future.cancelled():
        return _cancelled_error(error)
    if not future.done():
        return _InvalidStateError('Result is not set.')
    return errors.translate_error(error)


# -- done callbacks ----------------------------------------------------------

def _report(loop, message, exception, future):
    """Reports an exception a done callback raised, as asyncio would."""
    if loop is not None:
        loop.call_exception_handler(
            {'message': message, 'exception': exception, 'future': future})
        return
    print(message, file=sys.stderr)
    traceback.print_exception(type(exception), exception,
                              exception.__traceback__, file=sys.stderr)


def _reraise(exception):
    raise exception


def _run_done_callbacks(future):
    """Runs the Python done callbacks of ``future``; called once by aio-glib.

    aio-glib already schedules this on the future's loop after the future
    is done, as asyncio schedules its callbacks, so the callbacks run here
    directly.  Inside a running asyncio task (someone iterated the context
    from asyncio code) they go through ``call_soon()`` instead, because an
    asyncio task cannot be stepped from inside another one.
    """
    callbacks = future.__dict__.pop('_aio_callbacks', None)
    if not callbacks:
        return
    loop = _get_running_loop()
    defer = loop is not None and _current_task(loop) is not None
    for callback, context, argument in callbacks:
        if argument is None:
            argument = future
        if defer:
            loop.call_soon(callback, argument, context=context)
            continue
        try:
            context.run(callback, argument)
        except (SystemExit, KeyboardInterrupt) as exc:
            if loop is None:
                raise
            # Raised from the loop's next turn, out of run_forever().
            loop.call_soon(_reraise, exc)
        except BaseException as exc:
            _report(loop, f'Exception in callback {callback!r} of {future!r}',
                    exc, future)


def _callbacks_of(future):
    """The Python callbacks of ``future``; registers with C on first use."""
    callbacks = future.__dict__.get('_aio_callbacks')
    if callbacks is None:
        callbacks = future.__dict__['_aio_callbacks'] = []
        _add_done_closure(future, _run_done_callbacks)
    return callbacks


def describe_state(future):
    """``pending``, ``cancelled``, ``finished`` or ``failed: <message>``."""
    if not future.done():
        return 'pending'
    if future.cancelled():
        return 'cancelled'
    try:
        future.propagate()
    except GLib.Error as error:
        return f'failed: {error.message}'
    return 'finished'


# -- awaiting from asyncio ----------------------------------------------------

class AsyncioWaiter:
    """What an ``Aio.Future`` yields to the asyncio task awaiting it.

    It speaks asyncio's future protocol (``_asyncio_future_blocking``,
    ``get_loop()``, ``add_done_callback()``, ``cancel()``...), forwarding to
    the ``Aio.Future``: the task is woken by the future's done callback, and
    cancelling the task cancels the future.  ``Aio.Future.get_loop()``
    returns its ``Aio.Loop``, which is why the future itself cannot be
    yielded to asyncio.
    """

    __slots__ = ('_future', '_loop', '_threadsafe', '_outcome',
                 '_asyncio_future_blocking')

    def __init__(self, future, loop, threadsafe=False):
        self._future = future
        self._loop = loop
        self._threadsafe = threadsafe
        self._outcome = None    # (value, exception) once read
        self._asyncio_future_blocking = True

    def get_loop(self):
        return self._loop

    def add_done_callback(self, fn, *, context=None):
        if context is None:
            context = contextvars.copy_context()
        if not self._threadsafe:
            # The task's wake-up gets this waiter, whose result() reads
            # the future once for both the wake-up and the await.
            _callbacks_of(self._future).append((fn, context, self))
            return
        # The future completes on another thread's loop, which runs this
        # C callback; it hands the call over to ours.  One C registration
        # per callback: the Python list of the future is not shared
        # across threads.
        loop = self._loop

        def hand_over(future):
            loop.call_soon_threadsafe(fn, future, context=context)
        _add_done_closure(self._future, hand_over)

    def remove_done_callback(self, fn):
        return self._future.remove_done_callback(fn)

    def cancel(self, msg=None):
        return self._future.cancel(msg)

    def cancelled(self):
        return self._future.cancelled()

    def done(self):
        return self._future.done()

    def _read_outcome(self):
        outcome = self._outcome
        if outcome is None:
            try:
                outcome = (self._future.result(), None)
            except _InvalidStateError:
                raise
            except BaseException as exc:
                outcome = (None, exc)
            self._outcome = outcome
        return outcome

    def result(self):
        value, exception = self._read_outcome()
        if exception is not None:
            raise exception
        return value

    def exception(self):
        exception = self._read_outcome()[1]
        if isinstance(exception, _CancelledError):
            raise exception
        return exception

    def __repr__(self):
        return f'<AsyncioWaiter for {self._future!r}>'


_NO_LOOP_MESSAGE = (
    'awaiting an Aio.Future needs a running event loop that runs its '
    'GLib.MainContext: run the coroutine with Aio.run(), or install '
    'Aio.EventLoopPolicy() with asyncio.set_event_loop_policy()')


def _wrong_loop_message(loop):
    return (
        f'this Aio.Future completes on a GLib.MainContext that the running '
        f'event loop {type(loop).__name__} does not run, so awaiting it here '
        f'would never return. Run asyncio on GLib: use Aio.run() instead of '
        f'asyncio.run(), or asyncio.set_event_loop_policy('
        f'Aio.EventLoopPolicy()) before creating the loop, or '
        f'asyncio.run(main(), loop_factory=Aio.new_event_loop)')


def _waiter_for(future, loop):
    """Checks that ``loop`` will see ``future`` complete; returns a waiter."""
    aio_loop = future.get_loop()
    if getattr(loop, '_aio_loop', None) is aio_loop:
        return AsyncioWaiter(future, loop)
    context = aio_loop.get_context()
    if context is None:
        raise RuntimeError('this Aio.Future belongs to a loop whose '
                           'GLib.MainContext was destroyed')
    loop_context = getattr(loop, '_context', None)
    if loop_context is not None and \
            hash(loop_context) == hash(context):
        # Remember it: the next await on this loop takes the line above.
        loop._aio_loop = aio_loop
        return AsyncioWaiter(future, loop)
    if events.loop_runs_context(loop, context):
        # Another thread runs the future's context.
        return AsyncioWaiter(future, loop, threadsafe=True)
    raise RuntimeError(_wrong_loop_message(loop))


class FutureMethods:
    """asyncio's future API on ``Aio.Future`` (mixed into the override)."""

    def __await__(self):
        if not self.done():
            if state.stepping is not None:
                # A Python coroutine run as an Aio.Task: its C task waits.
                yield self
            else:
                loop = _get_running_loop()
                if loop is None:
                    raise RuntimeError(_NO_LOOP_MESSAGE)
                waiter = _waiter_for(self, loop)
                yield waiter
                return waiter.result()
        return self.result()

    __iter__ = __await__

    def result(self):
        """Returns the result or raises the error, as asyncio's ``result()``.

        A cancelled future raises ``asyncio.CancelledError``, a failed one
        the ``GLib.Error`` it failed with (or, for a Python task, the
        original exception), a pending one ``asyncio.InvalidStateError``.
        """
        try:
            value = self.get_value()
        except GLib.Error as error:
            raise _exception_from_gerror(self, error) from None
        except TypeError:
            # PyGObject cannot convert the unset GValue of a result
            # without a value.
            if self.get_value_type() == GObject.TYPE_INVALID:
                return None
            raise
        if _value_in_tuple:
            value = value[1]
        return _own_result(value)

    def exception(self):
        """Returns the exception the future failed with, or ``None``.

        Raises ``asyncio.CancelledError`` if it was cancelled and
        ``asyncio.InvalidStateError`` if it is pending.
        """
        try:
            self.propagate()
        except GLib.Error as error:
            exception = _exception_from_gerror(self, error)
            if isinstance(exception, (_CancelledError, _InvalidStateError)):
                raise exception from None
            return exception
        return None

    def add_done_callback(self, fn, *, context=None):
        """Calls ``fn(future)`` on the future's loop once it is done.

        As in asyncio, callbacks are scheduled, never called from
        ``set_result()`` itself, and run in ``context`` (by default a copy
        of the current one).
        """
        if context is None:
            context = contextvars.copy_context()
        _callbacks_of(self).append((fn, context, None))

    def remove_done_callback(self, fn):
        """Removes every registration of ``fn``; returns how many."""
        callbacks = self.__dict__.get('_aio_callbacks')
        if not callbacks:
            return 0
        kept = [entry for entry in callbacks if entry[0] != fn]
        removed = len(callbacks) - len(kept)
        callbacks[:] = kept
        return removed

    def cancel(self, msg=None):
        """Requests cancellation; ``True`` if the future was pending."""
        if _Aio.Future.cancel(self, msg):
            events.wake_glib()
            return True
        return False

    def set_result(self, result):
        """Finishes the future with ``result``, converted by :func:`to_gvalue`.

        Raises ``asyncio.InvalidStateError`` if it is already done.
        """
        kind = type(result)
        try:
            # The typed setters skip building a GObject.Value in Python.
            if kind is int and _INT64_MIN <= result <= _INT64_MAX:
                self.set_int64(result)
            elif kind is str:
                self.set_string(result)
            elif kind is float:
                self.set_double(result)
            elif kind is bool:
                self.set_boolean(result)
            else:
                self.set_value(to_gvalue(result))
        except GLib.Error as error:
            raise _InvalidStateError(error.message) from None
        events.wake_glib()

    def set_exception(self, exception):
        """Makes the future fail with ``exception``.

        A ``GLib.Error`` is stored as is; another exception is stored as an
        ``AIO_ERROR_FAILED`` error for C, while Python code gets the
        exception itself back.  Raises ``asyncio.InvalidStateError`` if the
        future is done.
        """
        if isinstance(exception, type):
            exception = exception()
        if isinstance(exception, StopIteration):
            raise TypeError('StopIteration interacts badly with generators '
                            'and cannot be raised into a Future')
        if self.done():
            raise _InvalidStateError(f'invalid state: {self!r} is done')
        if not isinstance(exception, GLib.Error):
            remember_exception(self, exception)
        try:
            self.set_error(exception_to_gerror(exception))
        except GLib.Error as error:
            self.__dict__.pop('_aio_exception', None)
            raise _InvalidStateError(error.message) from None
        events.wake_glib()

    def get_coro(self):
        """The coroutine of a Python task, ``None`` for other futures."""
        return self.__dict__.get('_aio_coro')

    def __repr__(self):
        return f'<{type(self).__name__} {describe_state(self)}>'
