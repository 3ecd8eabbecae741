# SPDX-License-Identifier: LGPL-2.1-or-later
"""asyncio inside a running Gtk.Application (skipped without a display)."""

import asyncio

import gi
import pytest

from gi.repository import Aio, Gio, GLib  # noqa: E402

try:
    gi.require_version('Gtk', '4.0')
    gi.require_version('Gdk', '4.0')
    from gi.repository import Gdk, Gtk
    HAVE_DISPLAY = Gdk.Display.get_default() is not None
except (ImportError, ValueError):
    HAVE_DISPLAY = False

pytestmark = pytest.mark.skipif(
    not HAVE_DISPLAY, reason='needs GTK 4 and a display (run under xvfb-run)')


def test_gtk_application_runs_asyncio_and_aio_tasks(policy):
    _run_application()


@pytest.mark.skipif(gi.version_info < (3, 50),
                    reason='gi.events is PyGObject 3.50+; CI runs this on 3.50.2')
def test_gtk_application_under_gi_events_policy():
    """The same application with PyGObject's own policy: Aio tasks and
    asyncio tasks still share GTK's loop."""
    from gi.events import GLibEventLoopPolicy

    asyncio.set_event_loop_policy(GLibEventLoopPolicy())
    try:
        _run_application()
    finally:
        asyncio.set_event_loop_policy(None)


def _run_application():
    app = Gtk.Application(application_id='org.aioglib.GtkTest',
                          flags=Gio.ApplicationFlags.NON_UNIQUE)
    seen = []

    async def update(label):
        await asyncio.sleep(0.01)
        label.set_text('after asyncio.sleep')
        seen.append(label.get_text())
        label.set_text(await Aio.create_task(_later('from an Aio.Task')))
        seen.append(label.get_text())
        app.quit()

    def on_activate(application):
        window = Gtk.ApplicationWindow(application=application)
        label = Gtk.Label(label='start')
        window.set_child(label)
        window.present()
        application._task = asyncio.get_running_loop().create_task(
            update(label))

    app.connect('activate', on_activate)
    GLib.timeout_add_seconds(10, app.quit)
    assert app.run([]) == 0
    assert seen == ['after asyncio.sleep', 'from an Aio.Task']


async def _later(text):
    await Aio.sleep(0.005)
    return text
