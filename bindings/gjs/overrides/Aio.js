// SPDX-License-Identifier: LGPL-2.1-or-later
// GJS override for Aio-1: futures and tasks become thenables, JS async
// functions and promises become Aio tasks and futures, and the asyncio
// names (run, gather, wait_for, timeout, task groups, async iteration)
// take JS callables.  GJS loads it on `import Aio from 'gi://Aio'` when
// its directory is on GJS_PATH or installed under gjs-1.0/overrides.
// See docs/gjs.md.

const {GLib, GObject, Gio} = imports.gi;

let Aio;

// What JS stored in a future or task, kept on the object itself: C sees a
// typed value (or a JS-object boxed), JS gets back exactly what was stored.
// A property on a GObject wrapper makes GJS keep the wrapper as long as
// the C object lives, so the value survives the JS side dropping it.
function _hidden(name) {
    return {
        has: object => Object.prototype.hasOwnProperty.call(object, name),
        get: object => object[name],
        set: (object, value) => Object.defineProperty(object, name, {
            value, writable: true, configurable: true, enumerable: false,
        }),
    };
}
const jsValues = _hidden('__aio_js_value');
// A JS exception behind a GLib.Error a future failed with.
const jsErrors = _hidden('__aio_js_error');
// One promise per future, made on the first then().
const promises = _hidden('__aio_promise');

function _isCancelledError(error) {
    return error instanceof GLib.Error &&
        error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED);
}

// The outcome of a done future as a JS value; throws its error.
function _resultOf(future) {
    try {
        future.propagate();
    } catch (error) {
        const original = jsErrors.get(future);
        throw original !== undefined ? original : error;
    }
    if (jsValues.has(future))
        return jsValues.get(future);
    const type = future.get_value_type();
    if (type === null || type === GObject.TYPE_NONE)   // no result
        return null;
    try {
        const [, value] = future.get_value();
        return value;
    } catch {
        // A C pointer has no JS form: read it with its C-side accessor
        // (such as Aio.Subprocess.communicate_result).
        return null;
    }
}

function _promiseOf(future) {
    let promise = promises.get(future);
    if (promise === undefined) {
        promise = new Promise((resolve, reject) => {
            const settle = f => {
                try {
                    resolve(_resultOf(f));
                } catch (error) {
                    reject(error);
                }
            };
            if (future.done())
                settle(future);
            else
                future.add_done_callback(settle);
        });
        promises.set(future, promise);
    }
    return promise;
}

function _jsObjectValue(value) {
    const gvalue = new GObject.Value();
    gvalue.init(GObject.TYPE_JSOBJECT);
    gvalue.set_boxed(value);
    return gvalue;
}

// Stores @value as the result of @target through its typed setters
// (set_* for a future, return_* for a task): a C reader sees a boolean,
// int64, double, string or object where the JS value is one.
function _store(target, value, setter) {
    jsValues.set(target, value);
    switch (typeof value) {
    case 'undefined':
        return target[`${setter}_value`](null);
    case 'boolean':
        return target[`${setter}_boolean`](value);
    case 'string':
        return target[`${setter}_string`](value);
    case 'number':
        if (Number.isSafeInteger(value))
            return target[`${setter}_int64`](value);
        return target[`${setter}_double`](value);
    case 'object':
        if (value === null)
            return target[`${setter}_value`](null);
        if (value instanceof GObject.Object)
            return target[`${setter}_object`](value);
        return target[`${setter}_value`](_jsObjectValue(value));
    default:
        return target[`${setter}_value`](_jsObjectValue(value));
    }
}

// A GLib.Error for a JS exception: GLib errors pass as they are, anything
// else becomes AIO_ERROR_FAILED and JS readers get the original back.
function _toGError(target, exception) {
    if (exception instanceof GLib.Error)
        return exception;
    jsErrors.set(target, exception);
    const text = exception instanceof Error
        ? `${exception.name}: ${exception.message}` : String(exception);
    return new GLib.Error(Aio.error_quark(), Aio.Error.FAILED, text);
}

function _settleFuture(future, ok, outcome) {
    if (future.done())
        return;
    if (ok) {
        _store(future, outcome, 'set');
    } else if (_isCancelledError(outcome)) {
        future.cancel(outcome.message);
    } else {
        future.set_error(_toGError(future, outcome));
    }
}

