# SPDX-License-Identifier: LGPL-2.1-or-later
"""Awaiting GIO *_async calls made without a callback."""

import asyncio
import socket

import pytest
from gi.repository import Aio, Gio, GLib


def test_load_contents_async_is_awaitable(tmp_path):
    path = tmp_path / 'hello.txt'
    path.write_bytes(b'hello GIO')

    async def main():
        future = Gio.File.new_for_path(str(path)).load_contents_async(None)
        assert isinstance(future, asyncio.Future)
        return await future

    ok, contents, etag = Aio.run(main())
    assert ok and contents == b'hello GIO' and etag


def test_errors_raise_glib_error(tmp_path):
    async def main():
        missing = Gio.File.new_for_path(str(tmp_path / 'missing'))
        await missing.load_contents_async()

    with pytest.raises(GLib.Error) as raised:
        Aio.run(main())
    assert raised.value.matches(Gio.io_error_quark(),
                                Gio.IOErrorEnum.NOT_FOUND)


def test_gather_several_calls(tmp_path):
    files = []
    for index in range(5):
        path = tmp_path / f'{index}.txt'
        path.write_text(str(index))
        files.append(Gio.File.new_for_path(str(path)))

    async def main():
        results = await asyncio.gather(
            *(f.load_contents_async() for f in files))
        return [contents for _, contents, _ in results]

    assert Aio.run(main()) == [b'0', b'1', b'2', b'3', b'4']


def _listening_socket():
    server = socket.socket()
    server.bind(('127.0.0.1', 0))
    server.listen(5)
    return server


def test_socket_client_and_wait_for_cancels_the_call():
    server = _listening_socket()
    port = server.getsockname()[1]

    async def main():
        client = Gio.SocketClient()
        connection = await client.connect_to_host_async('127.0.0.1', port)
        stream = connection.get_input_stream()
        cancellable = Gio.Cancellable()
        # The server never writes: the read waits until wait_for gives up,
        # and the cancellation reaches GIO through the cancellable.
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(
                stream.read_bytes_async(10, GLib.PRIORITY_DEFAULT,
                                        cancellable),
                0.02)
        cancelled = cancellable.is_cancelled()
        connection.close()
        return connection, cancelled

    try:
        connection, cancelled = Aio.run(main())
    finally:
        server.close()
    assert isinstance(connection, Gio.SocketConnection)
    assert cancelled


def test_cancelling_the_awaiting_task_cancels_a_created_cancellable():
    server = _listening_socket()
    port = server.getsockname()[1]
    seen = {}

    async def reader(stream):
        future = stream.read_bytes_async(10, GLib.PRIORITY_DEFAULT)
        seen['future'] = future
        return await future

    async def main():
        connection = await Gio.SocketClient().connect_to_host_async(
            '127.0.0.1', port)
        task = asyncio.create_task(reader(connection.get_input_stream()))
        await asyncio.sleep(0.005)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # GIO reports back, which must not disturb the cancelled future.
        await asyncio.sleep(0.005)
        connection.close()

    try:
        Aio.run(main())
    finally:
        server.close()
    assert seen['future'].cancelled()


def test_callback_style_still_works(tmp_path):
    path = tmp_path / 'data'
    path.write_bytes(b'callback')
    outcome = []
    context = GLib.MainContext.default()

    def on_done(source, result, user_data):
        outcome.append((source.load_contents_finish(result)[1], user_data))

    returned = Gio.File.new_for_path(str(path)).load_contents_async(
        None, on_done, 'data')
    while not outcome:
        context.iteration(True)
    assert returned is None
    assert outcome == [(b'callback', 'data')]


def test_without_callback_or_loop_starts_the_call_as_before(tmp_path):
    path = tmp_path / 'deleted'
    path.write_bytes(b'x')
    assert Gio.File.new_for_path(str(path)).delete_async(
        GLib.PRIORITY_DEFAULT) is None
    context = GLib.MainContext.default()
    while path.exists():
        context.iteration(True)


def test_module_function_is_awaitable():
    async def main():
        await Gio.dbus_address_get_stream('nonsense:', None)

    with pytest.raises(GLib.Error):
        Aio.run(main())


def test_inside_a_python_task_without_asyncio(tmp_path):
    path = tmp_path / 'aio'
    path.write_bytes(b'aio task')

    async def body():
        future = Gio.File.new_for_path(str(path)).load_contents_async()
        assert isinstance(future, Aio.Future)
        return (await future)[1]

    task = Aio.create_task(body())
    Aio.Loop.get_default().run_until_complete(task)
    assert task.result() == b'aio task'


def test_foreign_loop_gets_a_clear_error(tmp_path):
    async def main():
        await Gio.File.new_for_path(__file__).load_contents_async()

    with pytest.raises(RuntimeError, match='Aio.EventLoopPolicy'):
        asyncio.run(main())
