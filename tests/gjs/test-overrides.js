// SPDX-License-Identifier: LGPL-2.1-or-later
// The GJS override (bindings/gjs/overrides/Aio.js): await on futures and
// tasks, JS async functions as tasks, errors and cancellation across the
// boundary, the asyncio names, async iteration, GIO calls, files and
// subprocesses, and 10k JS tasks mixed with C tasks.

import Aio from 'gi://Aio?version=1';
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import System from 'system';

import {equal, ok, rejects, runAsync, test, throws} from './tap.js';

const loop = Aio.Loop.get_default();
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function isCancelled(error) {
    return error instanceof GLib.Error &&
        error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED);
}

function later(seconds, callback) {
    loop.call_later(seconds, callback);
}

test('await gives a future\'s value as a JS value', async () => {
    const future = loop.create_future();
    later(0.001, () => future.set_string('ready'));
    equal(await future, 'ready');
    const number = loop.create_future();
    number.set_int(7);
    equal(await number, 7);
    equal(await Aio.sleep(0.001), null);
});

test('a failed future rejects with its GLib.Error', async () => {
    const future = loop.create_future();
    future.set_error(new GLib.Error(Aio.error_quark(), Aio.Error.QUEUE_EMPTY, 'empty'));
    const error = await rejects(future);
    ok(error instanceof GLib.Error);
    ok(error.matches(Aio.error_quark(), Aio.Error.QUEUE_EMPTY), error.message);
});

test('cancelling from JS rejects the await with CANCELLED', async () => {
    const nap = Aio.sleep(3600);
    later(0.001, () => nap.cancel('from JS'));
    const error = await rejects(nap);
    ok(isCancelled(error), `${error}`);
    equal(error.message, 'from JS');
    ok(nap.cancelled());
});

test('a JS async function as an Aio.Task: result seen from C getters', async () => {
    const task = Aio.Task.fromAsync('js-task', async self => {
        ok(self instanceof Aio.Task);
        await Aio.sleep(0.001);
        return 40 + 2;
    });
    ok(task instanceof Aio.Task);
    equal(task.get_name(), 'js-task');
    ok(Aio.all_tasks(null).includes(task), 'listed in all_tasks()');
    equal(await task, 42);
    equal(task.get_int64(), 42);
    equal(await Aio.Task.fromAsync(null, async () => 'text').then(v => v), 'text');
    const object = {any: ['js', 'value']};
    equal(await Aio.Task.fromAsync(null, async () => object), object);
});

test('a JS value survives the JS side dropping the task while C holds it', async () => {
    const queue = Aio.Queue.new(0);
    (() => {
        const task = Aio.Task.fromAsync(null, async () => ({list: [1, 2, 3]}));
        queue.put_nowait(task);
    })();
    await Aio.sleep(0.001);
    System.gc();
    // A future whose value is a future resolves to that one's outcome, as a
    // promise adopts a thenable; get_object() gives the task itself.
    const got = queue.get();
    equal(JSON.stringify(await got), '{"list":[1,2,3]}');
    const task = got.get_object();
    ok(task instanceof Aio.Task);
    equal(JSON.stringify(await task), '{"list":[1,2,3]}');
});

test('a JS exception keeps its type through a task; GLib errors keep their code', async () => {
    const task = Aio.Task.fromAsync('thrower', async () => {
        throw new RangeError('too far');
    });
    const error = await rejects(task);
    ok(error instanceof RangeError);
    equal(error.message, 'too far');
    // C sees AIO_ERROR_FAILED with the message.
    const gerror = throws(() => task.propagate());
    ok(gerror.matches(Aio.error_quark(), Aio.Error.FAILED));
    ok(gerror.message.includes('too far'));

    const gio = Aio.Task.fromAsync(null, async () => {
        throw new GLib.Error(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_FOUND, 'gone');
    });
    ok((await rejects(gio)).matches(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_FOUND));
});

