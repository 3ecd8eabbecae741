# SPDX-License-Identifier: LGPL-2.1-or-later
"""PyGObject's own asyncio loop (gi.events, 3.50+) and Aio's together.

Run on PyGObject 3.50.2 by `./tools/test --pygobject=vendor` (CI step 7);
on 3.42, which has no gi.events, only the policy-independent checks run.
"""

import asyncio

import gi
import pytest
from gi.repository import Aio, Gio, GLib

HAS_GI_EVENTS = gi.version_info >= (3, 50)
needs_gi_events = pytest.mark.skipif(
    not HAS_GI_EVENTS, reason='gi.events is PyGObject 3.50+; CI runs this on 3.50.2')


def _policies():
    policies = [('aio', Aio.EventLoopPolicy)]
    if HAS_GI_EVENTS:
        from gi.events import GLibEventLoopPolicy
        policies.append(('gi.events', GLibEventLoopPolicy))
    return policies


def _run(policy_class, coroutine):
    # gi.events' loop of the main thread runs the default context; it is
    # the policy's to make, so not asyncio.run(), whose new loop gi.events
    # refuses to attach: the way PyGObject documents, for both policies.
    policy = policy_class()
    asyncio.set_event_loop_policy(policy)
    loop = policy.get_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()
        asyncio.set_event_loop_policy(None)


@pytest.mark.parametrize('name,policy_class', _policies())
def test_aio_futures_and_tasks_under_either_loop(name, policy_class):
    async def main():
        # An Aio future, an Aio sleep and an asyncio task, side by side.
        future = Aio.Loop.get_default().create_future()
        GLib.timeout_add(5, lambda: future.set_string('from GLib') and False)
        slept = await Aio.sleep(0.01)
        helper = asyncio.ensure_future(asyncio.sleep(0.005, result='asyncio'))
        return await future, slept, await helper

    value, slept, helper = _run(policy_class, main())
    assert value == 'from GLib' and helper == 'asyncio'
    assert slept in (None, True)


@pytest.mark.parametrize('name,policy_class', _policies())
def test_gio_await_gives_the_same_results(name, policy_class, tmp_path):
    path = tmp_path / 'data.txt'
    path.write_bytes(b'same on every version')

    async def main():
        gfile = Gio.File.new_for_path(str(path))
        ok, contents, _etag = await gfile.load_contents_async(None)
        missing = Gio.File.new_for_path(str(tmp_path / 'missing'))
        with pytest.raises(GLib.Error) as raised:
            await missing.load_contents_async(None)
        return ok, contents, raised.value

    ok, contents, error = _run(policy_class, main())
    assert ok and contents == b'same on every version'
    assert error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_FOUND)


@pytest.mark.parametrize('name,policy_class', _policies())
def test_wait_for_cancels_the_gio_call(name, policy_class):
    """A timed-out await of a GIO call cancels its Gio.Cancellable."""
    listener = Gio.SocketListener()
    listener.add_any_inet_port(None)
    cancellable = Gio.Cancellable()

    async def main():
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(listener.accept_async(cancellable), 0.05)
        # Let GIO report the cancellation before the loop goes.
        await asyncio.sleep(0.01)

    _run(policy_class, main())
    assert cancellable.is_cancelled()
    listener.close()


@needs_gi_events
def test_aio_policy_is_a_gi_events_policy():
    from gi.events import GLibEventLoopPolicy
    assert isinstance(Aio.EventLoopPolicy(), GLibEventLoopPolicy)


@needs_gi_events
def test_aio_task_awaited_under_gi_events():
    """A coroutine run as an Aio.Task, awaited from an asyncio task of
    PyGObject's own loop."""
    async def inner():
        await Aio.sleep(0.005)
        return 42

    async def main():
        task = Aio.create_task(inner())
        return await task

    from gi.events import GLibEventLoopPolicy
    assert _run(GLibEventLoopPolicy, main()) == 42


def test_asyncio_run_under_the_aio_policy():
    """The table in docs/python.md: asyncio.run() works under
    Aio.EventLoopPolicy on every version (gi.events' own refuses it)."""
    async def main():
        await Aio.sleep(0.001)
        return gi.__version__

    asyncio.set_event_loop_policy(Aio.EventLoopPolicy())
    try:
        assert asyncio.run(main()) == gi.__version__
    finally:
        asyncio.set_event_loop_policy(None)


@pytest.mark.parametrize('name,policy_class', _policies())
def test_task_cancel_and_gather_of_gio_calls(name, policy_class, tmp_path):
    """What PyGObject 3.50's own awaitables lack on Python 3.11, given by
    the override on every version: a task's cancel() stops the GIO call,
    and gather() takes the calls."""
    listener = Gio.SocketListener()
    listener.add_any_inet_port(None)
    cancellable = Gio.Cancellable()
    path = tmp_path / 'x.txt'
    path.write_bytes(b'x')

    async def main():
        task = asyncio.ensure_future(listener.accept_async(cancellable))
        await asyncio.sleep(0.01)
        assert task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        gfile = Gio.File.new_for_path(str(path))
        results = await asyncio.gather(gfile.load_contents_async(None),
                                       gfile.load_contents_async(None))
        await asyncio.sleep(0.01)
        return [contents for _ok, contents, _etag in results]

    assert _run(policy_class, main()) == [b'x', b'x']
    assert cancellable.is_cancelled()
    listener.close()


def test_defers_to_pygobjects_own_awaitable(monkeypatch, tmp_path):
    """On 3.50+ the call goes through PyGObject's gi._gi.Async (finished by
    PyGObject); on 3.42 through the override's own callback."""
    from gi.overrides._aio import gio as aio_gio

    finished = []
    original = aio_gio._native_finisher

    def counting(complete):
        done = original(complete)

        def wrapper(native):
            finished.append(type(native).__name__)
            done(native)
        return wrapper

    monkeypatch.setattr(aio_gio, '_native_finisher', counting)
    path = tmp_path / 'y.txt'
    path.write_bytes(b'y')

    async def main():
        future = Gio.File.new_for_path(str(path)).load_contents_async(None)
        assert isinstance(future, asyncio.Future)
        return (await future)[1]

    assert _run(Aio.EventLoopPolicy, main()) == b'y'
    assert finished == (['Async'] if HAS_GI_EVENTS else [])
