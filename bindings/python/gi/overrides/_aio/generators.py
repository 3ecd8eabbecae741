# SPDX-License-Identifier: LGPL-2.1-or-later
"""Async generators as ``Aio.AsyncGenerator``: ``async for`` in both directions.

Split from api.py by concept, as asyncio's own modules are; api.bind()
gives every one of them the introspected namespace (api._Aio).
"""

import contextvars


from . import api, events, futures, tasks
from .queues import _queue_value


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
    generator = api._Aio.AsyncGenerator.new_stackless(stepper.step)
    events.wake_glib()
    return generator
