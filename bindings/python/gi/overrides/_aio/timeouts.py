# SPDX-License-Identifier: LGPL-2.1-or-later
"""Timeout scopes: ``async with Aio.timeout(delay)``, as asyncio.timeout.

Split from api.py by concept, as asyncio's own modules are; api.bind()
gives every one of them the introspected namespace (api._Aio).
"""

import asyncio
import math

from gi.repository import GLib

from . import api
from .errors import translate_error


class _Timeout:
    """The context manager of :func:`timeout` and :func:`timeout_at`."""

    def __init__(self, delay=None, when=None):
        self._delay = delay
        self._when = when
        self._scope = None          # Aio.Timeout, in an Aio.Task
        self._asyncio_scope = None  # asyncio.Timeout, in an asyncio task

    async def __aenter__(self):
        if api._Aio.current_task() is not None:
            if self._when is not None:
                self._scope = api._Aio.Timeout.new_at(api._seconds(self._when))
            else:
                self._scope = api._Aio.Timeout.new(api._seconds(self._delay))
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
            self._scope.reschedule(api._seconds(when))


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
