#!/usr/bin/env bash
# Installs what is missing, builds watt and starts the bundled example (examples/hello):
# a gateway in front of two Node.js applications that talk over the mesh.
# Then open http://127.0.0.1:3042/ (PORT and HOSTNAME can be overridden in the environment).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
exec ./build/watt start examples/hello
