#!/usr/bin/env bash
# Soak: 1,000,000 mixed requests against each mock server (release build),
# with RSS and open fds sampled every ~10,000 requests. Fails (exit 1) on any
# unexpected failure, a final RSS more than 5 % off the plateau, fd growth,
# or an unclean exit. See bench/soak.mjs for the mix and the checks, and
# the "Soak" section of bench/RESULTS.md for the latest figures.
#
#   bash bench/soak.sh                     # full: 1,000,000 per server (~15 min on 2 cores)
#   bash bench/soak.sh --requests 20000    # quick check (~20 s)
#   bash bench/soak.sh --server openai     # one server only (openai | llamaparse | both)
#   bash bench/soak.sh --concurrency 16 --seed 1
#   bash bench/soak.sh --malloc default    # glibc's dynamic malloc thresholds (see soak.mjs)
#
# Writes bench/out/soak-<server>.{csv,json,md}, bench/out/soak.md (both
# fragments with the command and the date) and the charts: bench/soak-<server>.svg
# for a full run of 1,000,000, bench/out/soak-<server>.svg for any other size,
# so a quick check never replaces the committed charts. Builds into
# build-soak/ (release, no unit tests); never touches build/.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
out=$here/out
build=${SOAK_BUILD_DIR:-$root/build-soak}

requests=1000000
servers=(openai llamaparse)
concurrency=16
seed=1
malloc=pinned
while [ $# -gt 0 ]; do
    case $1 in
        --requests) requests=$2; shift 2 ;;
        --server)
            case $2 in
                both) servers=(openai llamaparse) ;;
                openai | llamaparse) servers=("$2") ;;
                *) echo "soak: --server openai|llamaparse|both" >&2; exit 2 ;;
            esac
            shift 2 ;;
        --concurrency) concurrency=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        --malloc) malloc=$2; shift 2 ;;
        -h | --help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "soak: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
if ! [[ $requests =~ ^[0-9]+$ ]] || [ "$requests" -lt 1000 ]; then
    echo "soak: --requests must be a number >= 1000" >&2
    exit 2
fi

# What the build needs (installs only what is missing), and node.
"$root/.ci/install-deps.sh"
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
[ "$node_major" -ge 18 ] || { echo "soak: needs Node.js >= 18 (20 tested), found $(node --version 2>/dev/null || echo none)" >&2; exit 1; }

mkdir -p "$out"
if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" "$root" -Dbuildtype=release -Dtests=false >"$out/soak-build.log" 2>&1 ||
        { cat "$out/soak-build.log" >&2; exit 1; }
fi
meson compile -C "$build" mock_openai/mock_openai mock_llamaparse/mock_llamaparse >>"$out/soak-build.log" 2>&1 ||
    { tail -n 40 "$out/soak-build.log" >&2; exit 1; }

svg_dir=$out
[ "$requests" -eq 1000000 ] && svg_dir=$here

cmd="bash bench/soak.sh --requests $requests --server $([ ${#servers[@]} -eq 2 ] && echo both || echo "${servers[0]}") --concurrency $concurrency --seed $seed --malloc $malloc"
started=$(date -u '+%Y-%m-%d %H:%M UTC')
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=
if git -C "$root" status --porcelain --untracked-files=no 2>/dev/null | grep -q .; then dirty=' (with uncommitted changes)'; fi
t0=$(date +%s)
status=0
for s in "${servers[@]}"; do
    echo "soak: mock_$s, $requests requests" >&2
    node "$here/soak.mjs" --server "$s" --bin "$build/mock_$s/mock_$s" --requests "$requests" \
        --concurrency "$concurrency" --seed "$seed" --malloc "$malloc" --out "$out" --svg "$svg_dir/soak-$s.svg" || status=1
done
t1=$(date +%s)

{
    echo "Command: \`$cmd\`, started $started on commit $commit$dirty, took $((t1 - t0)) s in all."
    echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(node --version), load average at the end $(cut -d' ' -f1-3 /proc/loadavg)."
    echo
    for s in "${servers[@]}"; do
        [ -f "$out/soak-$s.md" ] && cat "$out/soak-$s.md"
    done
} >"$out/soak.md"
echo "soak: report in $out/soak.md, curves in $out/soak-*.csv, charts in $svg_dir/soak-*.svg" >&2
[ "$status" -eq 0 ] && echo "soak: PASS" >&2 || echo "soak: FAIL" >&2
exit "$status"
