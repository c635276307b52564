#!/usr/bin/env bash
# Throughput of mock_openai's /v1/embeddings against nginx serving the very
# same response bytes as a static file, both measured by wrk in this run.
# Absolute req/s depend on the machine and on wrk sharing its cores; the
# ratio mock/nginx from one run is the figure to compare. See README.md.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

secs=${BENCH_SECONDS:-10}
warmup=${BENCH_WARMUP:-1}
wrk_threads=${BENCH_WRK_THREADS:-2}
conns=${BENCH_CONNECTIONS:-64}
# A batch answer is ~5.4 MB; 64 connections would only measure wrk's and the
# kernel's buffering of it, so the batch case uses fewer (on both sides).
batch_conns=${BENCH_BATCH_CONNECTIONS:-16}
mock_threads=${BENCH_MOCK_THREADS:-2}
rounds=${BENCH_ROUNDS:-1}
out=$here/out
mkdir -p "$out"

bench_ensure_packages
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

# Its own build dir, release mode, so a developer's build/ (debug, with
# tests) is never reconfigured.
if [ ! -f "$root/build-bench/build.ninja" ]; then
    meson setup "$root/build-bench" "$root" --buildtype=release -Dtests=false
fi
meson compile -C "$root/build-bench" >"$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }
mock_bin=$root/build-bench/mock_openai/mock_openai

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mockworks-bench.XXXXXX")
# nginx workers drop to an unprivileged user when started as root: they must
# be able to read the served files.
chmod 755 "$tmp"
mock_pid='' nginx_pid='' wrk_pid=''
cleanup() {
    local pid
    for pid in $wrk_pid $mock_pid $nginx_pid; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in $wrk_pid $mock_pid $nginx_pid; do
        wait "$pid" 2>/dev/null || true
    done
    if [ -n "${BENCH_KEEP_TMP:-}" ]; then echo "bench: kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the mock ---
"$mock_bin" --port 0 --log-level warn --threads "$mock_threads" --shutdown-grace-ms 1000 \
    >"$tmp/mock.out" 2>"$tmp/mock.err" &
mock_pid=$!
mock_port=$(bench_first_line "$tmp/mock.out" "$mock_pid") || {
    echo "bench: mock_openai did not start" >&2; cat "$tmp/mock.err" >&2; exit 1; }
mock_url=http://127.0.0.1:$mock_port/v1/embeddings

# --- nginx, private prefix; retried on a new port if it lost a bind race ---
mkdir -p "$tmp/nginx/www" "$tmp/nginx/tmp" "$tmp/req"
chmod 755 "$tmp/nginx" "$tmp/nginx/www"
echo ok >"$tmp/nginx/www/ping"
for _ in 1 2 3 4 5; do
    nginx_port=$(bench_free_port)
    sed -e "s|@PREFIX@|$tmp/nginx|g" -e "s|@PORT@|$nginx_port|g" "$here/nginx.conf.in" >"$tmp/nginx/nginx.conf"
    "$nginx_bin" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" &
    nginx_pid=$!
    bench_wait_http "http://127.0.0.1:$nginx_port/ping" "$nginx_pid" && break
    kill "$nginx_pid" 2>/dev/null || true
    wait "$nginx_pid" 2>/dev/null || true
    nginx_pid=
done
[ -n "$nginx_pid" ] || { echo "bench: nginx did not start" >&2; cat "$tmp/nginx/error.log" >&2; exit 1; }

# --- the cases: id, connections, label, request body ---
q='"model":"text-embedding-3-small","input":"The quick brown fox jumps over the lazy dog"'
printf '{%s}' "$q" >"$tmp/req/a.json"
printf '{%s,"encoding_format":"base64"}' "$q" >"$tmp/req/b.json"
printf '{"model":"text-embedding-3-small","input":%s}' "$(bench_batch_input)" >"$tmp/req/c.json"
# Case d sends a new text every time (bench/post_varied.lua), so the mock's
# embeddings cache never answers; nginx serves one such answer (same size
# within a few bytes). This file is that first request.
printf '{"model":"text-embedding-3-small","input":"The quick brown fox jumps over the lazy dog 0-0"}' >"$tmp/req/d.json"
cases=("a|$conns|1 input, float|post.lua" "b|$conns|1 input, base64|post.lua" "c|$batch_conns|256 inputs, float|post.lua"
       "d|$conns|1 input, a new text each time, float|post_varied.lua")

# wrk in the background and waited for, so a Ctrl-C reaches the trap at once.
run_wrk() { # out_file connections url [wrk args...]
    local file=$1 c=$2 url=$3
    shift 3
    if [ "$warmup" -gt 0 ]; then
        wrk -t"$wrk_threads" -c"$c" -d"${warmup}s" "$@" "$url" >/dev/null &
        wait_wrk $!
    fi
    wrk -t"$wrk_threads" -c"$c" -d"${secs}s" --latency "$@" "$url" >"$file" &
    wait_wrk $!
}

wait_wrk() {
    wrk_pid=$1
    local st=0
    wait "$wrk_pid" || st=$?
    wrk_pid=
    servers_alive
    [ "$st" -eq 0 ] || { echo "bench: wrk failed (exit status $st)" >&2; exit 1; }
}

# Fail loudly, with the server's own words, if one died under load: its
# figures would otherwise be wrk's connection errors.
servers_alive() {
    local st=0
    if ! kill -0 "$mock_pid" 2>/dev/null; then
        wait "$mock_pid" || st=$?
        echo "bench: mock_openai died (exit status $st); its stderr:" >&2
        tail -n 20 "$tmp/mock.err" >&2
        mock_pid=
        exit 1
    fi
    if ! kill -0 "$nginx_pid" 2>/dev/null; then
        echo "bench: nginx died; its error log:" >&2
        tail -n 20 "$tmp/nginx/error.log" >&2
        nginx_pid=
        exit 1
    fi
}

rows=() warnings=()
# Other work on the machine skews both sides, so the report shows the load.
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
for spec in "${cases[@]}"; do
    IFS='|' read -r id c label script <<<"$spec"
    # The baseline file is the mock's real answer, so both serve equal bytes.
    curl -sS --fail -o "$tmp/nginx/www/$id.json" -H 'Content-Type: application/json' \
        -H 'Authorization: Bearer bench' --data-binary "@$tmp/req/$id.json" "$mock_url"
    chmod 644 "$tmp/nginx/www/$id.json"
    size=$(wc -c <"$tmp/nginx/www/$id.json")
    curl -sS --fail "http://127.0.0.1:$nginx_port/$id.json" | cmp -s - "$tmp/nginx/www/$id.json" ||
        { echo "bench: nginx does not serve case $id's body" >&2; exit 1; }
    echo "bench: case $id ($label, $size B response, -c$c, ${secs}s each)" >&2

    # Rounds alternate the two sides, so a burst of other work on the machine
    # slows one round of each rather than all of one side.
    rm -f "$out/wrk-$id-"*.txt
    for ((r = 1; r <= rounds; r++)); do
        BENCH_BODY=$tmp/req/$id.json run_wrk "$out/wrk-$id-mock-r$r.txt" "$c" "$mock_url" -s "$here/$script"
        run_wrk "$out/wrk-$id-nginx-r$r.txt" "$c" "http://127.0.0.1:$nginx_port/$id.json" \
            -H 'Authorization: Bearer bench'
    done
    for side in mock nginx; do
        for f in "$out/wrk-$id-$side"-r*.txt; do
            e=$(bench_errors "$f")
            [ "$e" -eq 0 ] || warnings+=("case $id, $side: $e failed requests (see bench/out/${f##*/})")
        done
        # Interference only ever slows a side down: its best round is the
        # closest to what it can do.
        cp "$(bench_best_of "$out/wrk-$id-$side"-r*.txt)" "$out/wrk-$id-$side.txt"
    done
    m_rps=$(bench_rps "$out/wrk-$id-mock.txt") n_rps=$(bench_rps "$out/wrk-$id-nginx.txt")
    ratio=$(awk -v m="$m_rps" -v n="$n_rps" 'BEGIN { if (n > 0) printf "%.2f", m / n; else print "n/a" }')
    rows+=("| $id: $label ($size B) | $m_rps | $(bench_p99 "$out/wrk-$id-mock.txt") ms | $n_rps | $(bench_p99 "$out/wrk-$id-nginx.txt") ms | $ratio |")
    [ "$id" = a ] && ratio_a=$ratio
done

# --- report ---
{
    echo "# mock_openai vs nginx static ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
    echo
    echo "Machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)."
    echo "wrk -t$wrk_threads -d${secs}s --latency (warm-up ${warmup}s), best of $rounds alternating round(s) per side;" \
        "mock --threads $mock_threads; nginx 2 workers."
    echo "Load average (1/5/15 min) at start: $load_start; at end: $(cut -d' ' -f1-3 /proc/loadavg)."
    echo
    echo "| case | mock req/s | mock p99 | nginx req/s | nginx p99 | mock/nginx req/s |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: |"
    printf '%s\n' "${rows[@]}"
    echo
    met=$(awk -v r="$ratio_a" 'BEGIN { print (r + 0 >= 0.6 ? "met" : "NOT met") }')
    echo "Goal (case a, mock >= 0.6 x nginx req/s): $met (ratio $ratio_a)."
    for w in "${warnings[@]}"; do echo "Warning: $w."; done
} | tee "$out/latest.md"
