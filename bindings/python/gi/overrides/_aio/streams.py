# SPDX-License-Identifier: LGPL-2.1-or-later
"""aio-glib's streams and UDP endpoints with asyncio's Python shape.

``reader, writer = await Aio.open_connection(host, port)`` and
``server = await Aio.start_server(handler, host, port)`` as in asyncio,
where ``handler(reader, writer)`` may be a coroutine function (each client
then runs in an ``Aio.Task`` of its own), a function returning any
awaitable, or a plain function.  The readers, writers and servers are
aio-glib's own objects, so C code can share them.

UDP keeps aio-glib's shape, which has no protocol class: an
``Aio.DatagramEndpoint`` whose ``recvfrom()`` is awaited for
``(data, (host, port))``.
"""

import inspect

from gi.repository import Gio, GLib

from . import tasks

__all__ = [
    'bind', 'open_connection', 'open_unix_connection', 'start_server',
    'start_unix_server', 'create_datagram_endpoint', 'StreamReaderMethods',
    'DatagramEndpointMethods',
]

_Aio = None


def bind(aio_module):
    """Gives this module the introspected ``Aio`` namespace."""
    global _Aio
    _Aio = aio_module


def _client_tls(ssl):
    if ssl is None or ssl is False:
        return None
    if ssl is True:
        return _Aio.TlsContext.new_client()
    return ssl


async def open_connection(host, port, *, ssl=None):
    """Opens a TCP connection; returns ``(reader, writer)``.

    As asyncio's ``open_connection()``.  ``ssl`` is ``True`` (a client
    context that trusts the system's authorities) or an
    ``Aio.TlsContext``; a certificate that is not trusted raises the
    ``GLib.Error`` of ``Gio.TlsError.BAD_CERTIFICATE``.
    """
    tls = _client_tls(ssl)
    if tls is None:
        writer = await _Aio.open_connection(host, port)
    else:
        writer = await _Aio.open_connection_tls(host, port, tls)
    return writer.get_reader(), writer


async def open_unix_connection(path):
    """Opens a Unix domain socket connection; returns ``(reader, writer)``."""
    writer = await _Aio.open_unix_connection(path)
    return writer.get_reader(), writer


def _failed_future(exception):
    future = _Aio.Future.new()
    future.set_exception(exception)
    return future


def _client_starter(client_connected_cb):
    """The closure the server calls for each client.

    It returns the future the client's task waits for: a task running the
    coroutine the callback returned, the callback's own awaitable, or,
    for a plain function, the writer's ``wait_closed()``, so that the
    connection stays open until the callback's code closes it, as in
    asyncio.
    """
    def start(reader, writer):
        try:
            result = client_connected_cb(reader, writer)
        except Exception as exception:  # the server reports it
            return _failed_future(exception)
        if inspect.iscoroutine(result):
            return tasks.create_task(result, name='client-handler')
        if isinstance(result, _Aio.Future):
            return result
        if result is None:
            return writer.wait_closed()
        if inspect.isawaitable(result):
            return tasks.create_task(_await(result), name='client-handler')
        return _failed_future(TypeError(
            f'a client handler returned {type(result).__name__}, '
            'not None or an awaitable'))
    return start


async def _await(awaitable):
    return await awaitable


def _server_flags(reuse_port):
    return _Aio.ServerFlags.REUSE_PORT if reuse_port else _Aio.ServerFlags.NONE


def start_server(client_connected_cb, host=None, port=0, *, backlog=100,
                 reuse_port=False, ssl=None):
    """Starts a TCP server; the awaitable gives the ``Aio.Server``.

    As asyncio's ``start_server()``: ``client_connected_cb(reader,
    writer)`` is called for each client.  When what it returned (a
    coroutine runs as an ``Aio.Task``) is done, the server closes the
    writer; an exception it raised is logged as unhandled.  ``host``
    ``None`` listens on every interface, ``port`` 0 picks a free one
    (``server.get_port()``).  ``ssl`` is a server ``Aio.TlsContext``.
    """
    return _Aio.start_server(_client_starter(client_connected_cb), host,
                             port or 0, backlog, _server_flags(reuse_port),
                             ssl)


def start_unix_server(client_connected_cb, path):
    """Starts a Unix domain socket server, as :func:`start_server`."""
    return _Aio.start_unix_server(_client_starter(client_connected_cb), path)


def _split_addr(addr):
    if addr is None:
        return None, 0
    host, port = addr[0], addr[1]
    return host, port


def create_datagram_endpoint(local_addr=None, remote_addr=None, *,
                             reuse_port=False, allow_broadcast=False):
    """Makes a UDP endpoint; the awaitable gives the ``Aio.DatagramEndpoint``.

    ``local_addr`` and ``remote_addr`` are ``(host, port)`` tuples, as in
    asyncio's ``loop.create_datagram_endpoint()``; with ``remote_addr``
    the endpoint is connected to that peer.
    """
    flags = _Aio.DatagramFlags.NONE
    if reuse_port:
        flags |= _Aio.DatagramFlags.REUSE_PORT
    if allow_broadcast:
        flags |= _Aio.DatagramFlags.ALLOW_BROADCAST
    local_host, local_port = _split_addr(local_addr)
    remote_host, remote_port = _split_addr(remote_addr)
    return _Aio.create_datagram_endpoint(local_host, local_port, remote_host,
                                         remote_port, flags)


def address_tuple(address):
    """A ``Gio.InetSocketAddress`` as asyncio's ``(host, port)``."""
    if isinstance(address, Gio.InetSocketAddress):
        return (address.get_address().to_string(), address.get_port())
    return address


def _socket_address(addr):
    if addr is None or isinstance(addr, Gio.SocketAddress):
        return addr
    host, port = addr[0], addr[1]
    inet = Gio.InetAddress.new_from_string(host)
    if inet is None:
        raise ValueError(f'{host!r} is not an IP address')
    return Gio.InetSocketAddress.new(inet, port)


class StreamReaderMethods:
    """asyncio's defaults on ``Aio.StreamReader``."""

    def read(self, n=-1):
        """Reads up to ``n`` bytes; ``-1`` (the default) reads to the end."""
        return _Aio.StreamReader.read(self, n)

    def readuntil(self, separator=b'\n'):
        """Reads up to and including ``separator``, or the first of a tuple
        of separators (as in asyncio 3.13).
        """
        if isinstance(separator, (tuple, list)):
            if not separator:
                raise ValueError('Separator should contain at least one element')
            return _Aio.StreamReader.readuntil_any(
                self, [GLib.Bytes.new(bytes(one)) for one in separator])
        return _Aio.StreamReader.readuntil(self, bytes(separator))


class DatagramEndpointMethods:
    """Python's face of ``Aio.DatagramEndpoint``."""

    def sendto(self, data, addr=None):
        """Sends ``data`` (bytes) to ``addr``, a ``(host, port)`` or a
        ``Gio.SocketAddress``; ``None`` for a connected endpoint.  Never
        waits: what the socket cannot take now is queued.
        """
        return _Aio.DatagramEndpoint.sendto(self, GLib.Bytes.new(bytes(data)),
                                            _socket_address(addr))

    async def recvfrom(self):
        """Waits for the next datagram: ``(data, (host, port))``."""
        datagram = await _Aio.DatagramEndpoint.recvfrom(self)
        return (datagram.get_data().get_data(),
                address_tuple(datagram.get_address()))
