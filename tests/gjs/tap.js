// SPDX-License-Identifier: LGPL-2.1-or-later
// A small TAP producer for GJS tests: register cases with test(), then call
// run() once at top level, which prints the plan and one line per case and
// exits with status 1 if any case failed.

import System from 'system';

const cases = [];

export function test(name, body) {
    cases.push({name, body});
}

export class AssertionError extends Error {}

function describe(value) {
    if (value instanceof Error)
        return `${value.constructor.name}: ${value.message}`;
    try {
        return JSON.stringify(value);
    } catch {
        return String(value);
    }
}

export function ok(value, message = 'expected a true value') {
    if (!value)
        throw new AssertionError(message);
}

export function equal(actual, expected, message = '') {
    if (actual !== expected) {
        throw new AssertionError(
            `${message ? `${message}: ` : ''}got ${describe(actual)}, expected ${describe(expected)}`);
    }
}

// Runs body and returns what it threw; fails if it threw nothing.
export function throws(body, message = 'expected an exception') {
    try {
        body();
    } catch (e) {
        return e;
    }
    throw new AssertionError(message);
}

// Async: like throws(), for a promise or an async function.
export async function rejects(body, message = 'expected a rejection') {
    try {
        await (typeof body === 'function' ? body() : body);
    } catch (e) {
        return e;
    }
    throw new AssertionError(message);
}

function report(i, name, error) {
    if (error === undefined) {
        print(`ok ${i + 1} - ${name}`);
        return 0;
    }
    print(`not ok ${i + 1} - ${name}`);
    for (const line of `${describe(error)}\n${error.stack ?? ''}`.trimEnd().split('\n'))
        print(`# ${line}`);
    return 1;
}

export function run() {
    let failed = 0;

    print('TAP version 13');
    print(`1..${cases.length}`);
    cases.forEach(({name, body}, i) => {
        let error;
        try {
            body();
        } catch (e) {
            error = e;
        }
        failed += report(i, name, error);
    });
    if (failed > 0)
        System.exit(1);
}

// Runs the cases one after another, awaiting each (they may be async
// functions); returns how many failed.  Call it inside the caller's loop,
// for instance `Aio.run (runAsync)`.
export async function runAsync() {
    let failed = 0;

    print('TAP version 13');
    print(`1..${cases.length}`);
    for (const [i, {name, body}] of cases.entries()) {
        let error;
        try {
            await body();
        } catch (e) {
            error = e;
        }
        failed += report(i, name, error);
    }
    return failed;
}
