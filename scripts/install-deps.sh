#!/usr/bin/env bash
# Installs what building, running and testing watt needs on Debian 12, skipping what is there.
# Usage: scripts/install-deps.sh [--test]   (--test adds what only the test suite needs)
set -euo pipefail

packages=(g++ cmake ninja-build ccache mold pkg-config
          libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
          libcli11-dev libsqlite3-dev libpq-dev libssl-dev ca-certificates)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(libgtest-dev libgmock-dev python3 postgresql prometheus protobuf-compiler python3-protobuf)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# Node.js runs the Node applications. Keep a Node that is already installed (18 or later);
# otherwise take Debian's.
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if (( node_major < 18 )); then
  missing+=(nodejs)
fi

if (( ${#missing[@]} > 0 )); then
  echo "Installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
fi
