# SPDX-License-Identifier: LGPL-2.1-or-later
"""Smoke tests of the Aio-1 typelib through PyGObject.

They use only what introspection gives, without the Python overrides, so
they check the C API as every binding sees it.
"""

import os
import xml.etree.ElementTree as ET

import gi
import pytest

gi.require_version("Aio", "1")
gi.require_version("GIRepository", "2.0")
from gi.repository import Aio, GIRepository, GLib, GObject, Gio  # noqa: E402

# Suspension points that only make sense on a C coroutine stack.
C_ONLY_FUNCTIONS = [
    "aio_await",
    "aio_await_value",
    "aio_await_int",
    "aio_await_string",
    "aio_await_object",
    "aio_await_gio",
    "aio_yield",
    "aio_in_coroutine",
    "aio_gio_ready",
    "aio_gio_data",
    "aio_gio_cancellable",
    "aio_task_new",
    "aio_task_new_full",
]


@pytest.fixture
def loop():
    return Aio.Loop.get_default()


def run(loop, future):
    """Runs the loop until @future is done; returns what it returned."""
    return loop.run_until_complete(future)


def is_cancelled_error(error):
    return error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED)


def test_future_value_through_typelib():
    future = Aio.Future.new()
    assert future.get_state() == Aio.FutureState.PENDING
    assert not future.done()

    assert future.set_int(42)
    assert future.done()
    assert future.get_state() == Aio.FutureState.FINISHED
    assert future.get_int() == 42
    assert future.get_value_type() == GObject.TYPE_INT


def test_future_string_and_double(loop):
    text = loop.create_future()
    number = loop.create_future()

    text.set_string("héllo")
    number.set_double(2.5)

    assert text.get_string() == "héllo"
    assert text.dup_string() == "héllo"
    assert number.get_double() == 2.5


def test_misuse_reports_aio_error():
    future = Aio.Future.new()

    with pytest.raises(GLib.Error) as pending:
        future.get_int()
    assert pending.value.matches(Aio.error_quark(), Aio.Error.INVALID_STATE)

    future.set_boolean(True)
    with pytest.raises(GLib.Error) as twice:
        future.set_boolean(False)
    assert twice.value.domain == "aio-error-quark"
    assert twice.value.code == int(Aio.Error.INVALID_STATE)

    with pytest.raises(GLib.Error) as mismatch:
        future.get_string()
    assert mismatch.value.matches(Aio.error_quark(), Aio.Error.TYPE_MISMATCH)
    assert future.get_boolean() is True


def test_failed_future_propagates_error(loop):
    future = loop.create_future()
    failure = GLib.Error.new_literal(Gio.io_error_quark(), "no such thing",
                                     Gio.IOErrorEnum.NOT_FOUND)

    assert future.set_error(failure)
    copy = future.dup_error()
    assert copy.matches(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_FOUND)
    with pytest.raises(GLib.Error) as raised:
        run(loop, future)
    assert raised.value.message == "no such thing"


def test_cancel_future(loop):
    future = loop.create_future()

    assert future.cancel("enough")
    assert future.cancelled()
    assert future.get_state() == Aio.FutureState.CANCELLED
    with pytest.raises(GLib.Error) as raised:
        future.propagate()
    assert is_cancelled_error(raised.value)


def test_sleep_and_run_until_complete(loop):
    started = loop.time()
    nap = Aio.sleep(0.02)

    assert not nap.done()
    assert run(loop, nap)
    assert nap.done()
    assert loop.time() - started >= 0.02


def test_done_callback_is_scheduled(loop):
    future = loop.create_future()
    calls = []

    future.add_done_callback(lambda f: calls.append(f.get_int()))
    future.set_int(7)
    # asyncio semantics: callbacks are scheduled, never run inline.
    assert calls == []

    run(loop, Aio.sleep(0))
    assert calls == [7]


def test_call_soon_completes_future(loop):
    future = loop.create_future()
    handle = loop.call_soon(lambda: future.set_string("from call_soon"))

    assert not handle.cancelled()
    assert run(loop, future)
    assert future.get_string() == "from call_soon"


