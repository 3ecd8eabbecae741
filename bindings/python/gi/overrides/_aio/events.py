# SPDX-License-Identifier: LGPL-2.1-or-later
"""asyncio on a GLib main context.

:class:`GLibEventLoop` is asyncio's own selector event loop with one
change: when it has nothing to do, it waits by iterating a
:class:`GLib.MainContext` instead of blocking in ``epoll_wait()``.  asyncio
keeps its ready queue, its timer heap and its kernel selector, so a turn
with work pending costs what it costs in the default loop; GLib sources
(GTK, GIO callbacks, aio-glib's loop) run whenever asyncio would sleep, and
at least every few hundred callbacks while asyncio stays busy.

The kernel selector's own descriptor is added to the context with
``g_main_context_add_poll()``, so descriptor readiness wakes GLib's poll
without any GSource being dispatched; a timeout source with a moving ready
time bounds the wait by asyncio's next timer.

When GLib drives instead (``Gtk.Application.run()``, ``GLib.MainLoop.run()``
or any C code iterating the context), the loop is entered with
:meth:`GLibEventLoop.running`: a unix-fd GSource on the same selector
descriptor, whose ready time tracks asyncio's ready queue and timer heap,
runs asyncio's turns from GLib dispatch.
"""

import asyncio
import contextlib
import heapq
import os
import selectors
import sys
import threading
import time
import warnings

from asyncio import base_events

import gi
from gi.module import get_introspection_module
from gi.repository import GLib

__all__ = [
    'GLibEventLoop',
    'EventLoopPolicy',
    'ChildWatcher',
    'new_event_loop',
    'install',
    'run',
    'loop_runs_context',
    'main_context_for_thread',
    'wake_glib',
]

# Timer bookkeeping thresholds of asyncio's own loop, so cancelled timers
# are purged at the same rate.
_MIN_SCHEDULED_TIMER_HANDLES = getattr(
    base_events, '_MIN_SCHEDULED_TIMER_HANDLES', 100)
_MIN_CANCELLED_TIMER_HANDLES_FRACTION = getattr(
    base_events, '_MIN_CANCELLED_TIMER_HANDLES_FRACTION', 0.5)
_MAXIMUM_SELECT_TIMEOUT = getattr(
    base_events, 'MAXIMUM_SELECT_TIMEOUT', 24 * 3600)


def _fast_turn_fits():
    """Whether :meth:`GLibEventLoop._run_once`'s own turn fits this asyncio.

    The fast turn is asyncio's algorithm written against the loop's
    private state (the ready deque, the timer heap and the handles'
    fields).  It is used only on CPython releases whose own turn reads that
    same state under the same names; any other Python, or a CPython whose
    ``_run_once`` changed shape, gets asyncio's own turn (slower by about a
    tenth per callback, and always correct).  ``AIO_PYTHON_TURN=asyncio``
    forces asyncio's turn, which the tests use to check both give the same
    results.
    """
    if os.environ.get('AIO_PYTHON_TURN') == 'asyncio':
        return False
    if sys.implementation.name != 'cpython' or sys.version_info < (3, 8):
        return False
    base_turn = getattr(base_events.BaseEventLoop, '_run_once', None)
    code = getattr(base_turn, '__code__', None)
    if code is None:
        return False
    needed = {'_scheduled', '_ready', '_stopping', '_selector',
              '_process_events', '_clock_resolution', '_timer_cancelled_count',
              '_when', '_cancelled', '_run', 'popleft', 'heappop'}
    return needed <= set(code.co_names)


# Decided once, at import: see _fast_turn_fits().
FAST_TURN = _fast_turn_fits()

# While asyncio always has work, GLib gets a non-blocking iteration after
# this many turns plus callbacks: often enough that GTK frames and
# aio-glib's loop stay responsive, rarely enough that the 1 µs iteration
# does not show in asyncio's throughput.
_GLIB_CREDIT = 256

# The longest one GLib dispatch runs asyncio turns back to back, like
# aio-glib's own loop: a GTK frame is never starved.
_DISPATCH_BUDGET = 0.002

# GLib keeps a timeout source's interval in milliseconds; the longest one
# means "not before we move its ready time".
_FAR_INTERVAL_MS = 0xFFFFFFFF

# g_main_context_iteration() without PyGObject's Python override, which
# on 3.50 also looks up the asyncio loop of the context on every call.
_iterate = get_introspection_module('GLib').MainContext.iteration

