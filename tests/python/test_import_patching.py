# SPDX-License-Identifier: LGPL-2.1-or-later
"""Importing Aio changes nothing in PyGObject; awaitable GIO is switched on
by Aio.enable_gio_await(), or by Aio.run()/Aio.install()/Aio.create_task().

Each check runs in a fresh interpreter, since the switch lasts for the
process.
"""

import os
import subprocess
import sys
import textwrap

PROLOGUE = textwrap.dedent('''
    import gi
    from gi import module, types
    gi.require_version("Gio", "2.0")
    from gi.repository import Gio
    from gi.repository import GLib
    before = (module.IntrospectionModule.__getattr__,
              types.MetaClassHelper._setup_methods,
              Gio.File.load_contents_async)
    runs_before = (GLib.MainLoop.run, Gio.Application.run)
    gi.require_version("Aio", "1")
    from gi.repository import Aio

    def patched():
        now = (module.IntrospectionModule.__getattr__,
               types.MetaClassHelper._setup_methods,
               Gio.File.load_contents_async)
        return [a is not b for a, b in zip(before, now)]

    def hooked():
        now = (GLib.MainLoop.run, Gio.Application.run)
        return any(a is not b for a, b in zip(runs_before, now))
''')


def run_python(body):
    result = subprocess.run([sys.executable, "-c", PROLOGUE + textwrap.dedent(body)],
                            capture_output=True, text=True, env=os.environ, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_import_patches_nothing():
    assert run_python("print(patched(), hooked())") == "[False, False, False] False"


def test_explicit_switch():
    out = run_python("""
        Aio.enable_gio_await()
        first = patched()
        Aio.enable_gio_await()   # a second call changes nothing more
        print(first, patched() == first)
    """)
    assert out == "[True, True, True] True"


def test_run_switches_it_on_and_gio_awaits():
    out = run_python("""
        async def main():
            ok, contents, etag = await Gio.File.new_for_path(%r).load_contents_async()
            return ok and contents.startswith(b"# SPDX")
        print(Aio.run(main()), patched())
    """ % os.path.abspath(__file__))
    assert out == "True [True, True, True]"


def test_policy_switches_it_on():
    # PyGObject 3.50 drives asyncio from its own main loop hooks.
    out = run_python("""
        Aio.install()
        print(patched(), hooked() or gi.version_info >= (3, 50))
    """)
    assert out == "[True, True, True] True"