def test_non_default_context(loop):
    context = GLib.MainContext.new()
    other = Aio.Loop.get_for_context(context)
    assert other is not loop
    assert other.get_context() == context
    assert Aio.Loop.get_for_context(context) is other

    future = other.create_future()
    assert future.get_loop() is other
    other.call_later(0.001, lambda: future.set_int64(-2 ** 40))

    assert other.run_until_complete(future)
    assert future.get_int64() == -2 ** 40


def test_wait_async_pair(loop):
    future = loop.create_future()
    outcomes = []

    def on_done(source, result):
        outcomes.append(source.wait_finish(result))

    future.wait_async(None, on_done)
    loop.call_later(0.001, lambda: future.set_uint64(2 ** 40))
    context = GLib.MainContext.default()
    while not outcomes:
        context.iteration(True)

    assert outcomes == [True]
    assert future.get_uint64() == 2 ** 40


def test_stackless_task_driven_by_python(loop):
    seen = []

    def step(task, awaited):
        seen.append(awaited)
        if awaited is None:
            return Aio.sleep(0.001)
        if len(seen) == 2:
            reply = loop.create_future()
            loop.call_soon(lambda: reply.set_string("pong"))
            return reply
        task.return_string(awaited.get_string() + "!")
        return None

    task = Aio.Task.new_stackless(loop, "python-step", step)

    assert task.is_stackless()
    assert task.get_name() == "python-step"
    assert run(loop, task)
    assert task.get_string() == "pong!"
    assert len(seen) == 3 and seen[0] is None
    assert Aio.current_task() is None


def test_stackless_task_cancelled_while_awaiting(loop):
    def step(task, awaited):
        if awaited is None:
            return Aio.sleep(3600)
        try:
            awaited.propagate()
        except GLib.Error as error:
            task.return_error(error)
        return None

    task = Aio.Task.new_stackless(loop, None, step)
    loop.call_later(0.001, lambda: task.cancel("stop"))

    with pytest.raises(GLib.Error) as raised:
        run(loop, task)
    assert is_cancelled_error(raised.value)
    assert raised.value.message == "stop"
    assert task.cancelled()


def test_stackless_task_error(loop):
    def step(task, awaited):
        task.return_error(GLib.Error.new_literal(Aio.error_quark(), "bad",
                                                 Aio.Error.FAILED))
        return None

    task = Aio.Task.new_stackless(loop, None, step)

    with pytest.raises(GLib.Error) as raised:
        run(loop, task)
    assert raised.value.matches(Aio.error_quark(), Aio.Error.FAILED)
    assert task.get_state() == Aio.FutureState.FINISHED


def test_c_only_calls_are_not_introspectable():
    gir_path = os.path.join(os.environ["AIO_GIR_DIR"], "Aio-1.gir")
    core = "{http://www.gtk.org/introspection/core/1.0}"
    c_ns = "{http://www.gtk.org/introspection/c/1.0}"
    introspectable = {}
    for node in ET.parse(gir_path).iter():
        identifier = node.get(c_ns + "identifier")
        if identifier and node.tag in (core + "function", core + "method",
                                       core + "constructor"):
            introspectable[identifier] = node.get("introspectable", "1")

    repository = GIRepository.Repository.get_default()
    for symbol in C_ONLY_FUNCTIONS:
        # Listed, but marked so no binding ever sees it.
        assert introspectable.get(symbol) == "0", symbol
        if not symbol.startswith("aio_task_"):
            assert repository.find_by_name("Aio", symbol[len("aio_"):]) is None
    assert not hasattr(Aio, "await_")
    assert not hasattr(Aio, "yield_")
    assert not hasattr(Aio.Task, "new_full")
    assert repository.find_by_name("Aio", "sleep") is not None
    assert introspectable["aio_task_new_stackless"] == "1"



def test_runs_on_the_pygobject_asked_for():
    """./tools/test --pygobject=vendor sets AIO_EXPECT_PYGOBJECT: the run
    must really use that PyGObject, not fall back on Debian's."""
    expected = os.environ.get('AIO_EXPECT_PYGOBJECT')
    print('PyGObject %s from %s' % (gi.__version__, os.path.dirname(gi.__file__)))
    if expected is not None:
        assert gi.__version__ == expected
    assert gi.version_info >= (3, 42)