_KernelSelector = selectors.DefaultSelector
_kernel_select = _KernelSelector.select
_get_running_loop = asyncio._get_running_loop
_set_running_loop = asyncio._set_running_loop
_monotonic = time.monotonic
_monotonic_us = time.monotonic_ns  # divided by 1000 where used


def _context_key(context):
    """Identifies a GLib.MainContext: wrappers differ, the pointer not."""
    return hash(context)


def _thread_default_context():
    """The context GIO callbacks of this thread are dispatched on."""
    return GLib.MainContext.get_thread_default() or GLib.MainContext.default()


def main_context_for_thread():
    """Returns the context a new loop of the calling thread should run.

    The thread-default context if one was pushed; in the main thread, the
    global default context (the one GTK runs); in other threads, a new
    context, which the loop makes thread-default while it runs so that GIO
    callbacks and aio-glib futures created by its coroutines land on it.
    """
    context = GLib.MainContext.get_thread_default()
    if context is not None:
        return context
    if threading.current_thread() is threading.main_thread():
        return GLib.MainContext.default()
    return GLib.MainContext.new()


def wake_glib():
    """Makes the running :class:`GLibEventLoop` let GLib run on its next turn.

    aio-glib runs its ready work from a GSource; Python code that gives it
    work (completing or cancelling an ``Aio.Future``, starting an
    ``Aio.Task``) calls this so that work runs right away, rather than when
    asyncio next waits or its GLib credit runs out.
    """
    loop = _get_running_loop()
    if loop is not None:
        selector = getattr(loop, '_selector', None)
        if type(selector) is _GLibSelector:
            selector.credit = -1


def loop_runs_context(loop, context):
    """Whether callbacks attached to ``context`` run under ``loop``.

    True when ``loop`` iterates ``context`` (this module's loop, or
    PyGObject 3.50's ``gi.events`` loop).  Also true when another thread
    owns ``context``: that thread dispatches the callbacks, and the caller
    has to hand results over with ``call_soon_threadsafe()``.
    """
    loop_context = getattr(loop, '_context', None)
    if loop_context is not None and \
            _context_key(loop_context) == _context_key(context):
        return True
    if context.acquire():
        # Nobody else is running it: nothing would ever dispatch.
        context.release()
        return False
    return True


class _GLibSelector(_KernelSelector):
    """asyncio's kernel selector, waiting in GLib when there is nothing to do.

    The loop sets :attr:`wait` while it drives the context itself; when GLib
    drives (or the loop is not running), it is ``None`` and :meth:`select`
    never blocks.  The fast path of :meth:`GLibEventLoop._run_once` calls
    the kernel selector directly; this :meth:`select` serves asyncio's own
    ``_run_once``, which the loop uses in debug mode.
    """

    def __init__(self):
        super().__init__()
        self.wait = None
        self.credit = _GLIB_CREDIT

    def select(self, timeout=None):
        if timeout is None or timeout > 0:
            events = _kernel_select(self, 0)
            if events or self.wait is None:
                return events
            self.wait(timeout)
        else:
            self.credit -= 1
            if self.credit < 0 and self.wait is not None:
                self.wait(0)
        return _kernel_select(self, 0)


# Called when a GLibEventLoop is made: the override switches awaitable
# GIO on there (see Aio.enable_gio_await()).
on_new_loop = None
# Called when an EventLoopPolicy is made: the override installs the main
# loop hooks there (install_run_hooks()).
on_new_policy = None


