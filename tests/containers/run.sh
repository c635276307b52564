#!/usr/bin/env bash
# The container test: build both images from containers/Dockerfile, start
# them with containers/compose.yaml, and drive them as a user would.
#
# There is no Docker engine on CI machines, so this runs podman (with runc)
# behind its Docker-compatible API, and the docker-compose client talks to it
# through DOCKER_HOST. No registry is reachable either: the Dockerfile's
# `FROM debian:bookworm-slim` is served by a local image made with
# debootstrap. The Dockerfile and compose file are the unchanged ones users
# run with Docker. Where podman cannot run at all, the test says why and
# exits 0 without pretending to have passed.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
work=$(mktemp -d /tmp/mockworks-containers.XXXXXX)
project=mockworks-ci
compose=(docker-compose -p "$project" -f containers/compose.yaml)
export DOCKER_HOST="unix://$work/podman.sock"

say() { printf '=== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

cleanup() {
  set +e
  "${compose[@]}" down -t 5 >/dev/null 2>&1
  [ -n "${service_pid:-}" ] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

install_tools() {
  local need=()
  for t in podman:podman buildah:buildah runc:runc newuidmap:uidmap fuse-overlayfs:fuse-overlayfs \
           slirp4netns:slirp4netns debootstrap:debootstrap docker-compose:docker-compose curl:curl; do
    command -v "${t%%:*}" >/dev/null 2>&1 || need+=("${t#*:}")
  done
  if [ ${#need[@]} -gt 0 ]; then
    say "installing ${need[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
}

# runc, not crun (crun cannot set rlimits here), and explicit ulimits.
start_podman_service() {
  cat >"$work/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=8192:8192"]
[engine]
runtime = "runc"
CONF
  export CONTAINERS_CONF="$work/containers.conf"
  if ! podman info >"$work/info.log" 2>&1; then
    echo "SKIPPED: podman cannot run on this machine:"; tail -3 "$work/info.log"; exit 0
  fi
  podman system service --time=0 "$DOCKER_HOST" >"$work/service.log" 2>&1 &
  service_pid=$!
  for _ in $(seq 50); do [ -S "$work/podman.sock" ] && return; sleep 0.1; done
  fail "podman system service did not start: $(cat "$work/service.log")"
}

base_image() {
  podman image exists docker.io/library/debian:bookworm-slim && return
  say "building the base image with debootstrap (no registry here)"
  debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 ||
    fail "debootstrap: $(tail -5 "$work/debootstrap.log")"
  tar -C "$work/rootfs" -cf "$work/base.tar" .
  podman import -q "$work/base.tar" docker.io/library/debian:bookworm-slim >/dev/null
  rm -rf "$work/rootfs" "$work/base.tar"
}

lint() {
  say "dockerfilelint"
  npx --yes dockerfilelint@1.8.0 -c containers containers/Dockerfile
}

# JSON field check with node (installed by .ci/install-deps.sh; --tests also
# brings what harness_examples needs: Debian's pytest and httpx, and vitest).
json() { node -e "const v=JSON.parse(require('fs').readFileSync(0,'utf8')); console.log(String($1))"; }

wait_healthy() {
  local c=$1
  for _ in $(seq 60); do
    podman healthcheck run "$c" >/dev/null 2>&1 && { say "$c healthy"; return; }
    sleep 1
  done
  podman logs "$c" | tail -20
  fail "$c did not become healthy"
}

# Size budgets: 20 MB each, except mock_openai at 24 MB since record mode
# (--record --upstream) links libcurl and OpenSSL into it too, about 12 MB of
# libraries (mock_llamaparse has carried them from the start, for webhooks).
check_images() {
  local img budget size user
  for img in mockworks/mock-openai:24000000 mockworks/mock-llamaparse:20000000; do
    budget=${img#*:} img=${img%:*}
    size=$(podman image inspect --format '{{.Size}}' "$img")
    user=$(podman image inspect --format '{{.Config.User}}' "$img")
    say "$img: $size bytes, user $user"
    [ "$size" -lt "$budget" ] || fail "$img is $size bytes, over its $((budget / 1000000)) MB budget"
    case "$user" in "" | 0 | 0:* | root*) fail "$img runs as root" ;; esac
  done
}

embeddings() {
  curl -s -o "$work/emb.json" -w '%{http_code}' localhost:8002/v1/embeddings "$@" \
    -H 'Authorization: Bearer mock_key_local_development' -H 'Content-Type: application/json' \
    -d '{"model":"text-embedding-3-small","input":"a claim for water damage"}'
}

drive_openai() {
  [ "$(embeddings)" = 200 ] || fail "embeddings: $(cat "$work/emb.json")"
  [ "$(json 'v.data[0].embedding.length' <"$work/emb.json")" = 1536 ] || fail "embedding is not 1536 floats"
  say "fault on with curl: the next embeddings call gets 429, the one after it 200"
  curl -sf -X POST localhost:8002/__control/faults -d '{"path":"/v1/embeddings","status":429,"times":1}' >/dev/null
  [ "$(embeddings)" = 429 ] || fail "the fault did not act"
  [ "$(json 'v.error.code' <"$work/emb.json")" = rate_limit_exceeded ] || fail "429 without the real envelope"
  [ "$(embeddings)" = 200 ] || fail "the fault did not end after times=1"
  [ "$(embeddings -H 'x-test-scenario: rate-limited')" = 429 ] || fail "the mounted faults file was not loaded"
  curl -sf -X POST localhost:8002/__control/reset >/dev/null
  [ "$(embeddings -H 'x-test-scenario: rate-limited')" = 200 ] || fail "reset did not clear the rules"
}

# Poll a v1 job until it leaves PENDING; prints its status.
job_status() {
  local s=PENDING
  for _ in $(seq 100); do
    s=$(curl -sf -H 'Authorization: Bearer k' "localhost:8001/api/v1/parsing/job/$1" | json v.status)
    [ "$s" != PENDING ] && break
    sleep 0.2
  done
  echo "$s"
}

upload() {
  curl -sf -H 'Authorization: Bearer k' -F "file=@$1;filename=$2" localhost:8001/api/v1/parsing/upload | json v.id
}

drive_llamaparse() {
  local id md
  id=$(upload tests/data/policy-basic.txt policy-basic.txt)
  [ "$(job_status "$id")" = SUCCESS ] || fail "parse job $id did not succeed"
  md=$(curl -sf -H 'Authorization: Bearer k' "localhost:8001/api/v1/parsing/job/$id/result/markdown" | json v.markdown)
  [ -n "$md" ] || fail "empty markdown"
  say "parse job $id: SUCCESS, ${#md} bytes of markdown"
  id=$(upload tests/data/policy-basic.txt pinned-example.pdf)
  [ "$(job_status "$id")" = SUCCESS ] || fail "fixture job failed"
  curl -sf -H 'Authorization: Bearer k' "localhost:8001/api/v1/parsing/job/$id/result/markdown" | json v.markdown |
    grep -q 'Pinned example' || fail "the mounted fixtures folder was not used"
  # The old contract, fetching from the other service by its compose name.
  local jid=6f1c2b1e-1111-4222-8333-944455556666 st=queued
  curl -sf -X POST localhost:8001/parse -d "{\"job_id\":\"$jid\",\"source_url\":\"http://mock-openai:8002/health\"}" >/dev/null
  for _ in $(seq 50); do
    st=$(curl -sf "localhost:8001/jobs/$jid" | json v.status)
    [ "$st" = completed ] || [ "$st" = failed ] && break
    sleep 0.2
  done
  [ "$st" = completed ] || fail "mock-llamaparse could not fetch from mock-openai by name ($st)"
  say "mock-llamaparse fetched http://mock-openai:8002 across the compose network"
}

# README "In your test suite", with docker compose: the pytest (-n 2), node:test
# and vitest examples attached to the two containers by URL, each test in its own
# x-test-id scope.
harness_examples() {
  say "the harness examples against the containers"
  export MOCKWORKS_OPENAI_URL=http://localhost:8002 MOCKWORKS_LLAMAPARSE_URL=http://localhost:8001
  clients/python/run_tests.sh --attached || fail "the pytest examples against the containers"
  clients/node/run_tests.sh --attached || fail "the node:test and vitest examples against the containers"
  unset MOCKWORKS_OPENAI_URL MOCKWORKS_LLAMAPARSE_URL
}

stop_cleanly() {
  "${compose[@]}" stop -t 10 >/dev/null 2>&1
  for c in "${project}_mock-openai_1" "${project}_mock-llamaparse_1"; do
    local code
    code=$(podman inspect --format '{{.State.ExitCode}}' "$c")
    [ "$code" = 0 ] || fail "$c exited $code on SIGTERM"
  done
  say "both stopped on SIGTERM with exit code 0"
}

install_tools
lint
start_podman_service
base_image
say "docker-compose up --build"
"${compose[@]}" up -d --build >"$work/up.log" 2>&1 || { tail -30 "$work/up.log"; fail "compose up"; }
check_images
wait_healthy "${project}_mock-openai_1"
wait_healthy "${project}_mock-llamaparse_1"
drive_openai
drive_llamaparse
harness_examples
stop_cleanly
say "containers: all checks passed"
