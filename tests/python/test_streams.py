# SPDX-License-Identifier: LGPL-2.1-or-later
"""aio-glib's streams, servers and UDP endpoints from Python.

Each test runs twice: in an asyncio task on Aio's GLib loop, and in a
Python coroutine run as an Aio.Task by aio-glib's loop alone.  The server's
client handlers are Python coroutines, each run as an Aio.Task.
"""

import asyncio
import os
import tempfile

import pytest
from gi.repository import Aio, Gio, GLib


async def upper_echo(reader, writer):
    """Answers each line in capitals until the client stops."""
    while True:
        line = await reader.readline()
        if not line:
            break
        writer.write(line.upper())
        await writer.drain()


async def talk(open_streams, lines):
    reader, writer = await open_streams
    answers = []
    for line in lines:
        writer.write(line)
        answers.append(await reader.readline())
    writer.close()
    await writer.wait_closed()
    return answers


def test_coroutine_handlers(run):
    served = []

    async def handler(reader, writer):
        served.append(Aio.current_task())
        await upper_echo(reader, writer)

    async def main():
        server = await Aio.start_server(handler, '127.0.0.1', 0)
        port = server.get_port()
        assert port > 0
        answers = await Aio.gather(*(
            talk(Aio.open_connection('127.0.0.1', port),
                 [f'client {i} line {j}\n'.encode() for j in range(5)])
            for i in range(4)))
        server.close()
        await server.wait_closed()
        return answers, server.get_n_clients()

    answers, n_clients = run(main)
    assert answers == [[f'CLIENT {i} LINE {j}\n'.encode() for j in range(5)]
                       for i in range(4)]
    assert n_clients == 0
    assert len(served) == 4
    assert all(isinstance(task, Aio.Task) for task in served)


def test_same_transcript_as_asyncio():
    """One conversation, with asyncio's streams and with Aio's."""
    async def handler(reader, writer):
        log = [await reader.readexactly(3), await reader.readuntil(b'!')]
        try:
            await reader.readexactly(10)
        except asyncio.IncompleteReadError:
            log.append('incomplete')
        except GLib.Error as error:
            assert error.matches(Aio.error_quark(), Aio.Error.INCOMPLETE_READ)
            log.append('incomplete')
        log.append(reader.at_eof())
        writer.write(repr(log).encode() + b'\n')
        await writer.drain()
        # asyncio leaves the connection open when the handler returns.
        writer.close()

    async def converse(start_server, open_connection):
        server = await start_server(handler, '127.0.0.1', 0)
        if isinstance(server, asyncio.AbstractServer):
            port = server.sockets[0].getsockname()[1]
        else:
            port = server.get_port()
        reader, writer = await open_connection('127.0.0.1', port)
        writer.write(b'abcdef!tail')
        writer.write_eof()
        answer = await reader.readline()
        rest = await reader.read()
        writer.close()
        await writer.wait_closed()
        server.close()
        await server.wait_closed()
        return answer, rest, reader.at_eof()

    theirs = asyncio.run(converse(asyncio.start_server,
                                  asyncio.open_connection))
    ours = Aio.run(converse(Aio.start_server, Aio.open_connection))
    assert ours == theirs
    assert theirs[0] == b"[b'abc', b'def!', 'incomplete', True]\n"


def test_handler_error_closes_its_client(run):
    async def broken(reader, writer):
        raise KeyError('broken handler')

    async def main():
        server = await Aio.start_server(broken, '127.0.0.1', 0)
        reader, writer = await Aio.open_connection('127.0.0.1',
                                                   server.get_port())
        data = await reader.read(10)
        writer.close()
        server.close()
        await server.wait_closed()
        return data

    assert run(main) == b''


def test_plain_function_handler_keeps_the_connection(run):
    writers = []

    def greet(reader, writer):
        writer.write(b'hello\n')
        writers.append(writer)

    async def main():
        server = await Aio.start_server(greet, '127.0.0.1', 0)
        reader, writer = await Aio.open_connection('127.0.0.1',
                                                   server.get_port())
        first = await reader.readline()
        await Aio.sleep(0.01)
        # Still open: the handler's code closes it when it likes.
        assert server.get_n_clients() == 1
        writers[0].close()
        second = await reader.read(10)
        writer.close()
        server.close()
        await server.wait_closed()
        return first, second

    assert run(main) == (b'hello\n', b'')


def test_unix_server(run):
    path = os.path.join(tempfile.mkdtemp(), 'aio.sock')

    async def main():
        server = await Aio.start_unix_server(upper_echo, path)
        answers = await talk(Aio.open_unix_connection(path), [b'unix\n'])
        server.close()
        await server.wait_closed()
        return answers

    assert run(main) == [b'UNIX\n']
    assert not os.path.exists(path)


