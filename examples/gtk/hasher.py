#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""hasher.py [--folder DIR] [--jobs N] [--start] [--cancel-after SECONDS]
             [--quit-when-done] [--screenshot FILE.png]

The folder hasher of examples/gtk/hasher.c in Python: the same window, the
same options and the same output.  asyncio runs on GTK's own main loop
(Aio.install() makes asyncio's loop aio-glib's loop on GLib's default
context), so asyncio code (asyncio.Semaphore, asyncio.to_thread) and
aio-glib tasks (Aio.TaskGroup, Aio.file_enumerate, Aio.file_open_reader)
share the loop that Gtk.Application.run() iterates.  --screenshot needs
X11 and ImageMagick's import.
"""

import argparse
import asyncio
import hashlib
import os
import subprocess
import sys

import gi

gi.require_version('Gtk', '4.0')
gi.require_version('Aio', '1')
gi.require_version('GdkX11', '4.0')
from gi.repository import Aio, GdkX11, Gio, GLib, Gtk  # noqa: E402

CHUNK_SIZE = 64 * 1024
ATTRIBUTES = 'standard::name,standard::type,standard::size'


class Entry:
    def __init__(self, file, path, size):
        self.file, self.path, self.size = file, path, size
        self.done = 0
        self.shown = -1
        self.digest = None
        self.bar = self.result = None


class Hasher:
    def __init__(self, options):
        self.options = options
        self.app = Gtk.Application(application_id='org.aioglib.HasherPy',
                                   flags=Gio.ApplicationFlags.NON_UNIQUE)
        self.app.connect('activate', self.on_activate)
        for name, handler in (('start', self.on_start), ('cancel', self.on_cancel)):
            action = Gio.SimpleAction.new(name, None)
            action.connect('activate', handler)
            self.app.add_action(action)
        self.window = None
        self.job = None
        self.closed = False
        self.entries = []
        self.start_at_once = options.start
        self.last_frame = 0
        self.longest_frame = 0
        self.n_frames = 0

    # -- the job -------------------------------------------------------------

    async def list_folder(self, root, folder):
        async for info in Aio.file_enumerate(folder, ATTRIBUTES,
                                             Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, 0):
            child = folder.get_child(info.get_name())
            if info.get_file_type() == Gio.FileType.DIRECTORY:
                await self.list_folder(root, child)
            elif info.get_file_type() == Gio.FileType.REGULAR:
                self.entries.append(Entry(child, root.get_relative_path(child),
                                          info.get_size()))

    async def hash_file(self, entry, slots):
        async with slots:
            reader = await Aio.file_open_reader(entry.file)
            digest = hashlib.sha256()
            while True:
                chunk = await reader.read(CHUNK_SIZE)
                if not chunk:
                    break
                # Hashing is the slow part: on a worker thread, so the
                # window keeps drawing.  hashlib lets go of the GIL.
                await asyncio.to_thread(digest.update, chunk)
                entry.done += len(chunk)
        entry.digest = digest.hexdigest()
        if not self.closed:
            entry.result.set_text(entry.digest)
            entry.bar.set_fraction(1)

    async def run_job(self):
        root = Gio.File.new_for_commandline_arg(self.options.folder)
        self.status.set_text('Listing the folder…')
        await self.list_folder(root, root)
        self.entries.sort(key=lambda entry: entry.path)
        for entry in self.entries:
            self.add_row(entry)
        self.update_progress()
        slots = asyncio.Semaphore(self.options.jobs)
        async with Aio.TaskGroup() as group:
            for entry in self.entries:
                group.create_task(self.hash_file(entry, slots), name=entry.path)

    def start_job(self):
        if self.job is not None:
            return
        while (row := self.list.get_first_child()) is not None:
            self.list.remove(row)
        self.entries = []
        self.longest_frame = self.n_frames = 0
        self.job = Aio.create_task(self.run_job(), name='hash-folder')
        self.job.add_done_callback(self.job_done)
        self.start_button.set_sensitive(False)
        self.cancel_button.set_sensitive(True)

    def job_done(self, job):
        cancelled = job.cancelled()
        error = None if cancelled else job.exception()
        self.report(cancelled, error)
        self.job = None
        if self.closed:
            return
        self.update_progress()
        if cancelled or error:
            self.status.set_text('Cancelled' if cancelled else str(error))
        self.start_button.set_sensitive(True)
        self.cancel_button.set_sensitive(False)
        GLib.timeout_add(200, self.finish_later)

    def report(self, cancelled, error):
        hashed = [entry for entry in self.entries if entry.digest is not None]
        for entry in hashed:
            print(f'{entry.digest}  {entry.path}')
        if error is not None:
            print(f'error: {error}')
        done_bytes = sum(entry.done for entry in self.entries)
        print(f'{"cancelled: " if cancelled else ""}hashed {len(hashed)} of '
              f'{len(self.entries)} files, {done_bytes} bytes')
        print(f'longest frame: {self.longest_frame / 1000:.1f} ms ({self.n_frames} frames)')
        sys.stdout.flush()

    def finish_later(self):
        if self.options.screenshot:
            self.save_screenshot(self.options.screenshot)
        if self.options.quit_when_done:
            self.app.quit()
        return GLib.SOURCE_REMOVE

    def save_screenshot(self, path):
        # PyGObject cannot hand a GskRenderNode to the renderer, so the
        # window is taken from the X server with ImageMagick's import.
        xid = GdkX11.X11Surface.get_xid(self.window.get_surface())
        subprocess.run(['import', '-window', str(xid), path], check=True)

    # -- the window ------------------------------------------------------------

    def add_row(self, entry):
        row = Gtk.Box(orientation=Gtk.Orientation.HORIZONTAL, spacing=12)
        name = Gtk.Label(label=entry.path, xalign=0, width_chars=18)
        entry.bar = Gtk.ProgressBar(valign=Gtk.Align.CENTER)
        entry.bar.set_size_request(140, -1)
        entry.result = Gtk.Label(xalign=0, width_chars=20, hexpand=True)
        entry.result.add_css_class('monospace')
        for widget in (name, entry.bar, entry.result):
            row.append(widget)
        self.list.append(row)

    def update_progress(self):
        total = sum(entry.size for entry in self.entries)
        done = sum(entry.done for entry in self.entries)
        for entry in self.entries:
            if entry.bar is not None and entry.shown != entry.done:
                entry.shown = entry.done
                entry.bar.set_fraction(entry.done / entry.size if entry.size else 1)
        if total:
            self.overall.set_fraction(done / total)
        hashed = sum(entry.digest is not None for entry in self.entries)
        self.status.set_text(f'Hashed {hashed} of {len(self.entries)} files, '
                             f'{done} of {total} bytes')

    def on_tick(self, widget, clock):
        now = clock.get_frame_time()
        if self.start_at_once:
            self.n_frames += 1
            if self.n_frames >= 3:
                self.start_at_once = False
                self.app.activate_action('start', None)
                if self.options.cancel_after is not None:
                    GLib.timeout_add(int(self.options.cancel_after * 1000), self.cancel_later)
        elif self.job is not None:
            self.update_progress()
        if self.job is not None and self.last_frame:
            self.n_frames += 1
            frame = now - self.last_frame
            if frame > self.longest_frame:
                self.longest_frame = frame
                self.frames.set_text(f'Longest frame while hashing: {frame / 1000:.1f} ms')
        self.last_frame = now
        return GLib.SOURCE_CONTINUE

    def cancel_later(self):
        self.app.activate_action('cancel', None)
        return GLib.SOURCE_REMOVE

    def on_start(self, action, parameter):
        self.start_job()

    def on_cancel(self, action, parameter):
        if self.job is not None:
            self.job.cancel('cancelled from the window')

    def on_close_request(self, window):
        self.closed = True
        if self.job is not None:
            self.job.cancel('the window was closed')
        return False

    def on_activate(self, app):
        if self.window is None:
            self.build_window()
        self.window.present()

    def build_window(self):
        self.window = Gtk.ApplicationWindow(application=self.app,
                                            title='aio-glib folder hasher (Python)')
        self.window.set_default_size(720, 480)
        box = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=12,
                      margin_top=12, margin_bottom=12, margin_start=12, margin_end=12)
        buttons = Gtk.Box(orientation=Gtk.Orientation.HORIZONTAL, spacing=6)
        buttons.append(Gtk.Label(label=self.options.folder, xalign=0, hexpand=True))
        self.start_button = Gtk.Button(label='Start', action_name='app.start')
        self.cancel_button = Gtk.Button(label='Cancel', action_name='app.cancel',
                                        sensitive=False)
        buttons.append(self.start_button)
        buttons.append(self.cancel_button)
        self.overall = Gtk.ProgressBar()
        self.status = Gtk.Label(label='Press Start to hash the folder', xalign=0)
        self.frames = Gtk.Label(xalign=0)
        self.list = Gtk.ListBox(selection_mode=Gtk.SelectionMode.NONE)
        scroller = Gtk.ScrolledWindow(vexpand=True, child=self.list)
        for widget in (buttons, self.overall, self.status, scroller, self.frames):
            box.append(widget)
        self.window.set_child(box)
        self.window.add_tick_callback(self.on_tick)
        self.window.connect('close-request', self.on_close_request)


def main():
    parser = argparse.ArgumentParser(description="hash a folder's files concurrently")
    parser.add_argument('--folder', default=os.getcwd())
    parser.add_argument('--jobs', '-j', type=int, default=4)
    parser.add_argument('--start', action='store_true')
    parser.add_argument('--cancel-after', type=float, metavar='SECONDS')
    parser.add_argument('--quit-when-done', action='store_true')
    parser.add_argument('--screenshot', metavar='FILE')
    options = parser.parse_args()
    if options.jobs < 1:
        parser.error('--jobs takes at least 1')

    # asyncio's loop becomes aio-glib's, on GLib's default context: the one
    # Gtk.Application.run() iterates.
    Aio.install()
    hasher = Hasher(options)
    status = hasher.app.run([sys.argv[0]])
    if hasher.job is not None:
        hasher.closed = True
        hasher.job.cancel()
        Aio.Loop.get_default().run_until_complete(hasher.job)
    return status


if __name__ == '__main__':
    sys.exit(main())
