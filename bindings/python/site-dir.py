#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Prints the site directory to install the Aio override in.

    site-dir.py PREFIX MESON_SITE_DIR

MESON_SITE_DIR is meson's site directory for PREFIX (python
get_install_dir()), always inside it.  It is kept unless this Python does
not search it but does search another site directory under PREFIX/lib
(Debian's /usr/local/lib/python3.X/dist-packages for /usr/local).  So
Debian's /usr gives /usr/lib/python3/dist-packages, and any other prefix
(/opt/aio, a staging prefix) PREFIX/lib/python3/dist-packages, never a
directory outside PREFIX.
"""

import os
import sys


def site_dir(prefix, default, searched):
    prefix = os.path.realpath(prefix)
    default = os.path.realpath(default)
    if default in searched:
        return default
    for entry in searched:
        if (os.path.dirname(os.path.dirname(entry)) == os.path.join(prefix, "lib")
                and os.path.basename(entry) in ("site-packages", "dist-packages")):
            return entry
    return default


if __name__ == "__main__":
    print(site_dir(sys.argv[1], sys.argv[2],
                   [os.path.realpath(e) for e in sys.path if e]))
