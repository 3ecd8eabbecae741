# SPDX-License-Identifier: LGPL-2.1-or-later
"""Queues with asyncio's Python shape, FIFO, LIFO and priority.

Split from api.py by concept, as asyncio's own modules are; api.bind()
gives every one of them the introspected namespace (api._Aio).
"""

from gi.repository import GLib, GObject

from . import api, futures
from .errors import translate_error


def _queue_value(item):
    # None is a common queue item (a sentinel): keep it as a value.
    if item is None:
        return GObject.Value(GObject.TYPE_PYOBJECT, None)
    return futures.to_gvalue(item)


class QueueMethods:
    """asyncio's ``Queue`` API on ``Aio.Queue`` (FIFO, LIFO and priority).

    ``put()``, ``get()`` and ``join()`` return aio-glib futures to await
    (from Python or C); ``get_nowait()`` and ``put_nowait()`` raise
    ``QueueEmpty`` and ``QueueFull``, and a shut-down queue
    ``QueueShutDown``, each also a ``GLib.Error``.
    """

    def put(self, item):
        """Puts ``item``, waiting for room."""
        return api._Aio.Queue.put(self, _queue_value(item))

    def put_nowait(self, item):
        """Puts ``item`` or raises ``QueueFull``."""
        try:
            api._Aio.Queue.put_nowait(self, _queue_value(item))
        except GLib.Error as error:
            raise translate_error(error) from None

    def get_nowait(self):
        """Removes and returns an item, or raises ``QueueEmpty``."""
        try:
            value = api._Aio.Queue.get_nowait(self)
        except GLib.Error as error:
            raise translate_error(error) from None
        except TypeError:
            return None   # an item without a value, put from C
        if api._get_nowait_in_tuple:
            value = value[1]
        return futures.from_gvalue(value)

    def task_done(self):
        """Marks one item as processed; ``ValueError`` if none is pending."""
        try:
            api._Aio.Queue.task_done(self)
        except GLib.Error as error:
            raise ValueError(error.message) from None

    def shutdown(self, immediate=False):
        """Shuts the queue down, as asyncio 3.13's ``shutdown()``."""
        api._Aio.Queue.shutdown(self, immediate)

    @property
    def maxsize(self):
        return self.get_maxsize()


def _compare_items(first, second, *user_data):
    """Orders priority queue items as Python compares them."""
    first = futures.from_gvalue(first)
    second = futures.from_gvalue(second)
    if first < second:
        return -1
    return 1 if second < first else 0


def new_priority_queue(maxsize):
    """An ``Aio.Queue`` that hands out the smallest item first."""
    return api._Aio.Queue.new_priority(maxsize, _compare_items)


# -- task groups ------------------------------------------------------------
