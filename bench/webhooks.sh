#!/usr/bin/env bash
# The 1,000-job upload-and-webhook load (issue 15) on a release build: the
# webhook rate (open receiver, and a gated backlog against a node baseline in
# the same run) and the memory the held jobs cost. See bench/webhooks.mjs.
#   bash bench/webhooks.sh              # 1,000 jobs (~1 min)
#   bash bench/webhooks.sh --jobs 200   # quick check
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
build=$root/build-bench
[ -f "$build/build.ninja" ] || meson setup "$build" "$root" --buildtype=release -Dtests=false >/dev/null
meson compile -C "$build" mock_llamaparse/mock_llamaparse >/dev/null
ulimit -n "$(ulimit -Hn)"
mkdir -p "$here/out"
node "$here/webhooks.mjs" "$build/mock_llamaparse/mock_llamaparse" "$@" | tee "$here/out/webhooks.md"