function _defaultLoop(loop) {
    return loop ?? Aio.Loop.get_running() ?? Aio.Loop.get_thread_default();
}

// Any awaitable as an Aio.Future: futures as they are, JS async functions
// as tasks, promises and plain values through fromPromise().
function _toFuture(awaitable, loop = null) {
    if (awaitable instanceof Aio.Future)
        return awaitable;
    if (typeof awaitable === 'function')
        return Aio.Task.fromAsync(null, awaitable, loop);
    return Aio.Future.fromPromise(awaitable, loop);
}

// Cancelling the JS-facing @outer cancels the @inner future it stands for.
function _cancelTogether(outer, inner) {
    outer.add_done_callback(f => {
        if (f.cancelled())
            inner.cancel(null);
    });
}

function _defineMethods(prototype, methods) {
    for (const name of Reflect.ownKeys(methods)) {   // symbols too
        Object.defineProperty(prototype, name, {
            value: methods[name], writable: true, configurable: true, enumerable: false,
        });
    }
}

// A JS async function as a stackless task body.  The body runs on JS's own
// promise machinery; the task waits on a gate future that the body's
// promise settles.  A JS function cannot be stopped at an await, so
// cancelling the task cancels task.cancellable and every future the body
// handed to task.guard(), then the task ends with whatever the body does:
// cancelled if it rejects with the cancellation (as an asyncio coroutine
// that lets CancelledError through), its result if it ignores it.
function _fromAsync(name, body, loop) {
    // outcome: undefined while the body runs, then {ok, value}.
    const state = {gate: null, outcome: undefined, guarded: new Set()};
    const cancellable = new Gio.Cancellable();
    // The gate only wakes the task; the outcome is read from state.
    const finish = (ok, value) => {
        state.outcome = {ok, value};
        if (!state.gate.done())
            state.gate.set_boolean(true);
    };

    const task = Aio.Task.new_stackless(_defaultLoop(loop), name, (self, awaited) => {
        if (awaited === null) {
            state.gate = self.get_loop().create_future();
            let promise;
            try {
                promise = Promise.resolve(body(self));
            } catch (error) {
                promise = Promise.reject(error);
            }
            promise.then(value => finish(true, value), error => finish(false, error));
            return state.gate;
        }

        if (state.gate === null) {
            // Cancelled before it started: the body never runs.
            try {
                awaited.propagate();
            } catch (error) {
                self.return_error(error);
            }
            return null;
        }

        if (state.outcome === undefined) {
            // Cancelled while the body runs: tell it, and wait on.
            cancellable.cancel();
            for (const future of state.guarded)
                future.cancel(null);
            state.guarded.clear();
            state.gate = self.get_loop().create_future();
            return state.gate;
        }

        const {ok, value} = state.outcome;
        if (ok) {
            if (value !== undefined && value !== null)
                _store(self, value, 'return');
        } else if (_isCancelledError(value)) {
            self.return_error(value);
        } else {
            self.return_error(_toGError(self, value));
        }
        return null;
    });

    Object.defineProperty(task, 'cancellable', {value: cancellable, enumerable: true});
    task.guard = future => {
        const f = _toFuture(future, task.get_loop());
        if (cancellable.is_cancelled()) {
            f.cancel(null);
        } else if (!f.done()) {
            state.guarded.add(f);
            f.add_done_callback(() => state.guarded.delete(f));
        }
        return f;
    };
    return task;
}

