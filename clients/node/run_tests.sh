#!/usr/bin/env bash
# The Node harness's tests: the package's own node:test tests, the node:test
# examples and the vitest examples with servers they start, then both sets of
# examples again attached to one pair of running servers (as with docker
# compose). vitest comes from `npm ci` here (.ci/install-deps.sh --tests).
# Usage: clients/node/run_tests.sh BUILD_DIR
#        MOCKWORKS_OPENAI_URL=... MOCKWORKS_LLAMAPARSE_URL=... clients/node/run_tests.sh --attached
#          (only the examples, against servers already running: containers)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage="usage: run_tests.sh BUILD_DIR | run_tests.sh --attached (with MOCKWORKS_OPENAI_URL and MOCKWORKS_LLAMAPARSE_URL)"
attached=0
if [ "${1:-}" = --attached ]; then
  attached=1
  : "${MOCKWORKS_OPENAI_URL:?$usage}" "${MOCKWORKS_LLAMAPARSE_URL:?$usage}"
else
  build=$(cd "${1:?$usage}" && pwd)
fi
cd "$here"
vitest=node_modules/.bin/vitest
[ -x "$vitest" ] || { echo "vitest is not installed: run .ci/install-deps.sh --tests (npm ci in clients/node)" >&2; exit 1; }

work=$(mktemp -d /tmp/mockworks-node.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

failed=0
run() { "$@" || failed=1; }   # every stage runs; any failure fails the script

if [ "$attached" = 1 ]; then
  echo "=== the examples attached to $MOCKWORKS_OPENAI_URL and $MOCKWORKS_LLAMAPARSE_URL"
  run node --test --test-concurrency=2 examples/node-test/
  run "$vitest" run
  exit "$failed"
fi
export MOCKWORKS_BIN_DIR="$build"
unset MOCKWORKS_OPENAI_URL MOCKWORKS_LLAMAPARSE_URL MOCKWORKS_CONTROL_TOKEN

echo "=== node --test: the package's tests and the node:test examples"
run node --test --test-concurrency=2 test/ examples/node-test/
echo "=== vitest run: the vitest examples"
run "$vitest" run

# Not in a $( ) subshell: the pid must reach this shell's list, or the
# cleanup would leave the server running.
start() { # NAME VAR [flags...]: start NAME, put its URL in VAR
  "$build/$1/$1" --port 0 --log-level warn "${@:3}" >"$work/$1.port" 2>"$work/$1.log" &
  pids+=($!)
  for _ in $(seq 100); do [ -s "$work/$1.port" ] && break; sleep 0.05; done
  printf -v "$2" 'http://127.0.0.1:%s' "$(head -1 "$work/$1.port")"
  export "${2?}"
}
start mock_openai MOCKWORKS_OPENAI_URL
start mock_llamaparse MOCKWORKS_LLAMAPARSE_URL --job-delay-ms 0 --job-ms-per-page 0
echo "=== the examples attached to $MOCKWORKS_OPENAI_URL and $MOCKWORKS_LLAMAPARSE_URL"
run node --test --test-concurrency=2 examples/node-test/
run "$vitest" run
exit "$failed"
