# shellcheck shell=bash
# Helpers for bench/run.sh (sourced, not run). Kept apart so run.sh reads as
# the sequence of steps it performs.

# Install what the benchmark and the build need, but only what is missing:
# apt-get update is slow and needs the network, so it runs only when an
# install fails on a stale package list.
bench_ensure_packages() {
    local missing=() p
    command -v wrk >/dev/null || missing+=(wrk)
    # nginx lives in /usr/sbin, which a non-root PATH may lack.
    command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
    for p in libmicrohttpd-dev libcjson-dev libxxhash-dev check meson ninja-build pkg-config curl; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    echo "bench: installing ${missing[*]}" >&2
    local sudo=
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    if ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"; then
        $sudo apt-get update
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
    fi
}

# True if any TCP socket (listening or connected) has local port $1. A
# connected one blocks nginx's bind too. Reads /proc: needs neither ss nor
# netstat.
bench_port_in_use() {
    local hex
    hex=$(printf '%04X' "$1")
    awk -v p="$hex" 'FNR > 1 { split($2, a, ":"); if (a[2] == p) f = 1 } END { exit !f }' \
        /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# A port nobody uses now, below the kernel's ephemeral range so outgoing
# connections (wrk's, curl's) cannot take it meanwhile. Another server still
# may, so the caller retries with a new port if nginx fails to start.
bench_free_port() {
    local lo p
    lo=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
    [ "$lo" -gt 11000 ] || lo=32768
    while :; do
        p=$((10000 + RANDOM % (lo - 10000)))
        bench_port_in_use "$p" || { echo "$p"; return 0; }
    done
}

# Wait until file $1 has a first line, or process $2 dies, or ~10 s pass.
# Prints the line. Used for the mock's "bound port" line on stdout.
bench_first_line() {
    local i line
    for ((i = 0; i < 200; i++)); do
        line=$(head -n 1 "$1" 2>/dev/null || true)
        [ -n "$line" ] && { echo "$line"; return 0; }
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

# Wait until URL $1 answers 200, or process $2 dies, or ~10 s pass.
bench_wait_http() {
    local i
    for ((i = 0; i < 200; i++)); do
        curl -sf -o /dev/null "$1" && return 0
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

# wrk latency like "850.12us", "3.21ms", "1.02s", "1.50m" -> milliseconds.
# The unit checks go from the longest suffix down, since "ms" ends in "s".
bench_to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n /= 1000
        else if (v ~ /ms$/) n = n
        else if (v ~ /s$/) n *= 1000
        else if (v ~ /m$/) n *= 60000
        else if (v ~ /h$/) n *= 3600000
        printf "%.2f", n
    }'
}

# Fields of a saved wrk --latency report, file $1.
bench_rps() { awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$1"; }
bench_p99() { bench_to_ms "$(awk '$1 == "99%" { print $2 }' "$1")"; }
# Of the wrk reports given, the one with the most requests/s.
bench_best_of() {
    local f best='' best_rps=-1 rps
    for f in "$@"; do
        rps=$(bench_rps "$f")
        [ "${rps:-0}" -gt "$best_rps" ] && best=$f best_rps=${rps:-0}
    done
    echo "$best"
}

# Failed requests (non-2xx answers plus socket errors), so a fast stream of
# errors is never mistaken for throughput.
bench_errors() {
    awk '/Non-2xx or 3xx responses:/ { n += $NF }
         /Socket errors:/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) n += $i + 0 }
         END { print n + 0 }' "$1"
}

# One deterministic JSON array of 256 different short sentences, so the batch
# case is the same request in every run and on every machine.
bench_batch_input() {
    local subj=(cat dog fox owl bee ant cow pig hen elk yak emu eel bat ram doe)
    local verb=(sees finds likes chases greets follows meets hears
                watches helps calls joins leads trusts avoids pushes)
    local i sep=
    printf '['
    for ((i = 0; i < 256; i++)); do
        printf '%s"Sentence %d: the %s %s the %s near river %d."' "$sep" "$i" \
            "${subj[i % 16]}" "${verb[i / 16]}" "${subj[(i * 7 + 3) % 16]}" "$((i * 37 % 101))"
        sep=,
    done
    printf ']'
}
