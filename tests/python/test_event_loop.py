# SPDX-License-Identifier: LGPL-2.1-or-later
"""asyncio on GLib: Aio.EventLoop, Aio.EventLoopPolicy and Aio.run()."""

import asyncio
import os
import signal
import socket
import sys
import threading
import time

import pytest
from gi.repository import Aio, Gio, GLib


def test_run_uses_a_glib_loop_on_the_default_context():
    async def main():
        loop = asyncio.get_running_loop()
        return loop, loop.get_context()

    loop, context = Aio.run(main())
    assert isinstance(loop, Aio.EventLoop)
    assert hash(context) == hash(GLib.MainContext.default())
    assert loop.is_closed()


def test_run_accepts_an_aio_task():
    async def body():
        await asyncio.sleep(0)
        return 'from a task'

    assert Aio.run(Aio.create_task(body())) == 'from a task'


def test_run_refuses_a_running_loop():
    async def main():
        coro = asyncio.sleep(0)
        try:
            Aio.run(coro)
        finally:
            coro.close()

    with pytest.raises(RuntimeError, match='running event loop'):
        Aio.run(main())


def test_the_turn_is_the_one_asked_for():
    # CPython 3.11's asyncio turn reads the state the fast turn copies, so
    # the fast turn is on, unless the environment asks for asyncio's own
    # (the second run of this file does).
    from gi.overrides._aio import events
    wanted = os.environ.get('AIO_PYTHON_TURN') != 'asyncio'
    if sys.implementation.name == 'cpython' and sys.version_info[:2] == (3, 11):
        assert events.FAST_TURN is wanted
    elif not wanted:
        assert events.FAST_TURN is False


def test_callbacks_and_timers_keep_asyncio_order(loop):
    order = []
    start = loop.time()
    loop.call_later(0.02, order.append, 'later 20ms')
    loop.call_at(start + 0.01, order.append, 'at 10ms')
    loop.call_soon(order.append, 'soon 1')
    loop.call_soon(order.append, 'soon 2')
    cancelled = loop.call_later(0.005, order.append, 'cancelled')
    cancelled.cancel()
    loop.call_later(0.03, loop.stop)
    loop.run_forever()

    assert order == ['soon 1', 'soon 2', 'at 10ms', 'later 20ms']
    assert loop.time() - start >= 0.03


def test_glib_sources_run_while_asyncio_waits(loop):
    async def main():
        future = loop.create_future()
        GLib.timeout_add(5, lambda: future.set_result('glib timeout') or False)
        return await future

    assert loop.run_until_complete(main()) == 'glib timeout'


def test_glib_sources_run_while_asyncio_is_busy(loop):
    # asyncio always has a ready callback here, so it never waits: GLib
    # still gets its turns.
    glib_calls = []

    def glib_idle():
        glib_calls.append(time.monotonic())
        return len(glib_calls) < 5

    async def spin():
        deadline = time.monotonic() + 0.2
        while not len(glib_calls) >= 5 and time.monotonic() < deadline:
            await asyncio.sleep(0)

    GLib.idle_add(glib_idle)
    loop.run_until_complete(spin())
    assert len(glib_calls) == 5


def test_call_soon_threadsafe_wakes_the_loop(loop):
    async def main():
        future = loop.create_future()
        thread = threading.Thread(target=lambda: loop.call_soon_threadsafe(
            future.set_result, threading.get_ident()))
        thread.start()
        result = await asyncio.wait_for(future, 5)
        thread.join()
        return result

    assert loop.run_until_complete(main()) != threading.get_ident()


def test_readers_and_writers(loop):
    left, right = socket.socketpair()
    left.setblocking(False)
    right.setblocking(False)
    received = []

    def on_readable():
        received.append(right.recv(100))
        loop.remove_reader(right)
        loop.stop()

    def on_writable():
        left.send(b'ping')
        loop.remove_writer(left)

    loop.add_reader(right, on_readable)
    loop.add_writer(left, on_writable)
    loop.run_forever()
    left.close()
    right.close()
    assert received == [b'ping']


def test_socket_methods(loop):
    async def main():
        left, right = socket.socketpair()
        left.setblocking(False)
        right.setblocking(False)
        with left, right:
            await loop.sock_sendall(left, b'x' * 100000)
            left.shutdown(socket.SHUT_WR)
            data = b''
            while True:
                chunk = await loop.sock_recv(right, 65536)
                if not chunk:
                    return data
                data += chunk

    assert len(loop.run_until_complete(main())) == 100000


