# SPDX-License-Identifier: LGPL-2.1-or-later
"""Awaitable GIO: ``*_async`` calls without a callback return a future.

Every introspected function or method that takes a
``Gio.AsyncReadyCallback`` and has a ``*_finish`` partner (``foo_async`` /
``foo_finish``, or ``foo`` / ``foo_finish``) is wrapped once, when
PyGObject creates its class or looks it up.  Called with a callback, the
wrapper calls the original.  Called without one (or with ``None``) it
returns:

- under a running asyncio loop, an ``asyncio.Future`` that finishes with
  what the ``_finish`` function returns, or raises its ``GLib.Error``.
  Cancelling the future cancels the call's ``Gio.Cancellable`` (one is
  created when none is given), so ``asyncio.wait_for()`` and task
  cancellation stop the GIO operation;
- inside a Python coroutine running as an ``Aio.Task`` without asyncio, an
  ``Aio.Future`` with the same outcome;
- otherwise ``None``, starting the call without a callback as before.

PyGObject 3.50 returns its own awaitable (``gi._gi.Async``) in that case.
Under asyncio the override defers to it, starting the call and finishing
it through PyGObject's own object, and adds what that object lacks on
Python 3.11: a task's ``cancel()`` (which passes a message that
``Async.cancel()`` refuses), ``asyncio.gather()`` (which asks for
``cancelled()``) and ``asyncio.wait_for()`` (whose timeout must end in
``TimeoutError``, not the call's ``G_IO_ERROR_CANCELLED``).  So the caller
gets the same ``asyncio.Future`` on every version.
"""

import asyncio
import threading

import gi
from gi.repository import GLib

from . import events, futures

__all__ = ['install', 'awaitable_call']

_GIInfo = gi._gi
_get_running_loop = asyncio._get_running_loop
# PyGObject's own awaitable GIO (3.50+), deferred to under asyncio.
_NativeAsync = getattr(gi._gi, 'Async', None) if gi.version_info >= (3, 50) else None

_Gio = None
_installed = False


def _is_async_ready_callback(arg):
    type_info = arg.get_type()
    if type_info.get_tag() != _GIInfo.TypeTag.INTERFACE:
        return False
    iface = type_info.get_interface()
    return (iface is not None and iface.get_name() == 'AsyncReadyCallback'
            and iface.get_namespace() == 'Gio')


def _is_cancellable(arg):
    type_info = arg.get_type()
    if type_info.get_tag() != _GIInfo.TypeTag.INTERFACE:
        return False
    iface = type_info.get_interface()
    return (iface is not None and iface.get_name() == 'Cancellable'
            and iface.get_namespace() == 'Gio')


def _python_arguments(info):
    """The arguments Python passes to ``info``, in order (after ``self``)."""
    args = list(info.get_arguments())
    hidden = set()
    for arg in args:
        if arg.get_destroy() >= 0:
            hidden.add(arg.get_destroy())
        length = arg.get_type().get_array_length()
        if length >= 0:
            hidden.add(length)
    return [arg for index, arg in enumerate(args)
            if index not in hidden and
            arg.get_direction() != _GIInfo.Direction.OUT]


class _AsyncSignature:
    """Where the callback and cancellable of an ``_async`` call go."""

    __slots__ = ('callback_index', 'callback_name', 'cancellable_index',
                 'cancellable_name')

    def __init__(self, info):
        self.callback_index = self.cancellable_index = None
        self.callback_name = self.cancellable_name = None
        for index, arg in enumerate(_python_arguments(info)):
            if self.callback_index is None and _is_async_ready_callback(arg):
                self.callback_index, self.callback_name = index, arg.get_name()
            elif self.cancellable_index is None and _is_cancellable(arg):
                self.cancellable_index = index
                self.cancellable_name = arg.get_name()


def _finish_name(name):
    if name.endswith('_async'):
        return name[:-len('_async')] + '_finish'
    return name + '_finish'


