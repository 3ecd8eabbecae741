# SPDX-License-Identifier: LGPL-2.1-or-later
"""``async with Aio.TaskGroup() as group``, as asyncio.TaskGroup.

Split from api.py by concept, as asyncio's own modules are; api.bind()
gives every one of them the introspected namespace (api._Aio).
"""

import asyncio
import builtins

from gi.repository import GLib

from . import api, futures, tasks
from .errors import translate_error


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
        added = api._Aio.TaskGroup.add_task(self, task)
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
        parent = asyncio.current_task() if api._Aio.current_task() is None \
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
            if error.matches(api._Aio.error_quark(), api._Aio.Error.MULTIPLE):
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
