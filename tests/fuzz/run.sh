#!/usr/bin/env bash
# Build the fuzz harnesses, then run each for a while from a scratch copy of
# its seed corpus (tests/fuzz/corpus/<name>, never written to). Prints each
# harness's exec count; exits non-zero if any found a crash, leak, timeout
# or out-of-memory. Findings are kept in build-fuzz/findings/<name>/.
# Usage: tests/fuzz/run.sh [SECONDS_PER_HARNESS] [HARNESS...]   (default 30, all)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
secs="${1:-30}"
shift || true
case "$secs" in '' | *[!0-9]*) echo "usage: $0 [SECONDS] [HARNESS...]" >&2; exit 2 ;; esac

"$here/build.sh"

out="$root/build-fuzz"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

if [ $# -gt 0 ]; then
  names=("$@")
else
  names=()
  for src in "$here"/fuzz_*.c; do
    n="$(basename "${src%.c}")"
    n="${n#fuzz_}"
    [ "$n" = common ] || names+=("$n")
  done
fi

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

failed=0
summary=()
for n in "${names[@]}"; do
  bin="$out/fuzz_$n"
  [ -x "$bin" ] || { echo "no harness fuzz_$n" >&2; exit 2; }
  corpus="$scratch/$n"
  mkdir -p "$corpus" "$out/findings/$n"
  if [ -d "$here/corpus/$n" ]; then cp -R "$here/corpus/$n/." "$corpus/"; fi
  dict=()
  [ -f "$here/dict/$n.dict" ] && dict=("-dict=$here/dict/$n.dict")
  log="$out/findings/$n/run.log"
  echo "=== fuzz_$n: ${secs}s"
  rc=0
  "$bin" -max_total_time="$secs" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$out/findings/$n/" "${dict[@]}" "$corpus" >"$log" 2>&1 || rc=$?
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  units="$(find "$corpus" -type f | wc -l)"
  if [ "$rc" -ne 0 ]; then
    failed=1
    echo "fuzz_$n FAILED (exit $rc) after ${execs:-?} execs; the report:"
    grep -E -A40 '^==[0-9]+==|property failed|^SUMMARY|Test unit written' "$log" | head -80 || tail -40 "$log"
    summary+=("fuzz_$n: FAILED after ${execs:-?} execs (log and input in build-fuzz/findings/$n/)")
  else
    summary+=("fuzz_$n: ${execs:-?} execs, corpus $units inputs, no findings")
  fi
done

echo "=== fuzz summary (${secs}s each)"
printf '%s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
  echo "fuzzing found problems" >&2
  exit 1
fi
echo "${#names[@]} passed, 0 failed"
