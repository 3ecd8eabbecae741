# SPDX-License-Identifier: LGPL-2.1-or-later
"""The loop's Unix signal handlers through the typelib."""

import os
import signal
import threading
import time

import pytest
from gi.repository import Aio, GLib


def iterate_until(predicate, timeout=5.0):
    context = GLib.MainContext.default()
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "the signal handler never ran"
        context.iteration(True)


@pytest.mark.parametrize("signum", [signal.SIGUSR1, signal.SIGUSR2,
                                    signal.SIGHUP, signal.SIGTERM])
def test_handler_runs_on_loop_thread(signum):
    loop = Aio.Loop.get_default()
    calls = []
    assert loop.add_signal_handler(
        signum, lambda data: calls.append((data, threading.get_ident())), "payload")
    os.kill(os.getpid(), signum)
    iterate_until(lambda: calls)
    assert calls == [("payload", threading.get_ident())]
    assert loop.remove_signal_handler(signum)
    assert not loop.remove_signal_handler(signum)
    assert signal.getsignal(signum) == signal.SIG_DFL


def test_replace():
    loop = Aio.Loop.get_default()
    first, second = [], []
    assert loop.add_signal_handler(signal.SIGUSR1, lambda data: first.append(data), 1)
    assert loop.add_signal_handler(signal.SIGUSR1, lambda data: second.append(data), 2)
    os.kill(os.getpid(), signal.SIGUSR1)
    iterate_until(lambda: second)
    assert first == [] and second == [2]
    assert loop.remove_signal_handler(signal.SIGUSR1)


def test_unsupported():
    loop = Aio.Loop.get_default()
    with pytest.raises(GLib.Error) as info:
        loop.add_signal_handler(signal.SIGKILL, lambda data: None, None)
    assert info.value.matches(GLib.quark_from_string("g-io-error-quark"), 15)  # NOT_SUPPORTED
    with pytest.raises(GLib.Error) as info:
        loop.add_signal_handler(0, lambda data: None, None)
    assert info.value.matches(Aio.error_quark(), Aio.Error.INVALID_ARGUMENT)
    assert not loop.remove_signal_handler(signal.SIGKILL)


# Ctrl-C under Aio.run(), as asyncio.run() handles it: the first SIGINT
# cancels the main task and Aio.run() raises KeyboardInterrupt; a second
# one, while the main task will not end, interrupts at once.
CTRL_C_CHILD = r'''
import asyncio, sys
import gi
gi.require_version("Aio", "1")
from gi.repository import Aio

async def main(what, stubborn):
    print("ready", flush=True)
    try:
        await (Aio.sleep(30) if what == "c" else asyncio.sleep(30))
    except asyncio.CancelledError:
        print("cancelled", flush=True)
        if not stubborn:
            raise
        await Aio.sleep(30)
    print("finished", flush=True)

try:
    Aio.run(main(sys.argv[1], sys.argv[2] == "stubborn"))
except KeyboardInterrupt:
    print("KeyboardInterrupt", flush=True)
    sys.exit(3)
'''


def start_ctrl_c_child(what, mode):
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", CTRL_C_CHILD, what, mode],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline() == "ready\n"
    return child


@pytest.mark.parametrize("what", ["c", "asyncio"])
def test_ctrl_c_cancels_main_task(what):
    child = start_ctrl_c_child(what, "plain")
    start = time.monotonic()
    child.send_signal(signal.SIGINT)
    out, _ = child.communicate(timeout=10)
    assert time.monotonic() - start < 5
    assert out == "cancelled\nKeyboardInterrupt\n"
    assert child.returncode == 3


def test_second_ctrl_c_interrupts_a_stubborn_task():
    child = start_ctrl_c_child("c", "stubborn")
    child.send_signal(signal.SIGINT)
    assert child.stdout.readline() == "cancelled\n"
    start = time.monotonic()
    child.send_signal(signal.SIGINT)
    out, _ = child.communicate(timeout=10)
    assert time.monotonic() - start < 5
    assert "finished" not in out
    assert child.returncode == 3, out
