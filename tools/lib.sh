# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by tools/demo, tools/test and .ci/run (sourced, not run).

# Failures inside $(...) stop the script too.
shopt -s inherit_errexit

AIO_SOURCE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Where the build directories go; override to keep them elsewhere.
AIO_BUILD_ROOT=${AIO_BUILD_ROOT:-$AIO_SOURCE_DIR/builddir}

# Debian 12 packages, by what needs them.
AIO_PACKAGES_BUILD=(gcc libc6-dev meson ninja-build pkg-config python3 libglib2.0-dev
                    glib-networking openssl)
AIO_PACKAGES_INTROSPECTION=(gobject-introspection libgirepository1.0-dev)
AIO_PACKAGES_BINDINGS=(valac python3-gi python3-pytest gjs
                       xvfb xauth gir1.2-gtk-4.0)
AIO_PACKAGES_DOCS=(gi-docgen chromium)   # chromium: the docs-links test
AIO_PACKAGES_CHECKS=(valgrind libc6-dbg clang libclang-rt-14-dev)
# The HTTP example: its test fetches with curl and ab -k, and its libsoup client.
AIO_PACKAGES_EXAMPLES=(curl apache2-utils libsoup-3.0-dev libgtk-4-dev imagemagick)
# The aarch64 context switch, built with a cross compiler and run in qemu.
# Building the vendored PyGObject 3.50 (tools/test --pygobject=vendor).
AIO_PACKAGES_PYGOBJECT=(python3-dev libffi-dev libgirepository1.0-dev)
AIO_PACKAGES_CROSS=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user)
AIO_PACKAGES_ALL=("${AIO_PACKAGES_BUILD[@]}" "${AIO_PACKAGES_INTROSPECTION[@]}"
                  "${AIO_PACKAGES_BINDINGS[@]}" "${AIO_PACKAGES_DOCS[@]}"
                  "${AIO_PACKAGES_CHECKS[@]}" "${AIO_PACKAGES_EXAMPLES[@]}"
                  "${AIO_PACKAGES_PYGOBJECT[@]}" "${AIO_PACKAGES_CROSS[@]}")

aio_log () {
  printf '\033[1m==> %s\033[0m\n' "$*" >&2
}

aio_as_root () {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    aio_log "need root to run: $*  (run as root or install sudo)"
    return 1
  fi
}

# Installs the Debian packages given that are not installed yet.
aio_ensure_packages () {
  local missing=() package
  for package in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null \
         | grep -q 'install ok installed'; then
      missing+=("$package")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  aio_log "installing ${missing[*]}"
  aio_as_root env DEBIAN_FRONTEND=noninteractive apt-get update
  aio_as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
}

# aio_setup NAME [MESON_OPTION...]: configures $AIO_BUILD_ROOT/NAME from
# the source tree with these options, reconfiguring it if it exists (meson
# keeps options set by earlier runs unless they are given again), and
# starting afresh if that fails.  Prints the build directory.
aio_setup () {
  local builddir=$AIO_BUILD_ROOT/$1
  shift
  mkdir -p "$AIO_BUILD_ROOT"
  if [ -f "$builddir/meson-private/coredata.dat" ] &&
     meson setup --reconfigure "$builddir" "$AIO_SOURCE_DIR" "$@" >&2; then
    :
  else
    rm -rf "$builddir"
    meson setup "$builddir" "$AIO_SOURCE_DIR" "$@" >&2 || return 1
  fi
  printf '%s\n' "$builddir"
}

# The PyGObject release the binding is also tested on, and where its
# source tarball is looked for: $AIO_PYGOBJECT_TARBALL, or the vendored
# copy beside the source tree (../shared/vendor).
AIO_PYGOBJECT_VENDOR_VERSION=3.50.2

aio_pygobject_tarball () {
  local candidate
  for candidate in "${AIO_PYGOBJECT_TARBALL:-}" \
      "$AIO_SOURCE_DIR/../shared/vendor/pygobject-$AIO_PYGOBJECT_VENDOR_VERSION.tar.gz"; do
    if [ -n "$candidate" ] && [ -f "$candidate" ]; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  aio_log "no pygobject-$AIO_PYGOBJECT_VENDOR_VERSION.tar.gz: set AIO_PYGOBJECT_TARBALL"
  return 1
}

# Builds the vendored PyGObject into $AIO_BUILD_ROOT/pygobject-VERSION once
# (offline, with Debian's /usr/bin/python3) and prints the directory to put
# on PYTHONPATH.
aio_vendor_pygobject () {
  local root=$AIO_BUILD_ROOT/pygobject-$AIO_PYGOBJECT_VENDOR_VERSION
  local site=$root/prefix/lib/python3/dist-packages
  local tarball
  if [ ! -f "$site/gi/__init__.py" ]; then
    tarball=$(aio_pygobject_tarball)
    aio_log "building PyGObject $AIO_PYGOBJECT_VENDOR_VERSION from $tarball"
    rm -rf "$root"
    mkdir -p "$root"
    tar -xzf "$tarball" -C "$root"
    meson setup "$root/build" "$root/pygobject-$AIO_PYGOBJECT_VENDOR_VERSION" \
      -Dpycairo=disabled -Dtests=false -Dpython=/usr/bin/python3 \
      --prefix="$root/prefix" >&2
    ninja -C "$root/build" >&2
    meson install -C "$root/build" >&2
  fi
  [ -f "$site/gi/__init__.py" ] || { aio_log "PyGObject did not install to $site"; return 1; }
  printf '%s\n' "$site"
}
