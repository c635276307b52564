#!/usr/bin/env bash
# Build every libFuzzer harness (tests/fuzz/fuzz_*.c) into build-fuzz/ with
# clang, ASan and UBSan, compiling the project's own .c files directly (every
# module but the two main.c; the linker keeps what a harness uses).
# Usage: tests/fuzz/build.sh          (from anywhere)
# Needs: the project's apt packages (.ci/install-deps.sh), plus clang and its
# libFuzzer runtime (Debian: clang, libclang-rt-dev), installed here when
# missing and running as root.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
out="$root/build-fuzz"
CC="${CC:-clang}"

# libFuzzer ships in libclang-rt-N-dev, which clang only recommends: a
# --no-install-recommends install of clang lacks it.
probe() {
  local dir
  dir="$(mktemp -d)"
  printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' >"$dir/p.c"
  "$CC" -fsanitize=fuzzer,address,undefined "$dir/p.c" -o "$dir/p" >/dev/null 2>&1
  local rc=$?
  rm -rf "$dir"
  return $rc
}
if ! command -v "$CC" >/dev/null 2>&1 || ! probe; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing clang and libclang-rt-dev (libFuzzer runtime)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang libclang-rt-dev >/dev/null
  fi
  if ! command -v "$CC" >/dev/null 2>&1 || ! probe; then
    echo "error: $CC cannot link -fsanitize=fuzzer; install clang and libclang-rt-dev (Debian)" >&2
    exit 1
  fi
fi

pkgs="libmicrohttpd libcjson libxxhash libcurl libcrypto zlib libpcre2-8"
# shellcheck disable=SC2086
pkg_cflags="$(pkg-config --cflags $pkgs)"
# shellcheck disable=SC2086
pkg_libs="$(pkg-config --libs $pkgs) -lpthread -lm"

san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
common="-std=gnu11 -g -O1 -D_GNU_SOURCE -DMOCKWORKS_VERSION=\"fuzz\" -ffp-contract=off \
  -Ishared -Ifaults -Icontrol -Imock_openai -Imock_llamaparse -Itests/fuzz $pkg_cflags"
# Project code keeps the meson build's warnings (gcc enforces -Werror there);
# the harnesses are held to -Werror here.
proj_cflags="$common $san -fsanitize=fuzzer-no-link -Wall -Wextra -Wno-missing-field-initializers"
fuzz_cflags="$common $san -fsanitize=fuzzer-no-link -Wall -Wextra -Werror"

mkdir -p "$out/obj"
newest_header="$(find shared faults control mock_openai mock_llamaparse tests/fuzz -name '*.h' -printf '%T@\n' | sort -n | tail -1)"

# Objects are rebuilt when missing or older than their source or any header.
stale() {
  local src="$1" obj="$2"
  [ ! -f "$obj" ] && return 0
  [ "$src" -nt "$obj" ] && return 0
  awk -v h="$newest_header" -v o="$(stat -c %Y "$obj")" 'BEGIN { exit !(h > o) }'
}

jobs="$(nproc 2>/dev/null || echo 2)"
todo=()
objs=()
for src in shared/*.c faults/*.c control/*.c mock_openai/*.c mock_llamaparse/*.c; do
  [ "$(basename "$src")" = main.c ] && continue
  obj="$out/obj/$(echo "${src%.c}" | tr / _).o"
  objs+=("$obj")
  stale "$src" "$obj" && todo+=("$src:$obj:proj")
done
for src in tests/fuzz/*.c; do
  obj="$out/obj/$(echo "${src%.c}" | tr / _).o"
  stale "$src" "$obj" && todo+=("$src:$obj:fuzz")
done

if [ ${#todo[@]} -gt 0 ]; then
  echo "compiling ${#todo[@]} files with $CC"
  export CC proj_cflags fuzz_cflags
  printf '%s\n' "${todo[@]}" | xargs -P "$jobs" -I{} sh -c '
    src="${1%%:*}"; rest="${1#*:}"; obj="${rest%%:*}"; kind="${rest#*:}"
    if [ "$kind" = proj ]; then flags="$proj_cflags"; else flags="$fuzz_cflags"; fi
    # shellcheck disable=SC2086
    $CC $flags -c "$src" -o "$obj.tmp" && mv "$obj.tmp" "$obj"' _ {}
fi

# oa_bpe's vocabularies (and the model catalogue) are embedded by a generated
# .S, as meson does it (mock_openai/meson.build): build the generator, write the .S, assemble.
blobs="$out/obj/oa_bpe_blobs"
if [ ! -f "$blobs.o" ] || [ mock_openai/bpe_data/incbin.c -nt "$blobs.o" ] ||
   [ mock_openai/bpe_data/cl100k_base.bpez -nt "$blobs.o" ] || [ mock_openai/bpe_data/o200k_base.bpez -nt "$blobs.o" ] ||
   [ mock_openai/oa_catalog.json -nt "$blobs.o" ]; then
  "$CC" -O1 mock_openai/bpe_data/incbin.c -o "$out/obj/bpe_incbin"
  "$out/obj/bpe_incbin" "$blobs.S" oa_bpe_blob_cl100k mock_openai/bpe_data/cl100k_base.bpez \
    oa_bpe_blob_o200k mock_openai/bpe_data/o200k_base.bpez oa_catalog_blob mock_openai/oa_catalog.json
  "$CC" -c "$blobs.S" -o "$blobs.o"
fi
objs+=("$blobs.o")

rm -f "$out/libmockworks.a"
ar rcs "$out/libmockworks.a" "${objs[@]}"

built=0
for src in tests/fuzz/fuzz_*.c; do
  name="$(basename "${src%.c}")"
  [ "$name" = fuzz_common ] && continue
  # shellcheck disable=SC2086
  "$CC" $san -fsanitize=fuzzer "$out/obj/tests_fuzz_$name.o" "$out/obj/tests_fuzz_fuzz_common.o" \
    "$out/libmockworks.a" $pkg_libs -o "$out/$name"
  built=$((built + 1))
done
echo "built $built harnesses in $out"
