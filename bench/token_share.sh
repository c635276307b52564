#!/usr/bin/env bash
# The share of an embeddings request's CPU that exact token counting takes
# (issue 14: the hot path may lose at most 10 % of its requests/s to it).
# Both figures from this run on a release build: the server's CPU per
# varied request under wrk (bench/cpu_per_req.sh, a new text each time, so
# the embeddings cache never answers and every request is counted), and
# oa_bpe_count's CPU per text of the same shape (bench/micro_tokens.c).
#   bash bench/token_share.sh [seconds]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
build=$root/build-bench
[ -f "$build/build.ninja" ] || meson setup "$build" "$root" --buildtype=release -Dtests=false >/dev/null
meson compile -C "$build" >/dev/null
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mockworks-tokshare.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cc -O2 -D_GNU_SOURCE -I"$root/shared" -I"$root/mock_openai" "$here/micro_tokens.c" \
    "$build/mock_openai/liboa.a" "$build/shared/libmockcore.a" \
    $(pkg-config --libs libpcre2-8 zlib) -lxxhash -lpthread -o "$tmp/micro_tokens"
count_ns=$("$tmp/micro_tokens")
line=$(bash "$here/cpu_per_req.sh" "$build/mock_openai/mock_openai" varied "${1:-5}")
echo "cpu_per_req: $line"
req_us=$(echo "$line" | grep -o '[0-9.]* us' | head -1 | cut -d' ' -f1)
awk -v c="$count_ns" -v r="$req_us" 'BEGIN {
    printf "token count %.2f us of %.2f us per varied embeddings request: %.1f %% of its CPU (goal <= 10 %%)\n", c / 1000, r, 100 * c / 1000 / r }'