class GLibEventLoop(asyncio.SelectorEventLoop):
    """An asyncio event loop that runs on a :class:`GLib.MainContext`.

    It is asyncio's selector event loop (the whole asyncio API: tasks,
    timers, sockets, streams, subprocesses, signals, executors), sharing
    its thread with everything else attached to ``context``: GTK, GIO
    callbacks and aio-glib tasks.  ``context`` defaults to the
    thread-default context (the global default one in the main thread, the
    one GTK runs).

    ``run_forever()`` and ``run_until_complete()`` iterate the context
    themselves.  When something else iterates it, such as
    ``Gtk.Application.run()``, enter :meth:`running` around that call (the
    PyGObject overrides do it for you once :class:`EventLoopPolicy` is the
    asyncio policy).
    """

    def __init__(self, context=None):
        if context is None:
            context = main_context_for_thread()
        if on_new_loop is not None:
            on_new_loop()
        self._context = context
        self._quit_funcs = []
        self._glib_driven = False
        self._pushed_context = False
        self._wait_source = None        # bounds waits by asyncio's next timer
        self._wait_armed = None         # ready time given to _wait_source
        self._pollfd = None             # the selector in GLib's poll
        self._dispatch_source = None    # runs asyncio turns when GLib drives
        self._dispatch_armed = None     # ready time given to _dispatch_source
        self._dispatching = False
        self._pending_exception = None  # SystemExit or KeyboardInterrupt
        selector = _GLibSelector()
        if not hasattr(selector, 'fileno'):
            selector.close()
            raise NotImplementedError(
                'GLibEventLoop needs a selector with a descriptor GLib can '
                'poll (epoll or kqueue)')
        super().__init__(selector)

    # -- asyncio driving GLib ------------------------------------------------

    def run_forever(self):
        """Runs asyncio turns until :meth:`stop`, iterating the context."""
        self._check_closed()
        self._check_running()
        with self._owning_context():
            super().run_forever()

    @contextlib.contextmanager
    def _owning_context(self):
        context = self._context
        if not context.acquire():
            raise RuntimeError(
                'The GLib.MainContext of this event loop is being run by '
                'another thread')
        try:
            self._push_context()
            pollfd = GLib.PollFD(self._selector.fileno(), GLib.IOCondition.IN)
            context.add_poll(pollfd, GLib.PRIORITY_DEFAULT)
            self._pollfd = pollfd
            source = GLib.timeout_source_new(_FAR_INTERVAL_MS)
            source.set_name('asyncio wait')
            source.set_callback(self._on_wait_expired)
            source.set_ready_time(-1)
            source.attach(context)
            self._wait_source = source
            self._wait_armed = -1
            self._selector.wait = self._wait_in_glib
            self._selector.credit = _GLIB_CREDIT
            try:
                yield
            finally:
                self._selector.wait = None
                self._wait_source.destroy()
                self._wait_source = None
                context.remove_poll(pollfd)
                self._pollfd = None
                self._pop_context()
        finally:
            context.release()

    def _wait_in_glib(self, timeout):
        """Lets GLib run its sources, blocking up to ``timeout`` seconds.

        ``None`` waits until something happens; 0 runs one iteration
        without blocking.
        """
        self._selector.credit = _GLIB_CREDIT
        if timeout == 0:
            _iterate(self._context, False)
            return
        if timeout is None:
            ready_time = -1
        else:
            # Same clock as g_get_monotonic_time(); round up so the wait
            # never ends before asyncio's timer is due.
            ready_time = _monotonic_us() // 1000 + int(timeout * 1e6) + 1
        if ready_time != self._wait_armed:
            self._wait_source.set_ready_time(ready_time)
            self._wait_armed = ready_time
        _iterate(self._context, True)

    def _on_wait_expired(self, *args):
        # GLib moves an expired timeout source far into the future; the
        # next wait sets the ready time again.
        self._wait_armed = None
        return GLib.SOURCE_CONTINUE

    def _run_once(self):
        """One asyncio turn, as in asyncio's loop, polling GLib as needed.

        This is asyncio's algorithm (purge cancelled timers, poll for
        I/O, move due timers to the ready queue, run what was ready), with
        the select step split: a turn that has work polls the kernel
        selector directly, a turn that would wait lets GLib wait.
        """
        if self._debug or not FAST_TURN:
            # asyncio's own turn (which in debug mode times callbacks and
            # logs slow ones); the selector makes its select() wait in GLib.
            return super()._run_once()

        scheduled = self._scheduled
        if scheduled:
            self._purge_cancelled_timers()
            scheduled = self._scheduled

        ready = self._ready
        selector = self._selector
        if ready or self._stopping:
            selector.credit -= 1
            if selector.credit < 0 and selector.wait is not None:
                self._wait_in_glib(0)
            event_list = _kernel_select(selector, 0)
        else:
            if scheduled:
                timeout = scheduled[0]._when - self.time()
                if timeout < 0:
                    timeout = 0
                elif timeout > _MAXIMUM_SELECT_TIMEOUT:
                    timeout = _MAXIMUM_SELECT_TIMEOUT
            else:
                timeout = None
            event_list = _kernel_select(selector, 0)
            if not event_list and selector.wait is not None and timeout != 0:
                self._wait_in_glib(timeout)
                event_list = _kernel_select(selector, 0)
        if event_list:
            self._process_events(event_list)
        event_list = None  # do not keep the keys alive past this turn

        if scheduled:
            end_time = self.time() + self._clock_resolution
            while scheduled:
                handle = scheduled[0]
                if handle._when >= end_time:
                    break
                heapq.heappop(scheduled)
                handle._scheduled = False
                ready.append(handle)

        # Only what was ready now runs; what these callbacks schedule waits
        # for the next turn, after another poll.
        ntodo = len(ready)
        selector.credit -= ntodo
        popleft = ready.popleft
        for _ in range(ntodo):
            handle = popleft()
            if not handle._cancelled:
                handle._run()
        handle = None  # break the cycle an exception would create

    def _purge_cancelled_timers(self):
        scheduled = self._scheduled
        count = len(scheduled)
        if (count > _MIN_SCHEDULED_TIMER_HANDLES and
                self._timer_cancelled_count / count >
                _MIN_CANCELLED_TIMER_HANDLES_FRACTION):
            kept = []
            for handle in scheduled:
                if handle._cancelled:
                    handle._scheduled = False
                else:
                    kept.append(handle)
            heapq.heapify(kept)
            self._scheduled = kept
            self._timer_cancelled_count = 0
        else:
            while scheduled and scheduled[0]._cancelled:
                self._timer_cancelled_count -= 1
                handle = heapq.heappop(scheduled)
                handle._scheduled = False

    # -- GLib driving asyncio ------------------------------------------------

    @contextlib.contextmanager
    def running(self, quit_func):
        """Marks the loop as running while something else iterates the context.

        Use it around ``Gtk.Application.run()``, ``GLib.MainLoop.run()`` or
        ``Gtk.main()``: asyncio callbacks then run from GLib dispatch, and
        ``asyncio.get_running_loop()`` returns this loop.  ``quit_func``
        stops that main loop; :meth:`stop` calls it.  Entered again while
        the loop runs (a nested main loop), it only records ``quit_func``.

        This is the protocol of PyGObject 3.50's ``gi.events`` loops, which
        PyGObject's own ``run()`` overrides use.
        """
        context = self._context
        if not context.acquire():
            raise RuntimeError(
                'The GLib.MainContext of this event loop is being run by '
                'another thread')
        self._quit_funcs.append(quit_func)
        if self.is_running():
            try:
                yield
            finally:
                self._quit_funcs.pop()
                context.release()
                if self._stopping and self._quit_funcs:
                    self._quit_funcs[-1]()
            return

        try:
            self._check_closed()
            if _get_running_loop() is not None:
                raise RuntimeError(
                    'Cannot run the event loop while another loop is running')
        except BaseException:
            self._quit_funcs.pop()
            context.release()
            raise

        old_agen_hooks = sys.get_asyncgen_hooks()
        self._thread_id = threading.get_ident()
        self._set_coroutine_origin_tracking(self._debug)
        sys.set_asyncgen_hooks(firstiter=self._asyncgen_firstiter_hook,
                               finalizer=self._asyncgen_finalizer_hook)
        _set_running_loop(self)
        self._start_glib_driven()
        try:
            yield
        finally:
            self._stop_glib_driven()
            _set_running_loop(None)
            sys.set_asyncgen_hooks(*old_agen_hooks)
            self._set_coroutine_origin_tracking(False)
            self._thread_id = None
            self._stopping = False
            self._quit_funcs.pop()
            context.release()
            pending, self._pending_exception = self._pending_exception, None
            if pending is not None:
                raise pending

    @contextlib.contextmanager
    def paused(self):
        """Part of the ``gi.events`` protocol; nothing to do here.

        Python code iterating the context by hand cannot re-enter asyncio:
        the dispatch source does not recurse, and while asyncio itself
        drives, the selector's descriptor is only polled, never dispatched.
        """
        yield

    def _start_glib_driven(self):
        self._push_context()
        source = GLib.unix_fd_source_new(self._selector.fileno(),
                                         GLib.IOCondition.IN)
        source.set_name('asyncio')
        source.set_can_recurse(False)
        source.set_callback(self._dispatch_from_glib)
        source.attach(self._context)
        self._dispatch_source = source
        self._dispatch_armed = None
        self._glib_driven = True
        self._wake_on_schedule(True)
        self._arm_dispatch()

    def _stop_glib_driven(self):
        self._wake_on_schedule(False)
        self._glib_driven = False
        self._dispatch_source.destroy()
        self._dispatch_source = None
        self._pop_context()

    def _wake_on_schedule(self, enable):
        """Makes ``call_soon()`` and ``call_at()`` wake the dispatch source.

        Only needed while GLib drives and asyncio's turns are not running:
        then nothing else would notice new work.  Instance attributes shadow
        the class methods, so asyncio's hot paths are untouched otherwise.
        """
        if enable:
            self.call_soon = self._call_soon_waking
            self.call_at = self._call_at_waking
        else:
            self.__dict__.pop('call_soon', None)
            self.__dict__.pop('call_at', None)

    def _call_soon_waking(self, callback, *args, context=None):
        handle = asyncio.SelectorEventLoop.call_soon(
            self, callback, *args, context=context)
        if self._dispatch_armed != 0 and self._dispatch_source is not None:
            self._dispatch_source.set_ready_time(0)
            self._dispatch_armed = 0
        return handle

    def _call_at_waking(self, when, callback, *args, context=None):
        handle = asyncio.SelectorEventLoop.call_at(
            self, when, callback, *args, context=context)
        self._arm_dispatch()
        return handle

    def _dispatch_from_glib(self, *args):
        if self._closed:
            return GLib.SOURCE_REMOVE
        self._wake_on_schedule(False)
        self._dispatching = True
        self._selector.credit = _GLIB_CREDIT
        deadline = _monotonic() + _DISPATCH_BUDGET
        try:
            while True:
                self._run_once()
                if self._stopping or not self._ready or \
                        _monotonic() >= deadline:
                    break
                if self._selector.credit < 0:
                    # Other GLib sources (aio-glib) have work for us:
                    # let GLib dispatch them and come back.
                    break
        except (SystemExit, KeyboardInterrupt) as exc:
            # A GLib callback cannot raise into the main loop: stop it and
            # raise from running() instead.
            self._pending_exception = exc
            self.stop()
        except Exception as exc:
            # Returning nothing would remove the source and stop asyncio.
            self.call_exception_handler({
                'message': 'Exception in an asyncio turn run by GLib',
                'exception': exc})
        finally:
            self._dispatching = False
            if self._glib_driven:
                self._wake_on_schedule(True)
                self._arm_dispatch()
        return GLib.SOURCE_CONTINUE

    def _arm_dispatch(self):
        """Sets when GLib next dispatches asyncio: now, next timer, never."""
        if self._dispatching or self._dispatch_source is None:
            return
        if self._ready or self._stopping:
            ready_time = 0
        elif self._scheduled:
            ready_time = int(self._scheduled[0]._when * 1e6) + 1
        else:
            ready_time = -1
        if ready_time != self._dispatch_armed:
            self._dispatch_source.set_ready_time(ready_time)
            self._dispatch_armed = ready_time

    def stop(self):
        """Stops the loop; when GLib drives, quits the innermost main loop."""
        super().stop()
        if self._glib_driven and self._quit_funcs:
            self._quit_funcs[-1]()

    # -- shared ------------------------------------------------------------

    def _push_context(self):
        if _context_key(_thread_default_context()) != \
                _context_key(self._context):
            self._context.push_thread_default()
            self._pushed_context = True

    def _pop_context(self):
        if self._pushed_context:
            self._context.pop_thread_default()
            self._pushed_context = False

    def get_context(self):
        """Returns the :class:`GLib.MainContext` this loop runs on."""
        return self._context

    def close(self):
        if self.is_running():
            raise RuntimeError('Cannot close a running event loop')
        super().close()

    def __repr__(self):
        return (f'<{type(self).__name__} running={self.is_running()} '
                f'closed={self.is_closed()} debug={self.get_debug()} '
                f'context=0x{_context_key(self._context):x}>')


