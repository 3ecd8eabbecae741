# SPDX-License-Identifier: LGPL-2.1-or-later
"""Exceptions that are both an asyncio exception and a ``GLib.Error``.

A future that failed with one of aio-glib's errors raises, from
``result()`` and ``await``, an exception that ``except asyncio.QueueEmpty``
(or ``TimeoutError``, ``asyncio.BrokenBarrierError``,
``StopAsyncIteration``...) catches as well as ``except GLib.Error``, with
the original domain, code and message.  ``GLib.Error`` is itself a
``RuntimeError``, which is what asyncio raises for misuse such as
releasing a lock that is not held.
"""

import asyncio

from gi.repository import GLib

__all__ = [
    'bind', 'translate_error', 'QueueEmpty', 'QueueFull', 'QueueShutDown',
    'BrokenBarrierError', 'TimeoutError', 'StopAsyncIterationError',
    'TooManyReleases',
]

# asyncio 3.13 added QueueShutDown; older versions get a class of ours.
_QueueShutDownBase = getattr(asyncio, 'QueueShutDown', None)
if _QueueShutDownBase is None:
    class _QueueShutDownBase(Exception):
        """Raised by a queue that was shut down."""


def _dual(name, python_base, doc):
    """An exception class that is both ``python_base`` and ``GLib.Error``."""
    def __init__(self, message='', domain='aio-error-quark', code=0):
        GLib.Error.__init__(self, message, domain, code)

    def __str__(self):
        return self.message

    return type(name, (python_base, GLib.Error), {
        '__init__': __init__, '__str__': __str__, '__doc__': doc,
        '__module__': 'gi.repository.Aio'})


QueueEmpty = _dual('QueueEmpty', asyncio.QueueEmpty,
                   'A queue had no item to get (AIO_ERROR_QUEUE_EMPTY).')
QueueFull = _dual('QueueFull', asyncio.QueueFull,
                  'A queue had no room for an item (AIO_ERROR_QUEUE_FULL).')
QueueShutDown = _dual('QueueShutDown', _QueueShutDownBase,
                      'The queue was shut down (AIO_ERROR_QUEUE_SHUT_DOWN).')
BrokenBarrierError = _dual(
    'BrokenBarrierError', asyncio.BrokenBarrierError,
    'The barrier was reset or aborted (AIO_ERROR_BROKEN_BARRIER).')
TimeoutError = _dual('TimeoutError', asyncio.TimeoutError,
                     'The deadline passed (G_IO_ERROR_TIMED_OUT).')
StopAsyncIterationError = _dual(
    'StopAsyncIteration', StopAsyncIteration,
    'The async generator has no more values (AIO_ERROR_STOP_ITERATION).')
TooManyReleases = _dual(
    'TooManyReleases', ValueError,
    'A bounded semaphore was released too many times '
    '(AIO_ERROR_TOO_MANY_RELEASES).')

_translations = {}


def bind(aio_module, gio_module):
    """Fills the table of errors with an asyncio face."""
    aio_error = aio_module.error_quark()
    errors = aio_module.Error
    _translations.update({
        (aio_error, int(errors.QUEUE_EMPTY)): QueueEmpty,
        (aio_error, int(errors.QUEUE_FULL)): QueueFull,
        (aio_error, int(errors.QUEUE_SHUT_DOWN)): QueueShutDown,
        (aio_error, int(errors.BROKEN_BARRIER)): BrokenBarrierError,
        (aio_error, int(errors.TOO_MANY_RELEASES)): TooManyReleases,
        (aio_error, int(errors.STOP_ITERATION)): StopAsyncIterationError,
        (gio_module.io_error_quark(), int(gio_module.IOErrorEnum.TIMED_OUT)):
            TimeoutError,
    })


def translate_error(error):
    """The two-faced exception for a ``GLib.Error``, or the error itself."""
    if type(error) is not GLib.Error:
        return error
    translation = _translations.get((GLib.quark_from_string(error.domain),
                                     error.code))
    if translation is None:
        return error
    return translation(error.message, error.domain, error.code)
