# SPDX-License-Identifier: LGPL-2.1-or-later
"""Implementation modules of the ``Aio`` PyGObject override.

``gi.overrides.Aio`` is what applications import (through
``from gi.repository import Aio``); the modules here hold its parts:

``events``
    the asyncio event loop that runs on a GLib main context, its policy,
    ``run()`` and the hooks that let GLib (GTK) drive it;
``futures``
    the asyncio face of ``Aio.Future``: ``await``, ``result()``, done
    callbacks, and conversion between Python values and ``GValue``;
``tasks``
    Python coroutines running as ``Aio.Task`` through a stackless body;
``gio``
    GIO ``*_async`` methods that return asyncio futures when called
    without a callback;
``api``
    aio-glib's combinators, task groups, locks, queues and async
    generators with asyncio's names and shapes;
``errors``
    exceptions that are both asyncio's and ``GLib.Error``.

Nothing here is public API: names are re-exported by ``gi.overrides.Aio``.
"""
