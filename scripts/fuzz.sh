#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (Debian: clang, libclang-rt-14-dev) and runs each for
# SECONDS (default 60), growing its corpus under build-fuzz/corpus. New crashers are saved as
# build-fuzz/crash-*; copy interesting inputs into tests/fuzz/corpus/<target>/ to keep them.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DWATT_FUZZ=ON -DWATT_BUILD_TESTS=OFF > /dev/null
targets=(http_request http_response env_file config_json gateway_path)
ninja -C build-fuzz "${targets[@]/%/_fuzz}"
for t in "${targets[@]}"; do
  mkdir -p "build-fuzz/corpus/$t"
  echo "== $t ($seconds s)"
  (cd build-fuzz && "./tests/fuzz/${t}_fuzz" -max_total_time="$seconds" -max_len=16384 \
     "corpus/$t" "../tests/fuzz/corpus/$t")
done
