# SPDX-License-Identifier: LGPL-2.1-or-later
"""Aio.Subprocess from Python, through the typelib.

Each test runs twice: in an asyncio task on Aio's GLib loop, and in a
Python coroutine run as an Aio.Task by aio-glib's loop alone.
"""

import signal

from gi.repository import Aio, Gio, GLib

F = Gio.SubprocessFlags


def test_communicate_with_input(run):
    async def main():
        proc = Aio.create_subprocess_exec(
            ['sh', '-c', 'tr a-z A-Z; echo done >&2; exit 3'],
            F.STDIN_PIPE | F.STDOUT_PIPE | F.STDERR_PIPE)
        future = proc.communicate(GLib.Bytes.new(b'hello'))
        await future
        ok, out, err = Aio.Subprocess.communicate_result(future)
        code = await proc.wait()
        return ok, out.get_data(), err.get_data(), code, proc.get_returncode()

    assert run(main) == (True, b'HELLO', b'done\n', 3, (True, 3))


def test_stdout_only(run):
    async def main():
        proc = Aio.create_subprocess_exec(['echo', 'hi'], F.STDOUT_PIPE)
        assert proc.get_stdin() is None and proc.get_stderr() is None
        assert proc.get_pid() > 0
        future = proc.communicate(None)
        await future
        ok, out, err = Aio.Subprocess.communicate_result(future)
        return out.get_data(), err, await proc.wait()

    assert run(main) == (b'hi\n', None, 0)


def test_readline_and_kill(run):
    async def main():
        proc = Aio.create_subprocess_shell('echo ready; exec sleep 100',
                                           F.STDOUT_PIPE)
        line = await proc.get_stdout().readline()
        running = proc.get_returncode()
        proc.kill()
        return line, running, await proc.wait()

    line, running, code = run(main)
    assert line == b'ready\n'
    assert running[0] is False
    assert code == -signal.SIGKILL


def test_missing_program():
    try:
        Aio.create_subprocess_exec(['aio-no-such-program-py'], F.NONE)
    except GLib.Error as error:
        assert 'aio-no-such-program-py' in error.message
    else:
        raise AssertionError('no error')
