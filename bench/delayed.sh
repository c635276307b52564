#!/usr/bin/env bash
# Held responses cost no thread: BENCH_HELD (10000) connections each ask for
# a response delayed by BENCH_DELAY_MS (1000) through the x-mock-fault
# header, for BENCH_SECONDS (10). The baseline is the ideal: every request
# answered after exactly the delay, i.e. connections / delay requests per
# second. The report gives the ratios to that ideal and the memory held.
# BENCH_TARGET=embeddings holds POST /v1/embeddings (one input, 1536 floats)
# instead of GET /health: what a held request costs when its answer is big.
# BENCH_MOCK_BIN runs another mock_openai binary (an older build, to compare).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

held=${BENCH_HELD:-10000}
delay=${BENCH_DELAY_MS:-1000}
secs=${BENCH_SECONDS:-10}
out=$here/out
mkdir -p "$out"

bench_ensure_packages
if [ ! -f "$root/build-bench/build.ninja" ]; then
    meson setup "$root/build-bench" "$root" --buildtype=release -Dtests=false
fi
meson compile -C "$root/build-bench" >"$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }

# Each held request is a socket in wrk and one in the mock (per process).
want=$((held + 1024)) hard=$(ulimit -Hn)
[ "$hard" = unlimited ] || [ "$hard" -ge "$want" ] || { echo "bench: need $want open files, hard limit is $hard" >&2; exit 1; }
ulimit -n "$want"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mockworks-held.XXXXXX")
mock_pid=''
cleanup() {
    [ -z "$mock_pid" ] || { kill "$mock_pid" 2>/dev/null || true; wait "$mock_pid" 2>/dev/null || true; }
    rm -rf "$tmp"
}
trap cleanup EXIT

"${BENCH_MOCK_BIN:-$root/build-bench/mock_openai/mock_openai}" --port 0 --log-level warn --threads 2 \
    --max-connections $((held + 100)) ${BENCH_MOCK_ARGS:-} >"$tmp/out" 2>"$tmp/err" &
mock_pid=$!
port=$(bench_first_line "$tmp/out" "$mock_pid") || { cat "$tmp/err" >&2; exit 1; }
target=${BENCH_TARGET:-health}
wrk_script=()
case $target in
    health) url=http://127.0.0.1:$port/health; what="GET /health" ;;
    embeddings)
        url=http://127.0.0.1:$port/v1/embeddings; what="POST /v1/embeddings (one input, 1536 floats)"
        printf '{"model":"text-embedding-3-small","input":"A held request must cost little more than its connection."}' >"$tmp/body.json"
        export BENCH_BODY=$tmp/body.json
        wrk_script=(-s "$here/post.lua") ;;
    *) echo "bench: BENCH_TARGET is health or embeddings" >&2; exit 2 ;;
esac
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$mock_pid/status"; }
hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$mock_pid/status"; }
threads() { awk '/^Threads:/ { print $2 }' "/proc/$mock_pid/status"; }

curl -sf -o /dev/null http://127.0.0.1:$port/health
idle_rss=$(rss_kb) idle_threads=$(threads)
wrk -t2 -c"$held" -d"${secs}s" --timeout $((delay * 5 / 1000 + 1))s --latency \
    -H "x-mock-fault: delay_ms=$delay" "${wrk_script[@]}" "$url" >"$out/wrk-held.txt" &
wrk_pid=$!
# While the first round is held (every connection waiting, nothing built
# yet): what a held request costs by itself.
sleep "$(awk -v d="$delay" 'BEGIN { printf "%.2f", d * 0.8 / 1000 }')"
held_rss=$(rss_kb)
wait "$wrk_pid"
peak_rss=$(hwm_kb) peak_threads=$(threads)
kill -0 "$mock_pid" || { echo "bench: mock_openai died" >&2; cat "$tmp/err" >&2; exit 1; }

rps=$(bench_rps "$out/wrk-held.txt")
p50=$(bench_to_ms "$(awk '$1 == "50%" { print $2 }' "$out/wrk-held.txt")")
p99=$(bench_p99 "$out/wrk-held.txt")
errors=$(bench_errors "$out/wrk-held.txt")
ideal=$(awk -v c="$held" -v d="$delay" 'BEGIN { printf "%.0f", c * 1000 / d }')
{
    echo "# $held held responses, each delayed ${delay} ms ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
    echo
    echo "wrk -t2 -c$held -d${secs}s, header x-mock-fault: delay_ms=$delay, $what; mock --threads 2."
    echo
    echo "| measure | value | ideal | ratio to ideal |"
    echo "| --- | ---: | ---: | ---: |"
    echo "| requests/s | $rps | $ideal | $(awk -v a="$rps" -v b="$ideal" 'BEGIN { printf "%.2f", a / b }') |"
    echo "| p50 latency | $p50 ms | $delay ms | $(awk -v a="$p50" -v b="$delay" 'BEGIN { printf "%.2f", a / b }') |"
    echo "| p99 latency | $p99 ms | $delay ms | $(awk -v a="$p99" -v b="$delay" 'BEGIN { printf "%.2f", a / b }') |"
    echo "| failed requests | $errors | 0 | |"
    echo "| threads (idle → under load) | $idle_threads → $peak_threads | unchanged | |"
    echo "| RSS while the first round is held | $((held_rss / 1024)) MB, $(( (held_rss - idle_rss) / held )) KB per held request | | |"
    echo "| RSS (idle → peak) | $((idle_rss / 1024)) MB → $((peak_rss / 1024)) MB | | $(awk -v a="$peak_rss" -v b="$idle_rss" 'BEGIN { printf "%.1f", a / b }') |"
} | tee "$out/held.md"
