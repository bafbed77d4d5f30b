#!/usr/bin/env bash
# Installs what is missing, builds watt and runs every test (unit, JavaScript, black-box,
# conformance) through ctest, which prints the summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
bash scripts/build.sh
ctest --test-dir build --output-on-failure -j2 --timeout 900