def test_streams_echo(loop):
    async def handle(reader, writer):
        while data := await reader.read(1000):
            writer.write(data.upper())
            await writer.drain()
        writer.close()

    async def main():
        server = await asyncio.start_server(handle, '127.0.0.1', 0)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection('127.0.0.1', port)
        replies = []
        for word in (b'alpha', b'beta', b'gamma'):
            writer.write(word)
            replies.append(await reader.readexactly(len(word)))
        writer.close()
        await writer.wait_closed()
        server.close()
        await server.wait_closed()
        return replies

    assert loop.run_until_complete(main()) == [b'ALPHA', b'BETA', b'GAMMA']


def test_datagram_endpoint(loop):

    class Echo(asyncio.DatagramProtocol):
        def connection_made(self, transport):
            self.transport = transport

        def datagram_received(self, data, addr):
            self.transport.sendto(data[::-1], addr)

    async def main():
        server, _ = await loop.create_datagram_endpoint(
            Echo, local_addr=('127.0.0.1', 0))
        port = server.get_extra_info('sockname')[1]
        answer = loop.create_future()

        class Client(asyncio.DatagramProtocol):
            def datagram_received(self, data, addr):
                answer.set_result(data)
        client, _ = await loop.create_datagram_endpoint(
            Client, remote_addr=('127.0.0.1', port))
        client.sendto(b'abc')
        result = await asyncio.wait_for(answer, 5)
        client.close()
        server.close()
        return result

    assert loop.run_until_complete(main()) == b'cba'


