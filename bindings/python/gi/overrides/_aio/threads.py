# SPDX-License-Identifier: LGPL-2.1-or-later
"""Blocking work on aio-glib's worker threads from Python.

The C functions take an ``AioThreadFunc`` whose pointer result means
nothing to Python, so the callable's outcome travels beside it: the worker
keeps the return value (or the exception) in a cell and returns NULL, and
the coroutine awaiting the C future reads the cell.  Cancelling the
awaiting task cancels the C future, so the result is abandoned as
asyncio's ``to_thread()`` abandons it.
"""

import contextvars
import functools


def _job(func, args, kwargs):
    """Returns the ``AioThreadFunc`` for ``func`` and the cell it fills."""
    context = contextvars.copy_context()
    call = functools.partial(context.run, func, *args, **kwargs)
    cell = []

    def run(cancellable, _data):
        try:
            cell.append((True, call()))
        except BaseException as exc:  # noqa: B036 -- handed to the awaiter
            cell.append((False, exc))
        return None     # a NULL result: the outcome is in the cell

    return run, cell


async def _outcome(future, cell):
    await future
    ok, value = cell[0]
    if ok:
        return value
    try:
        raise value
    finally:
        del value


def bind(Aio):
    """Adds the Python forms of the executor API to ``Aio``'s classes."""
    c_to_thread = Aio.to_thread
    c_submit = Aio.Executor.submit
    c_run_in_executor = Aio.Loop.run_in_executor

    def to_thread(func, /, *args, **kwargs):
        """Runs ``func(*args, **kwargs)`` on the running loop's default executor.

        Like ``asyncio.to_thread()``: returns a coroutine for the result,
        with the caller's context variables; the loop stays free meanwhile.
        """
        run, cell = _job(func, args, kwargs)
        return _outcome(c_to_thread(run, None, None), cell)

    def submit(self, func, /, *args, **kwargs):
        """Runs ``func(*args, **kwargs)`` on one of this executor's threads.

        Returns a coroutine for the result, like awaiting the future of
        ``loop.run_in_executor(executor, ...)``.
        """
        run, cell = _job(func, args, kwargs)
        return _outcome(c_submit(self, run, None, None), cell)

    def run_in_executor(self, executor, func, *args):
        """Runs ``func(*args)`` on ``executor`` (``None``: the default).

        Like asyncio's ``loop.run_in_executor()``, with an ``Aio.Executor``.
        """
        run, cell = _job(func, args, {})
        return _outcome(c_run_in_executor(self, executor, run, None, None), cell)

    Aio.Executor.submit = submit
    Aio.Loop.run_in_executor = run_in_executor
    return to_thread
