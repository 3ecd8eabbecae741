// SPDX-License-Identifier: LGPL-2.1-or-later
// aio-glib from GJS through the Aio-1 typelib: futures, the loop, JS step
// functions as tasks and cancellation.  Run it from a build directory with
//   GI_TYPELIB_PATH=aio-glib LD_LIBRARY_PATH=aio-glib gjs -m aio-example.js

import Aio from 'gi://Aio?version=1';
import Gio from 'gi://Gio';

const loop = Aio.Loop.get_default();

// A step function for a task that counts down, awaiting a sleep between
// numbers.
function countdown(name, count, interval) {
    let left = count;
    return (task, awaited) => {
        if (awaited !== null) {
            try {
                awaited.propagate();    // throws if we were cancelled
            } catch (e) {
                print(`  ${name}: cancelled at ${left} (${e.message})`);
                task.return_error(e);
                return null;
            }
        }
        if (left === 0) {
            task.return_string(`${name} reached zero`);
            return null;
        }
        print(`  ${name}: ${left}`);
        left--;
        return Aio.sleep(interval);
    };
}

print('1. a future completed by a callback the loop runs later');
const future = loop.create_future();
loop.call_later(0.05, () => future.set_string('hello from call_later'));
loop.run_until_complete(future);
print(`  result: ${future.get_string()}`);

print('2. two JS step functions run as concurrent tasks');
const fast = Aio.Task.new_stackless(loop, 'fast', countdown('fast', 3, 0.01));
const slow = Aio.Task.new_stackless(loop, 'slow', countdown('slow', 5, 0.03));
loop.call_later(0.07, () => slow.cancel('we are in a hurry'));
loop.run_until_complete(fast);
print(`  ${fast.get_name()}: ${fast.get_string()}`);
try {
    loop.run_until_complete(slow);
} catch (e) {
    const cancelled = e.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED);
    print(`  ${slow.get_name()}: cancelled=${cancelled} (${e.message})`);
}

print('3. misuse is a GLib.Error in the Aio.Error domain');
try {
    future.set_string('again');
} catch (e) {
    print(`  ${e.matches(Aio.error_quark(), Aio.Error.INVALID_STATE)}: ${e.message}`);
}
