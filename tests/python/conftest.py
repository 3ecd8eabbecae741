# SPDX-License-Identifier: LGPL-2.1-or-later
"""Fixtures shared by the tests of the Aio override."""

import asyncio
import gc
import warnings

import gi
import pytest

gi.require_version('Aio', '1')
gi.require_version('AioTest', '1')
from gi.repository import Aio, AioTest, GLib  # noqa: E402


def _drain_default_context():
    context = GLib.MainContext.default()
    while context.pending():
        context.iteration(False)


@pytest.fixture(autouse=True)
def clean_asyncio_state():
    """Each test starts and ends with asyncio's default policy and no loop."""
    asyncio.set_event_loop_policy(None)
    yield
    asyncio.set_event_loop_policy(None)
    _drain_default_context()
    gc.collect()


@pytest.fixture
def policy():
    """Installs Aio.EventLoopPolicy for the test."""
    installed = Aio.install()
    yield installed
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)
        loop = installed._local._loop
    if loop is not None and not loop.is_closed():
        loop.close()


@pytest.fixture
def loop():
    """A GLib event loop on the default context, closed afterwards."""
    event_loop = Aio.new_event_loop()
    yield event_loop
    if not event_loop.is_closed():
        event_loop.close()


@pytest.fixture
def aio_test():
    """The AioTest-1 helper namespace: C coroutine tasks."""
    return AioTest


def _run_in_asyncio(make_coro):
    return Aio.run(make_coro())


def _run_in_aio_task(make_coro):
    task = Aio.create_task(make_coro())
    try:
        Aio.Loop.get_default().run_until_complete(task)
    except GLib.Error:
        pass
    return task.result()


@pytest.fixture(params=['asyncio', 'aio-task'])
def run(request):
    """Runs a coroutine function's coroutine to its result twice over: in
    an asyncio task on Aio's GLib loop, and as an Aio.Task on aio-glib's
    loop alone.
    """
    return _run_in_asyncio if request.param == 'asyncio' else _run_in_aio_task