test('cancelling a JS task from C reaches the body through guard() and cancellable', async () => {
    const seen = [];
    const task = Aio.Task.fromAsync('sleeper', async self => {
        try {
            await self.guard(Aio.sleep(3600));
        } catch (error) {
            seen.push(isCancelled(error), self.cancellable.is_cancelled());
            throw error;
        }
    });
    later(0.005, () => task.cancel('stop'));
    ok(isCancelled(await rejects(task)));
    ok(task.cancelled());
    equal(seen.join(), 'true,true');

    // A body that handles the cancellation ends with its own result.
    const stubborn = Aio.Task.fromAsync(null, async self => {
        try {
            await self.guard(Aio.sleep(3600));
        } catch {
            return 'cleaned up';
        }
        return 'slept';
    });
    later(0.005, () => stubborn.cancel(null));
    equal(await stubborn, 'cleaned up');

    // Cancelled before it ever ran: the body does not run.
    let ran = false;
    const early = Aio.Task.fromAsync(null, async () => {
        ran = true;
    });
    early.cancel(null);
    ok(isCancelled(await rejects(early)));
    equal(ran, false);
});

test('a generator body: values and errors at each yield, cancellation thrown at the current one', async () => {
    const task = Aio.Task.fromGenerator('gen', function* (self) {
        ok(self instanceof Aio.Task);
        const a = yield Aio.sleep(0.001);
        equal(a, null);
        const f = self.get_loop().create_future();
        self.get_loop().call_soon(() => f.set_int(20));
        const b = yield f;
        const c = yield Promise.resolve(22);
        let caught;
        try {
            yield Aio.path_read_all('/nonexistent/file');
        } catch (e) {
            caught = e;
        }
        ok(caught.matches(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_FOUND));
        return b + c;
    });
    equal(await task, 42);
    equal(task.get_int64(), 42);

    const steps = [];
    const sleeper = Aio.Task.fromGenerator(null, function* () {
        try {
            yield Aio.sleep(3600);
        } catch (e) {
            steps.push(isCancelled(e) ? 'cancelled at the yield' : `${e}`);
            throw e;
        } finally {
            steps.push('finally');
        }
    });
    later(0.002, () => sleeper.cancel('stop'));
    const error = await rejects(sleeper);
    ok(isCancelled(error));
    equal(error.message, 'stop');
    equal(steps.join(), 'cancelled at the yield,finally');

    let ran = false;
    const early = Aio.Task.fromGenerator(null, function* () {
        ran = true;
    });
    early.cancel(null);
    ok(isCancelled(await rejects(early)));
    equal(ran, false);

    const thrower = Aio.Task.fromGenerator(null, function* () {
        yield Aio.sleep(0);
        throw new SyntaxError('bad');
    });
    ok((await rejects(thrower)) instanceof SyntaxError);
});

test('a raw step function that throws fails its task; one that returns a promise waits on it', async () => {
    const thrower = Aio.Task.new_stackless(loop, 'thrower', () => {
        throw new GLib.Error(Aio.error_quark(), Aio.Error.INVALID_ARGUMENT, 'no');
    });
    const error = await rejects(thrower);
    ok(error.matches(Aio.error_quark(), Aio.Error.INVALID_ARGUMENT), `${error}`);
    equal(thrower.get_state(), Aio.FutureState.FINISHED);
    ok(throws(() => thrower.propagate()).matches(Aio.error_quark(), Aio.Error.INVALID_ARGUMENT));

    const jsThrower = Aio.Task.new_stackless(loop, null, () => {
        throw new TypeError('typed');
    });
    ok((await rejects(jsThrower)) instanceof TypeError);

    let second = null;
    const promised = Aio.Task.new_stackless(loop, null, (self, awaited) => {
        if (awaited === null)
            return new Promise(resolve => later(0.001, () => resolve('from a promise')));
        second = awaited.result();
        self.return_string(second);
        return null;
    });
    equal(await promised, 'from a promise');
    equal(second, 'from a promise');
});

