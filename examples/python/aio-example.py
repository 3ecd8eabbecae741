#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""aio-glib from Python through the Aio-1 typelib: futures, the loop,
Python step functions as tasks, cancellation and a future completed by a
thread.  Run it from a build directory with
  GI_TYPELIB_PATH=aio-glib LD_LIBRARY_PATH=aio-glib /usr/bin/python3 aio-example.py
"""

import threading

import gi

gi.require_version("Aio", "1")
from gi.repository import Aio, GLib, Gio  # noqa: E402

loop = Aio.Loop.get_default()


def countdown(name, count, interval):
    """Returns a step function for a task that counts down, awaiting a
    sleep between numbers, and ends with a message."""
    state = {"left": count}

    def step(task, awaited):
        if awaited is not None:
            try:
                awaited.propagate()        # raises if we were cancelled
            except GLib.Error as error:
                print(f"  {name}: cancelled at {state['left']} ({error.message})")
                task.return_error(error)
                return None
        if state["left"] == 0:
            task.return_string(f"{name} reached zero")
            return None
        print(f"  {name}: {state['left']}")
        state["left"] -= 1
        return Aio.sleep(interval)

    return step


def main():
    print("1. a future completed by a callback the loop runs later")
    future = loop.create_future()
    loop.call_later(0.05, lambda: future.set_string("hello from call_later"))
    loop.run_until_complete(future)
    print(f"  result: {future.get_string()!r}")

    print("2. two Python step functions run as concurrent tasks")
    fast = Aio.Task.new_stackless(loop, "fast", countdown("fast", 3, 0.01))
    slow = Aio.Task.new_stackless(loop, "slow", countdown("slow", 5, 0.03))
    loop.call_later(0.07, lambda: slow.cancel("we are in a hurry"))
    loop.run_until_complete(fast)
    print(f"  {fast.get_name()}: {fast.get_string()}")
    try:
        loop.run_until_complete(slow)
    except GLib.Error as error:
        cancelled = error.matches(Gio.io_error_quark(),
                                  Gio.IOErrorEnum.CANCELLED)
        print(f"  {slow.get_name()}: cancelled={cancelled} ({error.message})")

    print("3. a worker thread completes a future the loop waits for")
    result = loop.create_future()
    worker = threading.Thread(
        target=lambda: result.set_int64(sum(range(1_000_000))))
    worker.start()
    loop.run_until_complete(result)
    worker.join()
    print(f"  the thread computed {result.get_int64()}")

    print("4. misuse is a GLib.Error in the Aio.Error domain")
    try:
        result.set_int64(0)
    except GLib.Error as error:
        assert error.matches(Aio.error_quark(), Aio.Error.INVALID_STATE)
        print(f"  {error.message}")


if __name__ == "__main__":
    main()
