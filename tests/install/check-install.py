#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Installs the build into a staging directory, as a packager would, and
checks that every file lands under DESTDIR + prefix.

    check-install.py BUILD_DIR PREFIX PYTHON_OVERRIDES_DIR SITE_DIR_SCRIPT

Prints TAP.  Also checks the rule that picks the Python site directory for
other prefixes (/usr, /opt/aio): always inside the prefix.
"""

import importlib.util
import os
import subprocess
import sys
import tempfile

build_dir, prefix, overrides_dir, site_dir_script = sys.argv[1:5]
results = []


def check(ok, what):
    results.append((ok, what))


with tempfile.TemporaryDirectory(prefix="aio-destdir-") as destdir:
    run = subprocess.run(["meson", "install", "-C", build_dir, "--no-rebuild",
                          "--destdir", destdir, "--quiet"],
                         capture_output=True, text=True, timeout=300)
    check(run.returncode == 0, "meson install --destdir succeeds" +
          ("" if run.returncode == 0 else ": " + run.stderr.strip()[-500:]))

    staged_prefix = os.path.join(destdir, prefix.lstrip("/"))
    outside = []
    count = 0
    for root, _, files in os.walk(destdir):
        for name in files:
            count += 1
            path = os.path.join(root, name)
            if not path.startswith(staged_prefix + os.sep):
                outside.append(os.path.relpath(path, destdir))
    check(count > 0, f"{count} files installed")
    check(not outside, "every file is under DESTDIR%s%s" %
          (prefix, "" if not outside else ": not " + ", ".join(outside[:5])))

    check(os.path.realpath(overrides_dir).startswith(os.path.realpath(prefix) + os.sep),
          f"the Python overrides directory {overrides_dir} is inside {prefix}")
    staged_overrides = os.path.join(destdir, overrides_dir.lstrip("/"))
    for name in ("Aio.py", os.path.join("_aio", "__init__.py")):
        check(os.path.isfile(os.path.join(staged_overrides, name)),
              f"{name} is installed in the overrides directory")

    # The GJS override and the Vala bindings, where GJS and valac look,
    # when this build has them.
    share = os.path.join(staged_prefix, "share")
    built = os.path.join(build_dir, "aio-glib")
    expected = []
    if os.path.exists(os.path.join(built, "Aio-1.typelib")):
        expected.append((os.path.join(share, "gjs-1.0", "overrides", "Aio.js"), "the GJS override"))
    if os.path.exists(os.path.join(built, "aio-glib-1.vapi")):
        expected += [(os.path.join(share, "vala", "vapi", "aio-glib-1.vapi"), "the .vapi"),
                     (os.path.join(share, "vala", "vapi", "aio-glib-1.deps"), "its .deps")]
    for path, what in expected:
        check(os.path.isfile(path), f"{what} is installed as {os.path.relpath(path, destdir)}")

spec = importlib.util.spec_from_file_location("site_dir", site_dir_script)
site_dir = importlib.util.module_from_spec(spec)
spec.loader.exec_module(site_dir)
searched = ["/usr/lib/python3/dist-packages", "/usr/local/lib/python3.11/dist-packages"]
for other, meson_default, expected in (
        ("/usr", "/usr/lib/python3/dist-packages", "/usr/lib/python3/dist-packages"),
        ("/usr/local", "/usr/local/lib/python3/dist-packages",
         "/usr/local/lib/python3.11/dist-packages"),
        ("/opt/aio", "/opt/aio/lib/python3/dist-packages", "/opt/aio/lib/python3/dist-packages")):
    got = site_dir.site_dir(other, meson_default, searched)
    check(got == expected, f"--prefix={other} installs the override in {expected} (got {got})")

print(f"1..{len(results)}")
for i, (ok, what) in enumerate(results, 1):
    print(f"{'ok' if ok else 'not ok'} {i} {what}")
sys.exit(0 if all(ok for ok, _ in results) else 1)