test('wait_async without a callback returns a promise', async () => {
    const future = loop.create_future();
    later(0.001, () => future.set_int(5));
    ok(await future.wait_async(null));
    equal(future.get_int(), 5);
    const failed = loop.create_future();
    failed.cancel('gone');
    ok(isCancelled(await rejects(failed.wait_async(null))));
});

test('a promise as an Aio.Future, and a plain thenable', async () => {
    const future = Aio.Future.fromPromise(new Promise(resolve => later(0.001, () => resolve(3.5))));
    ok(future instanceof Aio.Future);
    equal(await future, 3.5);
    equal(future.get_double(), 3.5);
    const failed = Aio.Future.fromPromise(Promise.reject(new Error('no')));
    equal((await rejects(failed)).message, 'no');
    equal(await Aio.Future.fromPromise({then: resolve => resolve(true)}), true);
    equal(future.result(), 3.5);
});

test('Aio.gather over C futures, JS tasks and promises', async () => {
    const values = await Aio.gather(Aio.sleep(0.001),
        async () => 'js',
        Promise.resolve(5),
        Aio.Task.fromAsync(null, async () => {
            await Aio.sleep(0.002);
            return [1, 2];
        }));
    equal(JSON.stringify(values), '[null,"js",5,[1,2]]');

    const error = await rejects(Aio.gather(Aio.sleep(0.001), async () => {
        throw new TypeError('bad');
    }));
    ok(error instanceof TypeError, `${error}`);

    const both = await Aio.gather(async () => 1, async () => {
        throw new Error('two');
    }, {returnErrors: true});
    equal(both[0], 1);
    ok(both[1] instanceof GLib.Error || both[1] instanceof Error);
});

test('Aio.wait_for and Aio.timeout time out with G_IO_ERROR_TIMED_OUT', async () => {
    equal(await Aio.wait_for(async () => 'quick', 1), 'quick');
    let error = await rejects(Aio.wait_for(Aio.sleep(3600), 0.01));
    ok(error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.TIMED_OUT), `${error}`);

    let cleanedUp = false;
    error = await rejects(Aio.timeout(0.01, async task => {
        try {
            await task.guard(Aio.sleep(3600));
        } finally {
            cleanedUp = true;
        }
    }));
    ok(error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.TIMED_OUT), `${error}`);
    ok(cleanedUp, 'the timed-out body saw its cancellation');
    equal(await Aio.timeout(1, async () => 'in time'), 'in time');
});

test('a TaskGroup joins JS tasks with C-made ones, and a failure cancels the rest', async () => {
    const group = Aio.TaskGroup.new();
    const order = [];
    group.spawn('a', async () => {
        await Aio.sleep(0.002);
        order.push('a');
    });
    group.add_task(Aio.Task.fromAsync('b', async () => {
        order.push('b');
    }));
    await group.join();
    equal(order.sort().join(), 'a,b');

    const failing = Aio.TaskGroup.new();
    let sleeperCancelled = false;
    failing.spawn('sleeper', async task => {
        try {
            await task.guard(Aio.sleep(3600));
        } catch (e) {
            sleeperCancelled = isCancelled(e);
            throw e;
        }
    });
    failing.spawn('failer', async () => {
        await Aio.sleep(0.002);
        throw new GLib.Error(Aio.error_quark(), Aio.Error.FAILED, 'failer failed');
    });
    const error = await rejects(failing.join());
    ok(error instanceof GLib.Error, `${error}`);
    ok(sleeperCancelled, 'the other task was cancelled');
});