def new_event_loop(context=None):
    """Returns a new :class:`GLibEventLoop`, for ``loop_factory``."""
    return GLibEventLoop(context)


# -- child processes ---------------------------------------------------------

_AbstractChildWatcher = getattr(asyncio, 'AbstractChildWatcher', object)


def _pidfd_works():
    if not hasattr(os, 'pidfd_open'):
        return False
    try:
        fd = os.pidfd_open(os.getpid())
    except OSError:
        return False
    os.close(fd)
    return True


class ChildWatcher(_AbstractChildWatcher):
    """Reaps child processes through the running loop, with pidfds.

    Each child's pidfd is watched like any reader of the loop that started
    it, so on :class:`GLibEventLoop` the GLib main context wakes when a
    child exits, in whatever thread runs the loop.  GLib's own child
    watches are not used: GLib would reap processes that Python's
    ``subprocess`` module also waits for.  Without pidfd support (Linux
    before 5.3), it hands over to asyncio's thread-based watcher.
    """

    def __init__(self):
        self._fallback = None if _pidfd_works() else \
            asyncio.ThreadedChildWatcher()
        self._children = {}   # pid -> (loop, pidfd, callback, args)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        pass

    def is_active(self):
        return True

    def attach_loop(self, loop):
        if self._fallback is not None:
            self._fallback.attach_loop(loop)

    def close(self):
        for loop, pidfd, _, _ in list(self._children.values()):
            if not loop.is_closed():
                loop._remove_reader(pidfd)
            os.close(pidfd)
        self._children.clear()

    def add_child_handler(self, pid, callback, *args):
        if self._fallback is not None:
            self._fallback.add_child_handler(pid, callback, *args)
            return
        loop = asyncio.get_running_loop()
        existing = self._children.get(pid)
        if existing is not None:
            self._children[pid] = existing[:2] + (callback, args)
            return
        pidfd = os.pidfd_open(pid)
        loop._add_reader(pidfd, self._reap, pid)
        self._children[pid] = (loop, pidfd, callback, args)

    def remove_child_handler(self, pid):
        if self._fallback is not None:
            return self._fallback.remove_child_handler(pid)
        child = self._children.pop(pid, None)
        if child is None:
            return False
        loop, pidfd, _, _ = child
        loop._remove_reader(pidfd)
        os.close(pidfd)
        return True

    def _reap(self, pid):
        loop, pidfd, callback, args = self._children.pop(pid)
        loop._remove_reader(pidfd)
        os.close(pidfd)
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            # Someone else reaped it; asyncio reports 255 in that case too.
            returncode = 255
            warnings.warn(f'exit status of child process {pid} was already '
                          'read: reporting 255', RuntimeWarning)
        else:
            returncode = os.waitstatus_to_exitcode(status)
        callback(pid, returncode, *args)


