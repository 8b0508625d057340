#!/usr/bin/env bash
# Installs a real VS Code server (the one inside the code-server npm package) into the ignored
# folder .vscode-test/, for the offline integration and UI tests. Idempotent: a finished install
# is reused. Prints the server's folder (containing out/server-main.js) on the last line.
#
#   bash scripts/vscode-server.sh          install if missing, print the folder
#
# Needs: Node 20 (code-server 4.100.3 = VS Code 1.100.3 runs on it), npm, and on a fresh Debian
# machine apt-get (chromium for the browser, libkrb5-dev to build kerberos, ripgrep).
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="4.100.3"
ROOT="$PWD/.vscode-test/code-server-$VERSION"
SERVER="$ROOT/node_modules/code-server/lib/vscode"
STAMP="$ROOT/.installed"

log() { printf '[vscode-server] %s\n' "$*" >&2; }

if [[ -f "$STAMP" && -f "$SERVER/out/server-main.js" ]]; then
  echo "$SERVER"
  exit 0
fi

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v rg >/dev/null || missing+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
if ((${#missing[@]} > 0)); then
  log "installing Debian packages: ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    log "need root to apt-get install ${missing[*]}"
    exit 1
  fi
  # Another apt-get may be running (another setup step): wait for its lock instead of failing.
  apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >&2
fi

# @vscode/ripgrep's postinstall downloads rg from GitHub; seed its cache with Debian's rg 13.0.0.
TMP_DIR="$(node -p 'require("os").tmpdir()')"
RG_CACHE="$TMP_DIR/vscode-ripgrep-cache-1.15.11"
RG_TAR="$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [[ ! -f "$RG_TAR" ]]; then
  log "seeding the ripgrep cache from /usr/bin/rg"
  mkdir -p "$RG_CACHE"
  work="$(mktemp -d)"
  cp "$(command -v rg)" "$work/rg"
  tar -czf "$RG_TAR" -C "$work" rg
  rm -rf "$work"
fi

log "installing code-server@$VERSION into $ROOT (about 90 s)"
rm -rf "$ROOT"
mkdir -p "$ROOT"
printf '{ "name": "vscode-test-server", "private": true }\n' >"$ROOT/package.json"
(
  cd "$ROOT"
  npm_config_yes=true npm install --unsafe-perm --no-audit --no-fund --loglevel=error \
    "code-server@$VERSION" >&2
)
if [[ ! -f "$SERVER/out/server-main.js" ]]; then
  log "install finished but $SERVER/out/server-main.js is missing"
  exit 1
fi
date -u +%FT%TZ >"$STAMP"
log "installed"
echo "$SERVER"
