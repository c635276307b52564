#!/usr/bin/env bash
# oa_bpe against js-tiktoken on tests/data/large-150k.txt (or the file given),
# both timed in this run: builds tests/tools/bpe_ids in release mode into
# build-bench-tokens/ (never touching build/) and runs bench/tokens.mjs.
# ~15 s after the first build. See bench/RESULTS.md.
#   bash bench/tokens.sh [TEXT_FILE]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
dir=$root/build-bench-tokens

[ -d "$root/tests/clients/node_modules/js-tiktoken" ] ||
    (cd "$root/tests/clients" && npm ci --no-audit --no-fund --loglevel=error)
[ -f "$dir/build.ninja" ] || meson setup "$dir" "$root" --buildtype=release >/dev/null
meson compile -C "$dir" tests/bpe_ids >/dev/null
node "$here/tokens.mjs" "$dir/tests/bpe_ids" "$@"