# -- policy ------------------------------------------------------------------

# Captured once: tests (and applications) may rebind the asyncio name.
_DefaultPolicy = asyncio.DefaultEventLoopPolicy


def _policy_bases():
    # On PyGObject 3.50+, PyGObject's own run() overrides look for a
    # gi.events policy; being one makes them drive this loop.
    try:
        from gi.events import GLibEventLoopPolicy
    except ImportError:
        return (_DefaultPolicy,)
    return (GLibEventLoopPolicy, _DefaultPolicy)


class EventLoopPolicy(*_policy_bases()):
    """The asyncio policy whose loops are :class:`GLibEventLoop`.

    Install it with ``asyncio.set_event_loop_policy(Aio.EventLoopPolicy())``
    (or :func:`install`).  Loops run on the thread-default main context;
    ``Gtk.Application.run()`` and ``GLib.MainLoop.run()`` then drive the
    loop of their context, so asyncio code works inside GTK callbacks.
    Child processes are reaped by :class:`ChildWatcher`.

    On PyGObject 3.50 and later it is also a ``gi.events`` policy, so the
    same PyGObject hooks find it.  It can be used as a context manager that
    installs it for the duration of a ``with`` block.
    """

    def __init__(self):
        _DefaultPolicy.__init__(self)
        # Only a policy needs the main loops to drive asyncio, so the hooks
        # go in with the first one, not when Aio is imported.
        if on_new_policy is not None:
            on_new_policy()
        self._context_loops = {}
        self._previous_policies = []

    get_event_loop = _DefaultPolicy.get_event_loop
    set_event_loop = _DefaultPolicy.set_event_loop

    def new_event_loop(self):
        """Returns a new loop on the calling thread's context."""
        return GLibEventLoop()

    def get_event_loop_for_context(self, context):
        """Returns the loop that GLib main loops on ``context`` drive.

        The thread's current loop if it runs ``context``; otherwise one loop
        per context, created the first time.
        """
        key = _context_key(context)
        loop = self._local._loop
        if loop is not None and not loop.is_closed() and \
                _context_key(loop._context) == key:
            return loop
        if loop is None and key == _context_key(main_context_for_thread()):
            loop = GLibEventLoop(context)
            self.set_event_loop(loop)
            return loop
        loop = self._context_loops.get(key)
        if loop is None or loop.is_closed():
            loop = self._context_loops[key] = GLibEventLoop(context)
        return loop

    def _init_watcher(self):
        if self._watcher is None:
            self._watcher = ChildWatcher()

    def get_child_watcher(self):
        """Returns the watcher asyncio 3.11 asks for to start a process."""
        self._init_watcher()
        return self._watcher

    def set_child_watcher(self, watcher):
        """Replaces the child watcher, as asyncio's policy does."""
        if self._watcher is not None:
            self._watcher.close()
        self._watcher = watcher

    def __enter__(self):
        self._previous_policies.append(asyncio.get_event_loop_policy())
        asyncio.set_event_loop_policy(self)
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        asyncio.set_event_loop_policy(self._previous_policies.pop())