test('locks, events and queues through await', async () => {
    const lock = Aio.Lock.new();
    const events = [];
    const worker = async name => {
        await lock.acquire();
        try {
            events.push(`${name}+`);
            await Aio.sleep(0.001);
            events.push(`${name}-`);
        } finally {
            lock.release();
        }
    };
    await Aio.gather(() => worker('x'), () => worker('y'));
    equal(events.join(), 'x+,x-,y+,y-');

    const queue = Aio.Queue.new(2);
    const consumer = Aio.Task.fromAsync(null, async () => {
        const got = [];
        for (let i = 0; i < 5; i++)
            got.push(await queue.get());
        return got;
    });
    for (let i = 0; i < 5; i++)
        await queue.put_int(i);
    equal(JSON.stringify(await consumer), '[0,1,2,3,4]');

    const event = Aio.Event.new();
    later(0.001, () => event.set());
    ok(await event.wait());
});

test('for await over an async generator (file lines) and a stream reader', async () => {
    const dir = GLib.dir_make_tmp('aio-gjs-XXXXXX');
    const path = GLib.build_filenamev([dir, 'lines.txt']);
    await Aio.path_write_all(path, new GLib.Bytes(encoder.encode('one\ntwo\nthree')));
    const generator = Aio.file_lines(Gio.File.new_for_path(path));
    ok(generator instanceof Aio.AsyncGenerator);
    const got = [];
    for await (const line of generator)
        got.push(line);
    equal(JSON.stringify(got), '["one\\n","two\\n","three"]');
    await Aio.file_delete(Gio.File.new_for_path(path));
    Gio.File.new_for_path(dir).delete(null);
});

test('for await over a stream reader\'s lines', async () => {
    const input = Gio.MemoryInputStream.new_from_bytes(
        new GLib.Bytes(encoder.encode('one\ntwo\nthree')));
    const reader = Aio.StreamReader.new_for_stream(input, null);
    const lines = [];
    for await (const line of reader)
        lines.push(decoder.decode(line.toArray()));
    equal(JSON.stringify(lines), '["one\\n","two\\n","three"]');
});

test('Aio.callAsync awaits any GIO _async method, cancellable included', async () => {
    const dir = GLib.dir_make_tmp('aio-gjs-XXXXXX');
    const file = Gio.File.new_for_path(GLib.build_filenamev([dir, 'a.txt']));
    file.replace_contents(encoder.encode('contents'), null, false,
        Gio.FileCreateFlags.NONE, null);
    // The _finish method's results, as GJS returns them.
    const [, bytes] = await Aio.callAsync(file, 'load_contents_async', null);
    equal(decoder.decode(bytes), 'contents');

    const error = await rejects(Aio.callAsync(
        Gio.File.new_for_path(`${dir}/missing`), 'load_contents_async', null));
    ok(error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_FOUND));

    const cancellable = new Gio.Cancellable();
    const future = Aio.callAsync(file, 'query_info_async', 'standard::size',
        Gio.FileQueryInfoFlags.NONE, GLib.PRIORITY_DEFAULT, cancellable);
    future.cancel(null);
    ok(isCancelled(await rejects(future)));
    ok(cancellable.is_cancelled(), 'cancelling the future cancels the GIO call');
    throws(() => Aio.callAsync(file, 'no_such_async'));
    file.delete(null);
    Gio.File.new_for_path(dir).delete(null);
});

test('files: write_all and read_all, GIO error codes', async () => {
    const dir = GLib.dir_make_tmp('aio-gjs-XXXXXX');
    const path = GLib.build_filenamev([dir, 'data.bin']);
    const etag = await Aio.path_write_all(path, new GLib.Bytes(encoder.encode('abc')));
    ok(typeof etag === 'string' && etag.length > 0);
    const data = await Aio.path_read_all(path);
    equal(decoder.decode(data.toArray()), 'abc');
    const error = await rejects(Aio.path_read_all(`${dir}/missing`));
    ok(error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_FOUND));
    await Aio.file_delete(Gio.File.new_for_path(path));
    Gio.File.new_for_path(dir).delete(null);
});

