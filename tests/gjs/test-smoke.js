// SPDX-License-Identifier: LGPL-2.1-or-later
// Smoke tests of the Aio-1 typelib through GJS, without any overrides: what
// every binding sees of the C API.

import Aio from 'gi://Aio?version=1';
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';

import {equal, ok, run, test, throws} from './tap.js';

const loop = Aio.Loop.get_default();

function isCancelled(error) {
    return error instanceof GLib.Error &&
        error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED);
}

test('future value through the typelib', () => {
    const future = Aio.Future.new();
    equal(future.get_state(), Aio.FutureState.PENDING);

    ok(future.set_int(42));
    ok(future.done());
    equal(future.get_state(), Aio.FutureState.FINISHED);
    equal(future.get_int(), 42);
});

test('string result from call_soon on the loop', () => {
    const future = loop.create_future();
    loop.call_soon(() => future.set_string('from JS'));

    ok(loop.run_until_complete(future));
    equal(future.get_string(), 'from JS');
});

test('misuse reports AIO_ERROR codes', () => {
    const future = Aio.Future.new();

    let error = throws(() => future.get_int());
    ok(error.matches(Aio.error_quark(), Aio.Error.INVALID_STATE), error.message);

    future.set_double(0.5);
    error = throws(() => future.set_double(1.5));
    equal(error.domain, Aio.error_quark());
    equal(error.code, Aio.Error.INVALID_STATE);
    error = throws(() => future.get_string());
    equal(error.code, Aio.Error.TYPE_MISMATCH);
    equal(future.get_double(), 0.5);
});

test('Aio.sleep and run_until_complete', () => {
    const started = loop.time();
    const nap = Aio.sleep(0.02);

    ok(!nap.done());
    ok(loop.run_until_complete(nap));
    ok(loop.time() - started >= 0.02, 'slept long enough');
});

test('done callbacks are scheduled, not run inline', () => {
    const future = loop.create_future();
    const calls = [];

    future.add_done_callback(f => calls.push(f.get_int()));
    future.set_int(7);
    equal(calls.length, 0);

    loop.run_until_complete(Aio.sleep(0));
    equal(calls.join(), '7');
});

test('a stackless task driven by a JS step function', () => {
    const seen = [];
    const task = Aio.Task.new_stackless(loop, 'js-step', (self, awaited) => {
        seen.push(awaited);
        if (awaited === null)
            return Aio.sleep(0.001);
        if (seen.length === 2) {
            const reply = loop.create_future();
            loop.call_soon(() => reply.set_string('pong'));
            return reply;
        }
        self.return_string(`${awaited.get_string()}!`);
        return null;
    });

    ok(task.is_stackless());
    equal(task.get_name(), 'js-step');
    ok(loop.run_until_complete(task));
    equal(task.get_string(), 'pong!');
    equal(seen.length, 3);
});

test('a stackless task cancelled while it awaits', () => {
    const task = Aio.Task.new_stackless(loop, null, (self, awaited) => {
        if (awaited === null)
            return Aio.sleep(3600);
        try {
            awaited.propagate();
        } catch (e) {
            self.return_error(e);
        }
        return null;
    });
    loop.call_later(0.001, () => task.cancel('stop'));

    const error = throws(() => loop.run_until_complete(task));
    ok(isCancelled(error), `${error}`);
    equal(error.message, 'stop');
    ok(task.cancelled());
});

test('a loop on a non-default context', () => {
    const context = new GLib.MainContext();
    const other = Aio.Loop.get_for_context(context);
    ok(other !== loop);

    const future = other.create_future();
    other.call_later(0.001, () => future.set_boolean(true));
    ok(other.run_until_complete(future));
    equal(future.get_boolean(), true);
});

test('C-only suspension calls are not visible', () => {
    for (const name of ['await', 'await_int', 'await_gio', 'yield',
        'in_coroutine', 'gio_ready', 'gio_data', 'gio_cancellable'])
        equal(typeof Aio[name], 'undefined', name);
    equal(typeof Aio.Task.new_full, 'undefined', 'Task.new_full');
    equal(typeof Aio.sleep, 'function');
});

run();
