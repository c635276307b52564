#!/usr/bin/env bash
# CPU time mock_openai spends per embeddings request under wrk load: the
# server's utime + stime (from /proc/PID/stat) over the requests wrk got
# answered. Less sensitive to other work on the machine than req/s, which
# depends on the share of the cores the server gets; use it to compare two
# builds of the mock, run by run (then bench/run.sh for the ratio to nginx).
#
#   bash bench/cpu_per_req.sh BINARY [repeat|varied] [seconds] [mock flags...]
#
# repeat: case a of run.sh (one request, again and again); varied: case d
# (a new text every time, bench/post_varied.lua). Prints one line.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin=${1:?usage: cpu_per_req.sh BINARY [repeat|varied] [seconds] [mock flags...]}
mode=${2:-repeat}
secs=${3:-5}
shift $(($# < 3 ? $# : 3))
case $mode in
repeat) script=$here/post.lua ;;
varied) script=$here/post_varied.lua ;;
*) echo "cpu_per_req: mode is repeat or varied, not $mode" >&2; exit 2 ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mockworks-cpu.XXXXXX")
pid=''
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

printf '{"model":"text-embedding-3-small","input":"The quick brown fox jumps over the lazy dog"}' >"$tmp/a.json"
"$bin" --port 0 --log-level warn --threads 2 "$@" >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 100); do [ -s "$tmp/out" ] && break; sleep 0.05; done
port=$(head -n 1 "$tmp/out")
[ -n "$port" ] || { echo "cpu_per_req: the mock did not start" >&2; cat "$tmp/err" >&2; exit 1; }
url=http://127.0.0.1:$port/v1/embeddings

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
BENCH_BODY=$tmp/a.json wrk -t2 -c64 -d1s -s "$script" "$url" >/dev/null # warm-up
t0=$(cpu_ticks)
BENCH_BODY=$tmp/a.json wrk -t2 -c64 -d"${secs}s" -s "$script" "$url" >"$tmp/wrk"
t1=$(cpu_ticks)
awk -v a="$t0" -v b="$t1" -v hz="$(getconf CLK_TCK)" -v mode="$mode" '
    /requests in/ { n = $1 }
    /Requests\/sec:/ { rps = $2 }
    /Non-2xx/ { bad = $NF }
    END {
        if (n == 0) { print "cpu_per_req: no requests answered" > "/dev/stderr"; exit 1 }
        printf "%s: %.1f us CPU per request (%d requests, %.0f req/s%s)\n", mode, (b - a) / hz / n * 1e6, n, rps,
            bad ? ", " bad " non-2xx" : ""
    }' "$tmp/wrk"
