#!/usr/bin/env bash
# Install what building and testing mockworks needs on Debian, skipping what
# is already there. Usage: .ci/install-deps.sh [--tests]
#   --tests  also the Node.js packages of the real-client tests (npm ci)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(gcc libc6-dev make pkg-config meson ninja-build
          libmicrohttpd-dev libcjson-dev libxxhash-dev libcurl4-openssl-dev libssl-dev zlib1g-dev libpcre2-dev
          check curl)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "${1:-}" = "--tests" ]; then
  # openai@7 declares node >= 22 but runs on 20: the engine warning is expected.
  (cd tests/clients && npm ci --no-audit --no-fund --loglevel=error)
fi