def test_cancelled_read_loses_nothing(run):
    async def slow_sender(reader, writer):
        await Aio.sleep(0.05)
        writer.write(b'late line\n')
        await writer.drain()
        await reader.read()

    async def main():
        server = await Aio.start_server(slow_sender, '127.0.0.1', 0)
        reader, writer = await Aio.open_connection('127.0.0.1',
                                                   server.get_port())
        with pytest.raises((asyncio.TimeoutError, GLib.Error)):
            await Aio.wait_for(reader.readline(), 0.01)
        line = await reader.readline()
        writer.close()
        await writer.wait_closed()
        server.close()
        await server.wait_closed()
        return line

    assert run(main) == b'late line\n'


def test_connection_refused(run):
    async def main():
        server = await Aio.start_server(upper_echo, '127.0.0.1', 0)
        port = server.get_port()
        server.close()
        await server.wait_closed()
        try:
            await Aio.open_connection('127.0.0.1', port)
        except GLib.Error as error:
            return error.matches(Gio.io_error_quark(),
                                 Gio.IOErrorEnum.CONNECTION_REFUSED)
        return False

    assert run(main)


def test_datagrams(run):
    async def main():
        server = await Aio.create_datagram_endpoint(local_addr=('127.0.0.1', 0))
        port = server.get_local_address().get_port()
        client = await Aio.create_datagram_endpoint(
            remote_addr=('127.0.0.1', port))
        assert isinstance(client, Aio.DatagramEndpoint)
        client.sendto(b'ping')
        data, addr = await server.recvfrom()
        server.sendto(data.upper(), addr)
        reply, from_addr = await client.recvfrom()
        client.close()
        server.close()
        await client.wait_closed()
        await server.wait_closed()
        return data, addr[0], reply, from_addr == ('127.0.0.1', port)

    assert run(main) == (b'ping', '127.0.0.1', b'PING', True)


def test_datagram_refused(run):
    async def main():
        gone = await Aio.create_datagram_endpoint(local_addr=('127.0.0.1', 0))
        port = gone.get_local_address().get_port()
        gone.close()
        await gone.wait_closed()
        client = await Aio.create_datagram_endpoint(
            remote_addr=('127.0.0.1', port))
        client.sendto(b'anyone?')
        try:
            await Aio.wait_for(client.recvfrom(), 5)
        except GLib.Error as error:
            return error.matches(Gio.io_error_quark(),
                                 Gio.IOErrorEnum.CONNECTION_REFUSED)
        finally:
            client.close()
        return False

    assert run(main)


def test_reader_defaults(run):
    async def send_all(reader, writer):
        writer.write(b'a;b,c\nthe rest')
        await writer.drain()

    async def main():
        server = await Aio.start_server(send_all, '127.0.0.1', 0)
        reader, writer = await Aio.open_connection('127.0.0.1',
                                                   server.get_port())
        pieces = [await reader.readuntil((b';', b',')),
                  await reader.readuntil([b',', b';']),
                  await reader.readuntil(),
                  await reader.read()]
        with pytest.raises(ValueError):
            reader.readuntil(())
        writer.close()
        server.close()
        await server.wait_closed()
        return pieces, reader.at_eof()

    assert run(main) == ([b'a;', b'b,', b'c\n', b'the rest'], True)


def test_asyncio_client_aio_server_and_the_reverse():
    """asyncio's own streams talking to aio-glib's, both ways, on one loop."""
    async def asyncio_upper(reader, writer):
        while line := await reader.readline():
            writer.write(line.upper())
            await writer.drain()
        writer.close()

    async def main():
        aio_server = await Aio.start_server(upper_echo, '127.0.0.1', 0)
        reader, writer = await asyncio.open_connection(
            '127.0.0.1', aio_server.get_port())
        writer.write(b'asyncio to aio\n')
        first = await reader.readline()
        writer.close()
        await writer.wait_closed()
        aio_server.close()
        await aio_server.wait_closed()

        asyncio_server = await asyncio.start_server(asyncio_upper,
                                                    '127.0.0.1', 0)
        port = asyncio_server.sockets[0].getsockname()[1]
        reader, writer = await Aio.open_connection('127.0.0.1', port)
        assert isinstance(reader, Aio.StreamReader)
        writer.write(b'aio to asyncio\n')
        second = await reader.readline()
        writer.close()
        await writer.wait_closed()
        asyncio_server.close()
        await asyncio_server.wait_closed()
        return first, second

    assert Aio.run(main()) == (b'ASYNCIO TO AIO\n', b'AIO TO ASYNCIO\n')