test('subprocesses: communicate and wait', async () => {
    const F = Gio.SubprocessFlags;
    const proc = Aio.create_subprocess_exec(['sh', '-c', 'tr a-z A-Z; exit 3'],
        F.STDIN_PIPE | F.STDOUT_PIPE);
    const future = proc.communicate(new GLib.Bytes(encoder.encode('hello')));
    await future;
    const [, out] = Aio.Subprocess.communicate_result(future);
    equal(decoder.decode(out.toArray()), 'HELLO');
    equal(await proc.wait(), 3);

    const missing = throws(() => Aio.create_subprocess_exec(['/nonexistent/program'], F.NONE));
    ok(missing.message.includes('/nonexistent/program'), missing.message);
});

test('Ctrl-C under Aio.run cancels the main task, which ends with AIO_ERROR_INTERRUPTED', async () => {
    const dir = GLib.dir_make_tmp('aio-gjs-XXXXXX');
    const script = GLib.build_filenamev([dir, 'child.js']);
    GLib.file_set_contents(script, `
        import Aio from 'gi://Aio?version=1';
        try {
            Aio.run(async task => {
                print('ready');
                await task.guard(Aio.sleep(30));
            });
            print('finished');
        } catch (e) {
            print(e.matches(Aio.error_quark(), Aio.Error.INTERRUPTED) ? 'interrupted' : \`\${e}\`);
        }`);
    const gjs = GLib.find_program_in_path('gjs');
    const proc = Aio.create_subprocess_exec([gjs, '-m', script], Gio.SubprocessFlags.STDOUT_PIPE);
    const out = proc.get_stdout();
    equal(decoder.decode((await out.readline()).toArray()), 'ready\n');
    const start = GLib.get_monotonic_time();
    proc.send_signal(2);   // SIGINT
    equal(decoder.decode((await out.read(-1)).toArray()), 'interrupted\n');
    equal(await proc.wait(), 0);
    ok(GLib.get_monotonic_time() - start < 5000000, 'ended promptly');
    GLib.unlink(script);
    GLib.rmdir(dir);
});

test('to_thread refuses JS functions with a clear error', () => {
    const error = throws(() => Aio.to_thread(() => 1));
    ok(error instanceof TypeError);
    ok(error.message.includes('thread'));
});

test('call graphs and the task tree through the typelib', async () => {
    const loop = Aio.Loop.get_default();
    const never = loop.create_future();
    const leaf = Aio.Task.fromAsync('js-leaf', async task => {
        await task.guard(never);
    });
    const waiter = Aio.Task.fromAsync('js-waiter', async task => {
        await task.guard(Aio.gather(leaf));
    });
    await Aio.sleep(0.02);
    const graph = leaf.capture_call_graph();
    ok(graph.get_future() === leaf);
    const text = graph.to_string();
    ok(text.startsWith("* Task 'js-leaf' (waiting "), text);
    const tree = loop.format_tasks();
    ok(tree.includes("Task 'js-waiter'"), tree);
    ok(tree.includes("Task 'js-leaf'"), tree);
    waiter.cancel(null);
    leaf.cancel(null);
    await rejects(waiter);
    await rejects(leaf);
});

test('10k JS tasks mixed with 10k C tasks, in one gather', async () => {
    const n = 10000;
    let started = 0;
    const futures = [];
    for (let i = 0; i < n; i++) {
        futures.push(Aio.Task.fromAsync(null, async () => {
            started++;
            await Aio.sleep(0);
            return i;
        }));
        futures.push(Aio.sleep(0));
    }
    const values = await Aio.gather(...futures);
    equal(values.length, 2 * n);
    equal(started, n);
    let sum = 0;
    for (let i = 0; i < 2 * n; i += 2)
        sum += values[i];
    equal(sum, n * (n - 1) / 2);
});

const failed = Aio.run(runAsync);
System.exit(failed > 0 ? 1 : 0);
