// SPDX-License-Identifier: LGPL-2.1-or-later
// fetch-pages.js [--timeout SECONDS] [--limit N] URL...
//
// examples/c/fetch-pages.c in JavaScript, through the GJS override: JS
// async functions as tasks of an Aio.TaskGroup, an Aio.Semaphore and
// Aio.timeout.  Same output, same exit status.  From a build directory:
//   GJS_PATH=../bindings/gjs GI_TYPELIB_PATH=aio-glib LD_LIBRARY_PATH=aio-glib \
//     gjs -m ../examples/js/fetch-pages.js URL...

import Aio from 'gi://Aio?version=1';
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import System from 'system';

const encoder = new TextEncoder();

function usage(message) {
    printerr(`fetch-pages.js: ${message}`);
    System.exit(2);
}

function parseArgs(args) {
    const options = {timeout: 10, limit: 4, urls: []};
    for (let i = 0; i < args.length; i++) {
        const arg = args[i];
        if (arg === '--timeout' || arg === '-t')
            options.timeout = Number(args[++i]);
        else if (arg === '--limit' || arg === '-l')
            options.limit = Number(args[++i]);
        else if (arg.startsWith('-'))
            usage(`unknown option ${arg}`);
        else
            options.urls.push(arg);
    }
    if (options.urls.length === 0 || !(options.timeout > 0) ||
            !Number.isInteger(options.limit) || options.limit < 1)
        usage('give at least one URL, a timeout above 0 and a limit of at least 1');
    return options;
}

// One HTTP/1.0 GET: [status, size of the body].  Each await goes through
// task.guard(), so cancelling the task (the timeout) cancels it there.
async function get(url, task) {
    let uri;
    try {
        uri = GLib.Uri.parse(url, GLib.UriFlags.NONE);
    } catch (e) {
        throw new Error(e.message);
    }
    if (uri.get_scheme() !== 'http' || !uri.get_host())
        throw new Error('not an http:// URL');
    const host = uri.get_host();
    const writer = await task.guard(
        Aio.open_connection(host, uri.get_port() > 0 ? uri.get_port() : 80));
    let answer;
    try {
        writer.write_bytes(new GLib.Bytes(encoder.encode(
            `GET ${uri.get_path() || '/'} HTTP/1.0\r\nHost: ${host}\r\n\r\n`)));
        await task.guard(writer.drain());
        answer = (await task.guard(writer.get_reader().read(-1))).toArray();
    } finally {
        writer.close();
    }
    const text = new TextDecoder('latin1').decode(answer);
    const end = text.indexOf('\r\n\r\n');
    const match = /^HTTP\/\d\.\d (\d+)/.exec(text);
    if (end < 0 || match === null)
        throw new Error('not an HTTP answer');
    return [Number(match[1]), answer.length - (end + 4)];
}

async function fetchAll(pages, limit, timeout) {
    const slots = Aio.Semaphore.new(limit);
    let running = 0, most = 0;

    const fetch = async (page, task) => {
        await task.guard(slots.acquire());
        running++;
        most = Math.max(most, running);
        try {
            [page.status, page.size] = await get(page.url, task);
        } catch (e) {
            if (e instanceof GLib.Error && e.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED))
                throw e;
            page.failure = e.message;
        } finally {
            running--;
            slots.release();
        }
    };

    try {
        await Aio.timeout(timeout, async task => {
            const group = Aio.TaskGroup.new();
            for (const page of pages)
                group.spawn(page.url, task => fetch(page, task));
            await task.guard(group.join());
        });
    } catch (e) {
        if (!(e instanceof GLib.Error && e.matches(Gio.io_error_quark(), Gio.IOErrorEnum.TIMED_OUT)))
            throw e;
    }
    return most;
}

const options = parseArgs(ARGV);
const pages = options.urls.map(url => ({url, status: 0, size: 0, failure: null}));
const most = Aio.run(() => fetchAll(pages, options.limit, options.timeout));

let fetched = 0, total = 0;
for (const page of pages) {
    if (page.status)
        print(`${page.status} ${page.size} ${page.url}`);
    else
        print(`error ${page.failure ?? 'timed out'} ${page.url}`);
    if (page.status >= 200 && page.status < 300) {
        fetched++;
        total += page.size;
    }
}
print(`fetched ${fetched} of ${pages.length} pages, ${total} bytes, at most ${most} at once`);
System.exit(fetched === pages.length ? 0 : 1);
