#!/bin/sh
# collect-runtime.sh BINARY OUT: copy BINARY and exactly the shared
# libraries it loads (as ldd resolves them, the loader included) into OUT,
# keeping their paths, so a FROM scratch image can run it.
set -eu
bin=$1
out=$2
mkdir -p "$out/usr/local/bin"
cp "$bin" "$out/usr/local/bin/"
ldd "$bin" | awk '/=> \//{print $3} /^\t\//{print $1}' | while read -r lib; do
  # --parents keeps /lib/x86_64-linux-gnu/...; -L stores the file, not the link.
  cp -L --parents "$lib" "$out/"
done
