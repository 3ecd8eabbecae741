#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""fetch-pages.py [--timeout SECONDS] [--limit N] URL...

examples/c/fetch-pages.c in Python: asyncio code on aio-glib's loop, with
aio-glib's task group, semaphore and timeout.  Same output, same exit
status.
"""

import argparse
import sys
import urllib.parse

import gi
gi.require_version('Aio', '1')
from gi.repository import Aio, GLib  # noqa: E402


class Page:
    def __init__(self, url):
        self.url = url
        self.status = 0
        self.size = 0
        self.failure = None


async def get(url):
    """One HTTP/1.0 GET: (status, size of the body)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != 'http' or not parts.hostname:
        raise ValueError('not an http:// URL')
    reader, writer = await Aio.open_connection(parts.hostname, parts.port or 80)
    try:
        writer.write(f'GET {parts.path or "/"} HTTP/1.0\r\n'
                     f'Host: {parts.hostname}\r\n\r\n'.encode())
        await writer.drain()
        answer = await reader.read(-1)
    finally:
        writer.close()
    head, sep, body = answer.partition(b'\r\n\r\n')
    fields = head.split(b' ', 2)
    if not sep or len(fields) < 2 or not fields[0].startswith(b'HTTP/'):
        raise ValueError('not an HTTP answer')
    return int(fields[1]), len(body)


async def fetch_all(pages, limit, timeout):
    slots = Aio.Semaphore(limit)
    counts = {'running': 0, 'most': 0}

    async def fetch(page):
        async with slots:
            counts['running'] += 1
            counts['most'] = max(counts['most'], counts['running'])
            try:
                page.status, page.size = await get(page.url)
            except GLib.Error as error:
                page.failure = error.message
            except ValueError as error:
                page.failure = str(error)
            finally:
                counts['running'] -= 1

    try:
        async with Aio.timeout(timeout):
            async with Aio.TaskGroup() as group:
                for page in pages:
                    group.create_task(fetch(page))
    except TimeoutError:
        pass
    return counts['most']


def main():
    parser = argparse.ArgumentParser(description='fetch pages concurrently')
    parser.add_argument('--timeout', '-t', type=float, default=10.0)
    parser.add_argument('--limit', '-l', type=int, default=4)
    parser.add_argument('urls', nargs='+', metavar='URL')
    args = parser.parse_args()
    if not args.timeout > 0 or args.limit < 1:
        parser.error('give a timeout above 0 and a limit of at least 1')

    pages = [Page(url) for url in args.urls]
    most = Aio.run(fetch_all(pages, args.limit, args.timeout))

    fetched = sum(1 for p in pages if 200 <= p.status < 300)
    for page in pages:
        if page.status:
            print(f'{page.status} {page.size} {page.url}')
        else:
            print(f'error {page.failure or "timed out"} {page.url}')
    total = sum(p.size for p in pages if 200 <= p.status < 300)
    print(f'fetched {fetched} of {len(pages)} pages, {total} bytes, at most {most} at once')
    return 0 if fetched == len(pages) else 1


if __name__ == '__main__':
    sys.exit(main())
