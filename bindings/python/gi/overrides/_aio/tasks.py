# SPDX-License-Identifier: LGPL-2.1-or-later
"""Python coroutines running as ``Aio.Task``.

:func:`create_task` wraps a coroutine in a stackless ``Aio.Task``: aio-glib
calls :meth:`CoroutineStepper.step` to start the coroutine and each time
the future it awaits is done.  The task is an ordinary aio-glib task: C
code can await it, cancel it, put it in a task group, and
``Aio.all_tasks()`` lists it.

What the coroutine awaits becomes the task's next future:

- an ``Aio.Future`` (or ``Aio.Task``, or anything returning one): the C
  task waits for it directly;
- an asyncio future (``asyncio.sleep()``, an asyncio queue, an asyncio
  task): a bridge ``Aio.Future`` that finishes when the asyncio future is
  done, which needs asyncio running on the same context
  (``Aio.EventLoopPolicy``);
- a bare ``yield`` (``asyncio.sleep(0)``): ``Aio.sleep(0)``, one turn.

Cancellation reaches the coroutine as ``asyncio.CancelledError`` at its
current ``await``, as in asyncio; a coroutine may catch it, and a task
whose coroutine lets it escape ends cancelled.  An exception escaping the
coroutine fails the task: Python awaiters get the exception itself, C
sees ``AIO_ERROR_FAILED`` (or the ``GLib.Error`` itself).
"""

import asyncio
import contextvars

from gi.repository import GLib

from . import events, futures

__all__ = ['create_task', 'CoroutineStepper']

_get_running_loop = asyncio._get_running_loop
_CancelledError = asyncio.CancelledError
_enter_task = getattr(asyncio.tasks, '_enter_task', None)
_leave_task = getattr(asyncio.tasks, '_leave_task', None)

_Aio = None


def bind(aio_module):
    """Gives this module the introspected ``Aio`` namespace."""
    global _Aio
    _Aio = aio_module


def _cancelled_error(future):
    message = future.dup_error().message
    if message == futures._DEFAULT_CANCEL_MESSAGE:
        return _CancelledError()
    return _CancelledError(message)


class StepperBase:
    """What a stackless body running Python code waits for next.

    Shared by the bodies of tasks (:class:`CoroutineStepper`) and of async
    generators (``api.AsyncGeneratorStepper``).
    """

    __slots__ = ('asyncio_future', 'pending_exception')

    def __init__(self):
        self.asyncio_future = None     # what a bridge future stands for
        self.pending_exception = None  # thrown in at the next step

    def _next_future(self, yielded):
        """The ``Aio.Future`` to wait for, for what the coroutine yielded."""
        if isinstance(yielded, _Aio.Future):
            return yielded
        if yielded is None:
            return _Aio.sleep(0)
        if isinstance(yielded, futures.AsyncioWaiter):
            return yielded._future
        if getattr(yielded, '_asyncio_future_blocking', None) is not None:
            yielded._asyncio_future_blocking = False
            return self._bridge(yielded)
        self.pending_exception = RuntimeError(
            f'Task got bad yield: {yielded!r}')
        return _Aio.sleep(0)

    def _bridge(self, asyncio_future):
        """An ``Aio.Future`` that finishes with ``asyncio_future``.

        Only the fact that it is done matters: the coroutine reads the
        outcome from the asyncio future itself when it resumes.
        """
        loop = _Aio.Loop.get_running() or _Aio.Loop.get_thread_default()
        bridge = loop.create_future()

        def done(_, bridge=bridge):
            if not bridge.done():
                bridge.set_value(None)
        asyncio_future.add_done_callback(done)
        self.asyncio_future = asyncio_future
        return bridge

    def _drop_bridge(self):
        asyncio_future = self.asyncio_future
        if asyncio_future is not None:
            self.asyncio_future = None
            if not asyncio_future.done():
                asyncio_future.cancel()


class CoroutineStepper(StepperBase):
    """The stackless body of an ``Aio.Task`` running a Python coroutine."""

    __slots__ = ('coro', 'context')

    def __init__(self, coro, context):
        super().__init__()
        self.coro = coro
        self.context = context

    def step(self, task, awaited):
        """Runs the coroutine to its next ``await`` (``AioTaskStepFunc``)."""
        exception = self.pending_exception
        self.pending_exception = None
        if awaited is not None and awaited.cancelled():
            # The awaited future was cancelled, or the task was and aio-glib
            # stands a cancelled future in for the await: either way asyncio
            # raises CancelledError at the await.
            exception = _cancelled_error(awaited)
        self._drop_bridge()

        loop = _get_running_loop()
        entered = False
        if loop is not None and _enter_task is not None:
            # asyncio.current_task() is this task while it runs, so
            # asyncio.timeout() and friends work inside it.
            try:
                _enter_task(loop, task)
                entered = True
            except RuntimeError:
                pass
        previous = futures.state.stepping
        futures.state.stepping = task
        try:
            if exception is None:
                yielded = self.context.run(self.coro.send, None)
            else:
                yielded = self.context.run(self.coro.throw, exception)
        except StopIteration as stop:
            _return(task, stop.value)
            return None
        except _CancelledError as cancelled:
            task.return_error(futures.exception_to_gerror(cancelled))
            return None
        except GLib.Error as error:
            task.return_error(error)
            return None
        except (KeyboardInterrupt, SystemExit) as exc:
            self._fail(task, exc)
            if loop is not None:
                # Out of run_forever() on the loop's next turn, as asyncio.
                loop.call_soon(futures._reraise, exc)
            return None
        except BaseException as exc:
            self._fail(task, exc)
            return None
        finally:
            futures.state.stepping = previous
            if entered:
                _leave_task(loop, task)
        return self._next_future(yielded)

    @staticmethod
    def _fail(task, exception):
        futures.remember_exception(task, exception)
        task.return_error(futures.exception_to_gerror(exception))


def _return(task, value):
    """Sets the result ``task`` ends with, by a typed setter if one fits."""
    kind = type(value)
    if value is None:
        return
    if kind is int and futures._INT64_MIN <= value <= futures._INT64_MAX:
        task.return_int64(value)
    elif kind is str:
        task.return_string(value)
    elif kind is float:
        task.return_double(value)
    elif kind is bool:
        task.return_boolean(value)
    else:
        task.return_value(futures.to_gvalue(value))


def create_task(coro, *, name=None, loop=None, context=None):
    """Runs ``coro`` as an ``Aio.Task``, like asyncio's ``create_task()``.

    ``loop`` is an ``Aio.Loop`` (default: the running one, else the
    thread-default one), ``context`` the ``contextvars.Context`` the
    coroutine runs in (default: a copy of the current one).  The task
    starts on the loop's next turn.
    """
    if not asyncio.iscoroutine(coro):
        raise TypeError(f'a coroutine was expected, got {coro!r}')
    if context is None:
        context = contextvars.copy_context()
    stepper = CoroutineStepper(coro, context)
    # The closure form: no libffi trampoline per task (see futures).
    task = _Aio.Task.new_stackless_closure(loop, name, stepper.step)
    task.__dict__['_aio_coro'] = coro
    if task.get_loop().get_debug():
        # Debug reports and call graphs name the coroutine, as asyncio's
        # debug mode names where a task was created.
        code = coro.cr_code
        task.set_origin(f'{code.co_qualname}() at {code.co_filename}:{code.co_firstlineno}')
    events.wake_glib()
    return task
