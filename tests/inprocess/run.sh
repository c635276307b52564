#!/bin/sh
# Install the build into a scratch prefix, then build and run
# test_inprocess.c with nothing but the installed header, library and
# pkg-config file, as a C test suite in another repository would.
#   run.sh BUILD_DIR SANITIZE   (SANITIZE: meson's b_sanitize, e.g. none)
set -eu
build=$1
sanitize=$2
here=$(cd "$(dirname "$0")" && pwd)
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT

meson install -C "$build" --destdir "$dest" --no-rebuild --quiet
pc=$(find "$dest" -name mockworks.pc | head -n 1)
[ -n "$pc" ] || { echo "mockworks.pc was not installed" >&2; exit 1; }
for f in mockworks.h libmockworks.so mock_openai mock_llamaparse mock_openai.1 mock_llamaparse.1; do
  [ -n "$(find "$dest" -name "$f" | head -n 1)" ] || { echo "meson install did not install $f" >&2; exit 1; }
done

# The sysroot points the .pc file's absolute paths into the scratch prefix.
mw_flags=$(PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR=$dest pkg-config --cflags --libs mockworks)
other_flags=$(pkg-config --cflags --libs check libcurl)
san=""
[ "$sanitize" = none ] || san="-fsanitize=$sanitize"
# shellcheck disable=SC2086 # the flags are word lists
${CC:-cc} -Wall -Wextra -Werror $san "$here/test_inprocess.c" -o "$dest/test_inprocess" $mw_flags $other_flags
libdir=$(dirname "$(find "$dest" -name libmockworks.so | head -n 1)")
LD_LIBRARY_PATH=$libdir CK_FORK=no "$dest/test_inprocess"
