#!/usr/bin/env bash
# The Python harness's tests, as a user installs it: a fresh venv (system
# site-packages for Debian's pytest and httpx; no package index needed),
# `pip install --no-build-isolation` of a copy of clients/python, then pytest
# on the package's tests and the examples: servers started by the fixtures,
# the examples again with pytest -n 2, and once more with both workers
# attached to one pair of running servers (as with docker compose).
# Usage: clients/python/run_tests.sh BUILD_DIR
#        MOCKWORKS_OPENAI_URL=... MOCKWORKS_LLAMAPARSE_URL=... clients/python/run_tests.sh --attached
#          (only the examples, -n 2, against servers already running: containers)
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
# Debian's interpreter, where python3-pytest lives (not a pyenv shim's).
python=${PYTHON:-/usr/bin/python3}
[ -x "$python" ] || python=python3

work=$(mktemp -d /tmp/mockworks-python.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

echo "=== venv and pip install --no-build-isolation"
"$python" -m venv --system-site-packages "$work/venv"
cp -r "$here" "$work/src"
rm -rf "$work/src/build" "$work/src"/src/*.egg-info
"$work/venv/bin/pip" install -q --no-build-isolation --no-index "$work/src"
py="$work/venv/bin/python"
"$py" -c 'import mockworks, sys; print("mockworks", mockworks.__version__, "on python", sys.version.split()[0])'

cd "$work/src"   # the examples' pyproject.toml settings apply; nothing is written to the source tree
pytest=("$py" -m pytest -p no:cacheprovider -o console_output_style=classic)
xdist=0
"$py" -c 'import xdist' 2>/dev/null && xdist=1
failed=0
run() { "${pytest[@]}" "$@" || failed=1; }   # every stage runs; any failure fails the script

if [ "$attached" = 1 ]; then
  echo "=== pytest (-n 2 with xdist): the examples attached to $MOCKWORKS_OPENAI_URL and $MOCKWORKS_LLAMAPARSE_URL"
  if [ "$xdist" = 1 ]; then run -n 2 examples; else run examples; fi
  exit "$failed"
fi
export MOCKWORKS_BIN_DIR="$build"
unset MOCKWORKS_OPENAI_URL MOCKWORKS_LLAMAPARSE_URL MOCKWORKS_CONTROL_TOKEN

echo "=== pytest: the package's tests and the examples, servers started per session"
run tests examples

if [ "$xdist" = 1 ]; then
  echo "=== pytest -n 2: the examples, a server per worker"
  run -n 2 examples
fi

# Both servers running on their own, as containers would be; every test attaches.
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
echo "=== pytest (-n 2 with xdist): the examples attached to $MOCKWORKS_OPENAI_URL and $MOCKWORKS_LLAMAPARSE_URL"
if [ "$xdist" = 1 ]; then run -n 2 examples; else run examples; fi
exit "$failed"
