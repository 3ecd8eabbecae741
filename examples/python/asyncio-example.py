#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""asyncio on GLib with the Aio override: asyncio code, GLib sources, GIO
calls and aio-glib tasks in one loop.  Run it from the source tree with
  GI_TYPELIB_PATH=_build/aio-glib LD_LIBRARY_PATH=_build/aio-glib \\
  PYTHONPATH=bindings/python \\
  /usr/bin/python3 examples/python/asyncio-example.py
"""

import asyncio
import os
import sys

import gi

gi.require_version("Aio", "1")
from gi.repository import Aio, Gio, GLib  # noqa: E402


async def read_file(path):
    """A GIO call without a callback returns a future to await."""
    gfile = Gio.File.new_for_path(path)
    _ok, contents, _etag = await gfile.load_contents_async()
    return contents


async def countdown(name, count):
    """A Python coroutine that will run as an aio-glib task."""
    for left in range(count, 0, -1):
        print(f"  {name}: {left}")
        await Aio.sleep(0.01)          # an aio-glib future
        await asyncio.sleep(0)         # and asyncio, in the same task
    return f"{name} done"


async def main():
    print("1. a GLib timeout fires while asyncio waits")
    fired = asyncio.get_running_loop().create_future()
    GLib.timeout_add(20, lambda: fired.set_result("GLib timeout") or False)
    print(f"  {await fired}")

    print("2. GIO without callbacks")
    contents = await read_file(__file__)
    print(f"  read {len(contents)} bytes of {os.path.basename(__file__)}")

    print("3. Python coroutines as aio-glib tasks in a task group")
    async with Aio.TaskGroup() as group:
        first = group.create_task(countdown("first", 2))
        second = group.create_task(countdown("second", 3))
    print(f"  {first.result()}, {second.result()}")

    print("4. cancellation crosses over: asyncio cancels an Aio.Task")
    sleeper = Aio.create_task(countdown("sleeper", 1000))
    try:
        await asyncio.wait_for(sleeper, 0.03)
    except TimeoutError:
        print(f"  sleeper cancelled: {sleeper.cancelled()}")

    print("5. an aio-glib queue between producer and consumer")
    queue = Aio.Queue(maxsize=2)

    async def produce():
        for item in ("a", "b", "c", None):
            await queue.put(item)

    producer = Aio.create_task(produce())
    received = []
    while (item := await queue.get()) is not None:
        received.append(item)
    await producer
    print(f"  received {received}")
    return 0


if __name__ == "__main__":
    sys.exit(Aio.run(main()))