function _init() {
    Aio = this;

    const original = {
        run: Aio.run,
        gather_array: Aio.gather_array,
        wait_for: Aio.wait_for,
    };

    _defineMethods(Aio.Future.prototype, {
        then(onFulfilled, onRejected) {
            return _promiseOf(this).then(onFulfilled, onRejected);
        },
        catch(onRejected) {
            return _promiseOf(this).catch(onRejected);
        },
        finally(onFinally) {
            return _promiseOf(this).finally(onFinally);
        },
        // The result as a JS value, or the error thrown; the same value an
        // `await` gives.
        result() {
            return _resultOf(this);
        },
    });

    Aio.Future.fromPromise = function (promise, loop = null) {
        const future = _defaultLoop(loop).create_future();
        Promise.resolve(promise).then(
            value => _settleFuture(future, true, value),
            error => _settleFuture(future, false, error));
        return future;
    };

    // A JS step function that throws fails its task with the error, and
    // one that returns a promise (or an async step) waits on it, instead of
    // the exception being logged and the task ending with no result.
    const newStackless = Aio.Task.new_stackless;
    Aio.Task.new_stackless = function (loop, name, step) {
        if (typeof step !== 'function')
            return newStackless.call(this, loop, name, step);
        return newStackless.call(this, loop, name, (self, awaited) => {
            let next;
            try {
                next = step(self, awaited);
            } catch (error) {
                self.return_error(_toGError(self, error));
                return null;
            }
            if (next === null || next === undefined || next instanceof Aio.Future)
                return next ?? null;
            return _toFuture(next, self.get_loop());
        });
    };

    // `await future.wait_async (cancellable)` without a callback, as GJS
    // promisifies GIO's own pairs.
    Gio._promisify(Aio.Future.prototype, 'wait_async', 'wait_finish');

    // A generator body is driven step by step, as asyncio drives a
    // coroutine: `const v = yield future` resumes with the future's value,
    // or throws its error there, and cancelling the task throws the
    // cancellation at the current yield.
    Aio.Task.fromGenerator = function (name, body, loop = null) {
        if (typeof body !== 'function')
            throw new TypeError('Aio.Task.fromGenerator: the body must be a generator function');
        let iterator = null;
        return newStackless.call(Aio.Task, _defaultLoop(loop), name, (self, awaited) => {
            let step;
            try {
                if (iterator === null) {
                    if (awaited !== null)   // cancelled before it started
                        awaited.propagate();
                    iterator = body(self);
                    step = iterator.next();
                } else {
                    let value, failure, failed = false;
                    try {
                        value = _resultOf(awaited);
                    } catch (error) {
                        failure = error;
                        failed = true;
                    }
                    step = failed ? iterator.throw(failure) : iterator.next(value);
                }
            } catch (error) {
                self.return_error(_isCancelledError(error) ? error : _toGError(self, error));
                return null;
            }
            if (step.done) {
                if (step.value !== undefined && step.value !== null)
                    _store(self, step.value, 'return');
                return null;
            }
            return _toFuture(step.value, self.get_loop());
        });
    };

    Aio.Task.fromAsync = function (name, body, loop = null) {
        if (typeof body !== 'function')
            throw new TypeError('Aio.Task.fromAsync: the body must be a function');
        return _fromAsync(name, body, loop);
    };

    // Aio.run(async task => {...}): the body gets its task, as with fromAsync.
    Aio.run = function (main) {
        const loop = Aio.Loop.get_thread_default();
        const future = typeof main === 'function'
            ? Aio.Task.fromAsync('main', main, loop) : _toFuture(main, loop);
        try {
            original.run(future);
        } catch (error) {
            const js = jsErrors.get(future);
            throw js !== undefined ? js : error;
        }
        return _resultOf(future);
    };

    Aio.gather = function (...awaitables) {
        let returnErrors = false;
        const last = awaitables[awaitables.length - 1];
        if (last !== null && typeof last === 'object' && !(last instanceof Aio.Future) &&
                typeof last.then !== 'function' && 'returnErrors' in last) {
            returnErrors = Boolean(last.returnErrors);
            awaitables.pop();
        }
        const futures = awaitables.map(a => _toFuture(a));
        const loop = futures.length > 0 ? futures[0].get_loop() : _defaultLoop(null);
        const gathered = original.gather_array(futures.slice(), returnErrors);
        const result = loop.create_future();
        gathered.add_done_callback(g => {
            try {
                g.propagate();
            } catch (error) {
                // A JS exception a JS task failed with comes back as it was.
                const js = futures.map(f => jsErrors.get(f)).find(e => e !== undefined);
                _settleFuture(result, false,
                    js !== undefined && !_isCancelledError(error) ? js : error);
                return;
            }
            _settleFuture(result, true, futures.map(f => {
                try {
                    return _resultOf(f);
                } catch (error) {
                    return error;
                }
            }));
        });
        _cancelTogether(result, gathered);
        return result;
    };

    Aio.wait_for = function (awaitable, seconds) {
        const future = _toFuture(awaitable);
        const waited = original.wait_for(future, seconds ?? Infinity);
        const result = future.get_loop().create_future();
        waited.add_done_callback(w => {
            try {
                w.propagate();
                _settleFuture(result, true, _resultOf(future));
            } catch (error) {
                _settleFuture(result, false, jsErrors.get(future) ?? error);
            }
        });
        _cancelTogether(result, waited);
        return result;
    };

    // `await Aio.timeout(seconds, async task => {...})`: runs the body as a
    // task and cancels it when @seconds pass, failing with
    // G_IO_ERROR_TIMED_OUT, as `async with asyncio.timeout()`.
    Aio.timeout = function (seconds, body) {
        return Aio.wait_for(Aio.Task.fromAsync('timeout', body), seconds);
    };

    // Task groups take JS async functions as well as C-made tasks.
    _defineMethods(Aio.TaskGroup.prototype, {
        spawn(name, body) {
            const task = Aio.Task.fromAsync(name, body);
            this.add_task(task);
            return task;
        },
    });

    // `for await (const value of generator)`.
    _defineMethods(Aio.AsyncGenerator.prototype, {
        [Symbol.asyncIterator]() {
            const generator = this;
            return {
                async next() {
                    try {
                        return {value: await generator.anext(), done: false};
                    } catch (error) {
                        if (error instanceof GLib.Error &&
                                error.matches(Aio.error_quark(), Aio.Error.STOP_ITERATION))
                            return {value: undefined, done: true};
                        throw error;
                    }
                },
                async return(value) {
                    await generator.aclose();
                    return {value, done: true};
                },
            };
        },
    });

    // `for await (const line of reader)`: lines as GLib.Bytes until EOF.
    _defineMethods(Aio.StreamReader.prototype, {
        [Symbol.asyncIterator]() {
            const reader = this;
            return {
                async next() {
                    const line = await reader.readline();
                    if (line.get_size() === 0)
                        return {value: undefined, done: true};
                    return {value: line, done: false};
                },
            };
        },
    });

    // GJS runs JS on its main thread only: a JS function given to a worker
    // thread would abort the process, so refuse it with a clear error.
    const noThreads = name => function () {
        throw new TypeError(`Aio.${name}: GJS cannot run a JS function on another ` +
            'thread; call the blocking work through a GIO _async method ' +
            '(Aio.callAsync) or a subprocess instead');
    };
    Aio.to_thread = noThreads('to_thread');
    Aio.Loop.prototype.run_in_executor = noThreads('Loop.run_in_executor');
    Aio.Executor.prototype.submit = noThreads('Executor.submit');

    // Any GIO _async/_finish pair as a future: `await Aio.callAsync (file,
    // 'load_contents_async', cancellable)`.  The arguments are those of the
    // _async method without its callback; cancelling the future cancels
    // the Gio.Cancellable among them, if any.
    Aio.callAsync = function (object, method, ...args) {
        if (typeof object[method] !== 'function' || !method.endsWith('_async'))
            throw new TypeError(`Aio.callAsync: ${method} is not an _async method`);
        const finish = `${method.slice(0, -'_async'.length)}_finish`;
        if (typeof object[finish] !== 'function')
            throw new TypeError(`Aio.callAsync: no ${finish} to go with ${method}`);
        const future = _defaultLoop(null).create_future();
        const cancellable = args.find(a => a instanceof Gio.Cancellable);
        if (cancellable !== undefined) {
            // At once when JS cancels; through the done callback when C does.
            const cancel = Aio.Future.prototype.cancel;
            future.cancel = message => {
                cancellable.cancel();
                return cancel.call(future, message);
            };
            future.add_done_callback(f => {
                if (f.cancelled())
                    cancellable.cancel();
            });
        }
        object[method](...args, (source, res) => {
            try {
                const value = object[finish](res);
                _settleFuture(future, true, value);
            } catch (error) {
                _settleFuture(future, false, error);
            }
        });
        return future;
    };
}
