// SPDX-License-Identifier: LGPL-2.1-or-later
// Streams through the typelib from GJS, without overrides: a server whose
// handler is a JS function, a client connection, line reads, an error
// from a refused connection, UDP and DNS.

import Aio from 'gi://Aio?version=1';
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';

import {equal, ok, run, test, throws} from './tap.js';

const loop = Aio.Loop.get_default();
const decoder = new TextDecoder();
const encoder = new TextEncoder();

// Runs the loop until @future is done and gives its result as a JS value.
function resultOf(future) {
    loop.run_until_complete(future);
    const [, value] = future.get_value();
    return value;
}

function text(bytes) {
    return decoder.decode(bytes.toArray());
}

// An echo handler as a chain of futures: read a line, write it back, until
// the end of the stream; the future it returns ends with the client.
function echoHandler(served) {
    return (reader, writer) => {
        served.count++;
        const done = loop.create_future();
        const next = () => {
            reader.readline().add_done_callback(f => {
                const [, line] = f.get_value();
                if (line.get_size() === 0) {
                    done.set_boolean(true);
                    return;
                }
                writer.write_bytes(line);
                writer.drain().add_done_callback(next);
            });
        };
        next();
        return done;
    };
}

test('a JS handler serves TCP clients, lines echoed', () => {
    const served = {count: 0};
    const server = resultOf(Aio.start_server(echoHandler(served), '127.0.0.1', 0, 0,
        Aio.ServerFlags.NONE, null));
    ok(server instanceof Aio.Server);
    const port = server.get_port();
    ok(port > 0);

    for (let i = 0; i < 3; i++) {
        const writer = resultOf(Aio.open_connection('127.0.0.1', port));
        const reader = writer.get_reader();
        writer.write_bytes(new GLib.Bytes(encoder.encode(`hello ${i}\n`)));
        equal(text(resultOf(reader.readline())), `hello ${i}\n`);
        writer.write_bytes(new GLib.Bytes(encoder.encode('a\nb\n')));
        equal(text(resultOf(reader.readexactly(4))), 'a\nb\n');
        writer.close();
        ok(resultOf(writer.wait_closed()));
    }
    equal(served.count, 3);
    server.close();
    ok(resultOf(server.wait_closed()));
    equal(server.get_n_clients(), 0);
});

test('a refused connection rejects with GIO\'s error', () => {
    // A port that was free a moment ago: bind, note it, close.
    const server = resultOf(Aio.start_server(() => null, '127.0.0.1', 0, 0,
        Aio.ServerFlags.NONE, null));
    const port = server.get_port();
    server.close();
    resultOf(server.wait_closed());

    const error = throws(() => loop.run_until_complete(Aio.open_connection('127.0.0.1', port)));
    ok(error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CONNECTION_REFUSED), error.message);
});

test('readexactly at the end carries Aio.Error.INCOMPLETE_READ', () => {
    const server = resultOf(Aio.start_server((reader, writer) => {
        writer.write_bytes(new GLib.Bytes(encoder.encode('abc')));
        writer.close();
        return null;
    }, '127.0.0.1', 0, 0, Aio.ServerFlags.NONE, null));
    const writer = resultOf(Aio.open_connection('127.0.0.1', server.get_port()));
    const future = writer.get_reader().readexactly(10);
    const error = throws(() => loop.run_until_complete(future));
    ok(future.done());
    ok(error.matches(Aio.error_quark(), Aio.Error.INCOMPLETE_READ), error.message);
    writer.close();
    resultOf(writer.wait_closed());
    server.close();
    resultOf(server.wait_closed());
});

test('a cancelled read loses no bytes', () => {
    const server = resultOf(Aio.start_server(echoHandler({count: 0}), '127.0.0.1', 0, 0,
        Aio.ServerFlags.NONE, null));
    const writer = resultOf(Aio.open_connection('127.0.0.1', server.get_port()));
    const reader = writer.get_reader();
    const pending = reader.readline();
    ok(pending.cancel('not now'));
    loop.run_until_complete(Aio.sleep(0));
    ok(pending.cancelled());
    writer.write_bytes(new GLib.Bytes(encoder.encode('kept\n')));
    equal(text(resultOf(reader.readline())), 'kept\n');
    writer.close();
    resultOf(writer.wait_closed());
    server.close();
    resultOf(server.wait_closed());
});

test('UDP datagrams both ways, with the sender\'s address', () => {
    const echo = resultOf(Aio.create_datagram_endpoint('127.0.0.1', 0, null, 0,
        Aio.DatagramFlags.NONE));
    const local = echo.get_local_address();
    const client = resultOf(Aio.create_datagram_endpoint(null, 0, '127.0.0.1', local.get_port(),
        Aio.DatagramFlags.NONE));
    client.sendto(new GLib.Bytes(encoder.encode('ping')), null);
    const datagram = resultOf(echo.recvfrom());
    equal(text(datagram.get_data()), 'ping');
    echo.sendto(new GLib.Bytes(encoder.encode('pong')), datagram.get_address());
    equal(text(resultOf(client.recvfrom()).get_data()), 'pong');
    client.close();
    echo.close();
});

test('getnameinfo names the loopback address', () => {
    const address = Gio.InetSocketAddress.new_from_string('127.0.0.1', 80);
    const name = resultOf(Aio.getnameinfo(address));
    ok(typeof name === 'string' && name.length > 0, `got ${name}`);
});

run();