def _signature_of(info):
    """The callback layout of ``info`` if it is an ``_async`` call."""
    if not isinstance(info, _GIInfo.FunctionInfo):
        return None
    signature = _AsyncSignature(info)
    if signature.callback_index is None:
        return None
    return signature


def awaitable_call(info, finish, signature, is_method, args, kwargs):
    """Starts ``info`` with a callback that completes the returned future."""
    loop = _get_running_loop()
    stepping = futures.state.stepping
    if loop is None and stepping is None:
        return info(*args, **kwargs)   # no callback, as PyGObject does

    offset = 1 if is_method else 0
    args = list(args)
    kwargs = dict(kwargs)
    cancellable = _take_argument(args, kwargs, offset,
                                 signature.cancellable_index,
                                 signature.cancellable_name)
    if signature.cancellable_index is not None and cancellable is None:
        cancellable = _Gio.Cancellable()
        _put_argument(args, kwargs, offset, signature.cancellable_index,
                      signature.cancellable_name, cancellable)
    _take_argument(args, kwargs, offset, signature.callback_index,
                   signature.callback_name)

    if loop is not None:
        context = events._thread_default_context()
        if not events.loop_runs_context(loop, context):
            raise RuntimeError(
                f'{info.get_name()}() without a callback returns a future '
                f'that GLib completes on the thread-default '
                f'GLib.MainContext, which '
                f'the running event loop {type(loop).__name__} does not run. '
                f'Run asyncio on GLib (Aio.run(), or asyncio.set_event_loop_'
                f'policy(Aio.EventLoopPolicy())), or pass a callback.')
        future = _asyncio_future(loop, cancellable)
        complete = _asyncio_completer(loop, future, cancellable)
        if _NativeAsync is not None:
            native = info(*args, **kwargs)   # no callback: PyGObject's awaitable
            if isinstance(native, _NativeAsync):
                native.add_done_callback(_native_finisher(complete))
                future.add_done_callback(_native_canceller(native))
                return future
            raise RuntimeError(f'{info.get_name()}() without a callback gave '
                               f'{type(native).__name__}, not an awaitable')
    else:
        aio_loop = futures._Aio.Loop.get_running() or \
            futures._Aio.Loop.get_thread_default()
        future = aio_loop.create_future()
        complete = _aio_completer(future, cancellable)

    def ready(source, result, *user_data):
        try:
            if finish.is_method():
                value = finish(source, result)
            else:
                value = finish(result)
        except GLib.Error as error:
            complete(None, error)
        else:
            complete(value, None)

    _put_argument(args, kwargs, offset, signature.callback_index,
                  signature.callback_name, ready)
    info(*args, **kwargs)
    return future


def _native_finisher(complete):
    def done(native):
        try:
            value = native.result()
        except GLib.Error as error:
            complete(None, error)
        else:
            complete(value, None)
    return done


def _native_canceller(native):
    # Also for a call without a cancellable argument of its own, where
    # PyGObject's object holds the only one.
    def on_done(future):
        if future.cancelled() and not native.done():
            native.cancel()
    return on_done


def _take_argument(args, kwargs, offset, index, name):
    if index is None:
        return None
    position = offset + index
    if position < len(args):
        value = args[position]
        args[position] = None
        return value
    return kwargs.pop(name, None)


def _put_argument(args, kwargs, offset, index, name, value):
    position = offset + index
    if position < len(args):
        args[position] = value
    else:
        kwargs[name] = value


def _asyncio_future(loop, cancellable):
    future = loop.create_future()
    if cancellable is not None:
        def on_done(future):
            if future.cancelled():
                cancellable.cancel()
        future.add_done_callback(on_done)
    return future


def _asyncio_completer(loop, future, cancellable):
    thread = threading.get_ident()

    def settle(value, error):
        if future.done():
            return   # cancelled from Python; GIO has now stopped too
        if error is None:
            future.set_result(value)
        elif cancellable is not None and cancellable.is_cancelled() and \
                error.matches(_Gio.io_error_quark(),
                              _Gio.IOErrorEnum.CANCELLED):
            future.cancel()
        else:
            future.set_exception(error)

    def complete(value, error):
        if threading.get_ident() == thread:
            settle(value, error)
        else:
            loop.call_soon_threadsafe(settle, value, error)
    return complete