@pytest.mark.parametrize('with_policy', [True, False])
def test_subprocesses(request, with_policy):
    if with_policy:
        request.getfixturevalue('policy')

    async def main():
        process = await asyncio.create_subprocess_exec(
            sys.executable, '-c',
            'import sys; print(sys.stdin.read().upper()); sys.exit(3)',
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
        out, _ = await process.communicate(b'hello')
        shell = await asyncio.create_subprocess_shell(
            'exit 7', stdout=asyncio.subprocess.DEVNULL)
        return out, process.returncode, await shell.wait()

    assert Aio.run(main()) == (b'HELLO\n', 3, 7)


def test_policy_child_watcher_reaps_through_the_loop(policy):
    watcher = asyncio.get_child_watcher() if sys.version_info < (3, 12) \
        else policy.get_child_watcher()
    assert isinstance(watcher, Aio.ChildWatcher)

    async def main():
        process = await asyncio.create_subprocess_exec('true')
        return await process.wait()

    assert asyncio.run(main()) == 0


def test_executor_and_to_thread(loop):
    async def main():
        main_thread = threading.get_ident()
        in_executor = await loop.run_in_executor(None, threading.get_ident)
        in_thread = await asyncio.to_thread(lambda: threading.get_ident())
        return main_thread not in (in_executor, in_thread)

    assert loop.run_until_complete(main())


def test_signal_handlers(loop):
    received = []

    def on_signal(name):
        received.append(name)
        loop.stop()

    loop.add_signal_handler(signal.SIGUSR1, on_signal, 'usr1')
    loop.call_soon(os.kill, os.getpid(), signal.SIGUSR1)
    loop.call_later(5, loop.stop)
    loop.run_forever()
    assert loop.remove_signal_handler(signal.SIGUSR1)
    assert received == ['usr1']


def test_exceptions_in_callbacks_reach_the_handler(loop):
    caught = []
    loop.set_exception_handler(lambda loop, context: caught.append(
        context['exception']))

    def broken():
        raise ValueError('in a callback')

    loop.call_soon(broken)
    loop.call_soon(loop.stop)
    loop.run_forever()
    assert [str(exc) for exc in caught] == ['in a callback']


def test_debug_mode(loop):
    loop.set_debug(True)
    loop.slow_callback_duration = 10

    async def main():
        await asyncio.sleep(0.001)
        future = loop.create_future()
        GLib.timeout_add(1, lambda: future.set_result(1) or False)
        return await future

    assert loop.run_until_complete(main()) == 1


def test_policy_makes_asyncio_run_on_glib(policy):
    async def main():
        return type(asyncio.get_running_loop())

    assert asyncio.run(main()) is Aio.EventLoop
    assert isinstance(policy.new_event_loop(), Aio.EventLoop)


def test_policy_as_context_manager():
    with Aio.EventLoopPolicy() as policy:
        assert asyncio.get_event_loop_policy() is policy
    assert not isinstance(asyncio.get_event_loop_policy(), Aio.EventLoopPolicy)


def test_glib_main_loop_drives_asyncio(policy):
    """A plain GLib.MainLoop (as in a GTK app) runs asyncio callbacks."""
    main_loop = GLib.MainLoop()
    events = []

    async def job():
        events.append(('running loop', type(asyncio.get_running_loop())))
        await asyncio.sleep(0.005)
        events.append('after sleep')
        await Aio.sleep(0.005)
        events.append('after Aio.sleep')
        main_loop.quit()

    def start():
        # A GLib callback: asyncio is running, so tasks can be created.
        events.append('glib idle')
        asyncio.get_running_loop().create_task(job())
        return GLib.SOURCE_REMOVE

    GLib.idle_add(start)
    GLib.timeout_add_seconds(5, main_loop.quit)
    main_loop.run()
    assert events == ['glib idle', ('running loop', Aio.EventLoop),
                      'after sleep', 'after Aio.sleep']


def test_loop_stop_quits_the_glib_main_loop(policy):
    main_loop = GLib.MainLoop()

    def stop_asyncio():
        running = asyncio.get_running_loop()
        running.call_later(0.001, running.stop)
        return GLib.SOURCE_REMOVE

    GLib.idle_add(stop_asyncio)
    failsafe = GLib.timeout_add_seconds(5, main_loop.quit)
    started = time.monotonic()
    main_loop.run()
    assert time.monotonic() - started < 4
    GLib.source_remove(failsafe)


def test_gio_application_drives_asyncio(policy):
    app = Gio.Application(application_id='org.aioglib.Test',
                          flags=Gio.ApplicationFlags.NON_UNIQUE)
    results = []

    async def work():
        reply = await asyncio.wait_for(asyncio.sleep(0.005, result='slept'), 5)
        results.append(reply)
        results.append(await Aio.create_task(_add(2, 3)))
        app.release()

    def on_activate(application):
        application.hold()
        application._task = asyncio.get_running_loop().create_task(work())

    app.connect('activate', on_activate)
    assert app.run([]) == 0
    assert results == ['slept', 5]


async def _add(a, b):
    await asyncio.sleep(0)
    return a + b


def test_running_protocol_by_hand():
    """loop.running() is how code that iterates GLib itself drives asyncio."""
    loop = Aio.new_event_loop()
    main_loop = GLib.MainLoop()
    done = []

    async def job():
        await asyncio.sleep(0.001)
        done.append(True)
        loop.stop()

    with loop.running(main_loop.quit):
        assert asyncio.get_running_loop() is loop
        loop.create_task(job())
        GLib.timeout_add_seconds(5, main_loop.quit)
        main_loop.run()
    assert done == [True]
    assert not loop.is_running()
    loop.close()


def test_loop_in_a_thread_uses_its_own_context():
    results = {}

    def worker():
        async def main():
            loop = asyncio.get_running_loop()
            results['context'] = hash(loop.get_context())
            results['thread default'] = hash(
                GLib.MainContext.get_thread_default())
            data = await Gio.File.new_for_path(__file__).load_contents_async()
            results['read'] = data[0]
            results['sleep'] = await Aio.sleep(0.001)
        Aio.run(main())

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(10)
    assert results['context'] == results['thread default']
    assert results['context'] != hash(GLib.MainContext.default())
    assert results['read'] is True
    assert results['sleep'] is None


def test_policy_joins_gi_events_on_newer_pygobject(monkeypatch):
    """On PyGObject 3.50+ the policy is a gi.events policy, with our methods.

    PyGObject's own run() overrides look for a gi.events policy and call
    get_event_loop_for_context() and loop.running(); this loads the events
    module against a stand-in gi.events to check the policy keeps its own
    behaviour while passing that isinstance() check.
    """
    import importlib.util
    import types

    import gi.overrides._aio.events as installed

    class GLibEventLoopPolicy(asyncio.AbstractEventLoopPolicy):
        def _not_ours(self, *args):
            raise AssertionError('gi.events method called')
        get_event_loop = set_event_loop = new_event_loop = _not_ours
        get_event_loop_for_context = get_child_watcher = _not_ours

    stand_in = types.ModuleType('gi.events')
    stand_in.GLibEventLoopPolicy = GLibEventLoopPolicy
    monkeypatch.setitem(sys.modules, 'gi.events', stand_in)
    spec = importlib.util.spec_from_file_location('events_on_3_50',
                                                  installed.__file__)
    events = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(events)

    policy = events.EventLoopPolicy()
    assert isinstance(policy, GLibEventLoopPolicy)
    loop = policy.get_event_loop_for_context(GLib.MainContext.default())
    assert isinstance(loop, events.GLibEventLoop)
    assert policy.get_event_loop() is loop
    assert isinstance(policy.get_child_watcher(), events.ChildWatcher)

    main_loop = GLib.MainLoop()
    seen = []

    async def job():
        seen.append(asyncio.get_running_loop() is loop)
        main_loop.quit()

    # What PyGObject 3.50's GLib.MainLoop.run() does with a gi.events loop.
    with loop.running(main_loop.quit):
        loop.create_task(job())
        GLib.timeout_add_seconds(5, main_loop.quit)
        main_loop.run()
    loop.close()
    assert seen == [True]
