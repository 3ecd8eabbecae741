#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The asyncio and uvloop servers of the echo benchmark: asyncio streams.

    bench-echo-asyncio.py --loop asyncio|uvloop [--port 0]

Prints "listening on 127.0.0.1:PORT" and runs until SIGTERM or SIGINT,
as bench-echo-server does.
"""

import argparse
import asyncio
import signal
import socket


async def echo(reader, writer):
    sock = writer.get_extra_info('socket')
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    writer.close()


async def main(port):
    server = await asyncio.start_server(echo, '127.0.0.1', port, backlog=1024)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print('listening on 127.0.0.1:%d' % server.sockets[0].getsockname()[1], flush=True)
    await stop.wait()
    server.close()


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--loop', choices=('asyncio', 'uvloop'), default='asyncio')
    parser.add_argument('--port', type=int, default=0)
    args = parser.parse_args()
    if args.loop == 'uvloop':
        import uvloop
        uvloop.install()
    asyncio.run(main(args.port))