def _aio_completer(future, cancellable):
    if cancellable is not None:
        def on_done(future):
            if future.cancelled():
                cancellable.cancel()
        future.add_done_callback(on_done)

    def complete(value, error):
        if future.done():
            return
        if error is None:
            future.set_result(value)
        elif error.matches(_Gio.io_error_quark(), _Gio.IOErrorEnum.CANCELLED):
            future.cancel(error.message)
        else:
            future.set_error(error)
    return complete


def _wrap(info, finish, signature, is_method, static):
    def call(*args, **kwargs):
        position = signature.callback_index + (1 if is_method else 0)
        if position < len(args):
            callback = args[position]
        else:
            callback = kwargs.get(signature.callback_name)
        if callback is not None:
            return info(*args, **kwargs)
        return awaitable_call(info, finish, signature, is_method, args, kwargs)

    call.__name__ = info.__name__
    call.__qualname__ = info.__name__
    call.__doc__ = (info.__doc__ or '') + (
        '\n\nWithout a callback, returns a future to await (aio-glib).')
    call.__wrapped_info__ = info
    return staticmethod(call) if static else call


def _wrap_class(cls):
    """Wraps the awaitable ``_async`` methods defined by ``cls`` itself."""
    namespace = cls.__dict__
    for name, info in list(namespace.items()):
        if not isinstance(info, _GIInfo.FunctionInfo):
            continue
        finish = namespace.get(_finish_name(name))
        if not isinstance(finish, _GIInfo.FunctionInfo):
            continue
        signature = _signature_of(info)
        if signature is None:
            continue
        is_method = info.is_method()
        setattr(cls, name, _wrap(info, finish, signature, is_method,
                                 static=not is_method))


def _wrap_module_function(module, name, info):
    finish_name = _finish_name(name)
    finish = module.__dict__.get(finish_name)
    if finish is None:
        try:
            finish = type(module).__getattr__(module, finish_name)
        except AttributeError:
            return info
    if not isinstance(finish, _GIInfo.FunctionInfo):
        return info
    signature = _signature_of(info)
    if signature is None:
        return info
    wrapped = _wrap(info, finish, signature, False, static=False)
    module.__dict__[name] = wrapped
    return wrapped


def install(gio_module):
    """Makes every ``_async`` GIO call awaitable, now and for later classes.

    Hooks PyGObject where it sets up the methods of a new wrapper class and
    where a namespace resolves a function, then wraps what was already
    loaded.  Only callables with a ``Gio.AsyncReadyCallback`` argument and
    a ``_finish`` partner are touched, in every namespace (Gio, Soup,
    Secret, Aio...).
    """
    global _Gio, _installed
    _Gio = gio_module
    if _installed:
        return
    _installed = True

    from gi import types as gi_types
    from gi import module as gi_module

    helper = gi_types.MetaClassHelper
    original_setup = helper._setup_methods

    def _setup_methods(cls):
        original_setup(cls)
        _wrap_class(cls)
    helper._setup_methods = _setup_methods

    introspection_module = gi_module.IntrospectionModule
    original_getattr = introspection_module.__getattr__

    def __getattr__(self, name):
        value = original_getattr(self, name)
        if isinstance(value, _GIInfo.FunctionInfo) and \
                not value.is_method() and _signature_of(value) is not None:
            return _wrap_module_function(self, name, value)
        return value
    introspection_module.__getattr__ = __getattr__

    for module in list(gi_module._introspection_modules.values()):
        for name, value in list(module.__dict__.items()):
            if isinstance(value, type) and '__info__' in value.__dict__:
                _wrap_class(value)
            elif isinstance(value, _GIInfo.FunctionInfo) and \
                    _signature_of(value) is not None:
                _wrap_module_function(module, name, value)