def install():
    """Makes :class:`EventLoopPolicy` asyncio's policy and returns it."""
    if on_new_loop is not None:
        on_new_loop()
    policy = EventLoopPolicy()
    asyncio.set_event_loop_policy(policy)
    return policy


def run(main, *, debug=None, context=None):
    """Runs ``main`` on a new :class:`GLibEventLoop`, like ``asyncio.run()``.

    ``main`` is a coroutine or any awaitable, such as an ``Aio.Task``.  The
    loop runs on ``context`` (default: the thread-default context), so GTK
    and aio-glib keep running while it does.  Like ``asyncio.run()``, it
    cancels what is left, shuts down async generators and the default
    executor, and closes the loop.
    """
    if _get_running_loop() is not None:
        raise RuntimeError(
            'Aio.run() cannot be called from a running event loop; '
            'await the coroutine instead')
    if not asyncio.iscoroutine(main):
        main = _await(main)
    runner_class = getattr(asyncio, 'Runner', None)
    if runner_class is not None:
        def loop_factory():
            return GLibEventLoop(context)
        with runner_class(debug=debug, loop_factory=loop_factory) as runner:
            return runner.run(main)
    return _run_without_runner(main, debug, context)


async def _await(awaitable):
    return await awaitable


def _run_without_runner(main, debug, context):
    # Python < 3.11: the steps of asyncio.run() by hand.
    loop = GLibEventLoop(context)
    try:
        if debug is not None:
            loop.set_debug(debug)
        return loop.run_until_complete(main)
    finally:
        try:
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(
                    asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            loop.close()


# -- PyGObject < 3.50: the run() hooks gi.events gives newer versions ------

def _loop_for_glib_run(context):
    """The loop a GLib main loop on ``context`` should drive, if any."""
    running = _get_running_loop()
    if running is not None:
        if isinstance(running, GLibEventLoop) and \
                _context_key(running._context) == _context_key(context):
            return running
        return None
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)
        policy = asyncio.get_event_loop_policy()
    if isinstance(policy, EventLoopPolicy):
        return policy.get_event_loop_for_context(context)
    return None


