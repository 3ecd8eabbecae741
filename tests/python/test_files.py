# SPDX-License-Identifier: LGPL-2.1-or-later
"""Aio's file functions from Python, through the typelib.

Each test runs twice: in an asyncio task on Aio's GLib loop, and in a
Python coroutine run as an Aio.Task by aio-glib's loop alone.
"""

import asyncio
import os

from gi.repository import Aio, Gio, GLib


def gfile(path):
    return Gio.File.new_for_path(str(path))


def test_write_and_read_all(run, tmp_path):
    target = tmp_path / 'a.bin'

    async def main():
        etag = await Aio.path_write_all(str(target), GLib.Bytes.new(b'\x00\x01two'))
        data = await Aio.file_read_all(gfile(target))
        return etag, data

    etag, data = run(main)
    assert isinstance(etag, str) and etag
    assert data == b'\x00\x01two'
    assert os.listdir(tmp_path) == ['a.bin']


def test_errors_are_gio_errors(run, tmp_path):
    async def main():
        codes = []
        for future in (Aio.path_read_all(str(tmp_path / 'missing')),
                       Aio.file_read_all(gfile(tmp_path)),
                       Aio.file_write_all(gfile(tmp_path / 'x' / 'y'),
                                          GLib.Bytes.new(b'z'), None, False,
                                          Gio.FileCreateFlags.NONE)):
            try:
                await future
            except GLib.Error as error:
                assert error.domain == GLib.quark_to_string(Gio.io_error_quark())
                codes.append(error.code)
        return codes

    assert run(main) == [Gio.IOErrorEnum.NOT_FOUND, Gio.IOErrorEnum.IS_DIRECTORY,
                         Gio.IOErrorEnum.NOT_FOUND]


def test_lines_and_enumerate(run, tmp_path):
    (tmp_path / 'text').write_bytes(b'one\ntwo\nthree')
    for i in range(30):
        (tmp_path / f'f{i}').write_bytes(b'')

    async def main():
        lines = [line async for line in Aio.file_lines(gfile(tmp_path / 'text'))]
        names = [info.get_name() async for info in
                 Aio.file_enumerate(gfile(tmp_path), 'standard::name',
                                    Gio.FileQueryInfoFlags.NONE, 4)]
        return lines, sorted(names)

    lines, names = run(main)
    assert lines == ['one\n', 'two\n', 'three']
    assert names == sorted(['text'] + [f'f{i}' for i in range(30)])


def test_writer_reader_and_ops(run, tmp_path):
    src, dst = tmp_path / 'src', tmp_path / 'dst'
    seen = []

    async def main():
        writer = await Aio.file_open_writer(gfile(src), Aio.FileWriteMode.CREATE,
                                            Gio.FileCreateFlags.NONE)
        writer.write(b'line 1\nline 2\n')
        await writer.drain()
        writer.close()
        await writer.wait_closed()
        await Aio.file_copy(gfile(src), gfile(dst), Gio.FileCopyFlags.NONE,
                            lambda current, total: seen.append((current, total)))
        reader = await Aio.file_open_reader(gfile(dst))
        first = await reader.readline()
        info = await Aio.file_query_info(gfile(dst), 'standard::size',
                                         Gio.FileQueryInfoFlags.NONE)
        await Aio.file_move(gfile(dst), gfile(tmp_path / 'moved'),
                            Gio.FileCopyFlags.NONE)
        await Aio.file_make_directory(gfile(tmp_path / 'a' / 'b'), True)
        await Aio.file_delete(gfile(src))
        return first, info.get_size()

    first, size = run(main)
    assert first == b'line 1\n'
    assert size == 14
    assert seen and seen[-1][1] == 14
    assert sorted(os.listdir(tmp_path)) == ['a', 'moved']


def test_cancelled_write_leaves_old_file(run, tmp_path):
    target = tmp_path / 'keep'
    target.write_bytes(b'old')
    huge = GLib.Bytes.new(bytes(128 * 1024 * 1024))

    async def main():
        future = Aio.path_write_all(str(target), huge)
        await Aio.sleep(0.01)
        future.cancel()
        try:
            await future
        except asyncio.CancelledError:
            return future.cancelled()
        return False

    assert run(main) is True
    assert target.read_bytes() == b'old'
    assert os.listdir(tmp_path) == ['keep']