_hooked_runs = []


def install_run_hooks(glib_module, gio_module):
    """Makes ``GLib.MainLoop.run`` and ``Gio.Application.run`` drive asyncio.

    With :class:`EventLoopPolicy` installed, a main loop started from Python
    runs the asyncio loop of its context, as PyGObject 3.50 does natively
    with ``gi.events``; with any other policy the hooks do nothing.  Only
    needed, and only done, on older PyGObject.
    """
    if _hooked_runs or gi.version_info >= (3, 50):
        return

    def hook(owner, quit_of, context_of):
        original = owner.__dict__.get('run') or getattr(owner, 'run')

        def run(self, *args, **kwargs):
            loop = _loop_for_glib_run(context_of(self))
            if loop is None:
                return original(self, *args, **kwargs)
            with loop.running(quit_of(self)):
                return original(self, *args, **kwargs)

        run.__doc__ = original.__doc__
        run.__name__ = 'run'
        run._aio_original = original
        owner.run = run
        _hooked_runs.append((owner, original))

    hook(glib_module.MainLoop, lambda main_loop: main_loop.quit,
         lambda main_loop: main_loop.get_context())
    hook(gio_module.Application, lambda application: application.quit,
         lambda application: GLib.MainContext.default())


def uninstall_run_hooks():
    """Restores the ``run()`` methods :func:`install_run_hooks` replaced."""
    while _hooked_runs:
        owner, original = _hooked_runs.pop()
        owner.run = original
