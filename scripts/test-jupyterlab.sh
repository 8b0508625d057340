#!/usr/bin/env bash
# Cotangent's views in a real JupyterLab 4 and Notebook 7: installs JupyterLab and Notebook into
# .jupyterlab-test/venv when missing (the pip configured on the machine; fails naming the step if
# it cannot), installs our kernelspec and prebuilt extension with `cotangent install-kernel` into
# a temporary JUPYTER_PATH, checks `jupyter labextension list` shows the extension enabled,
# starts `jupyter lab` on 127.0.0.1 with a known token and drives it with playwright-core and
# Debian's Chromium (scripts/jupyterlab-test.mjs). Screenshots: .jupyterlab-test/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
LAB="$ROOT/.jupyterlab-test"
VENV="$LAB/venv"

fail() {
  echo "test-jupyterlab: FAILED at step: $*" >&2
  exit 1
}

mkdir -p "$LAB"
# the venv lives inside this "type": "module" package; its bundled JavaScript is CommonJS
printf '{ "type": "commonjs" }\n' >"$LAB/package.json"

if [[ ! -x "$VENV/bin/jupyter-lab" || ! -x "$VENV/bin/jupyter-notebook" ]]; then
  if ! python3 -c "import ensurepip, venv" 2>/dev/null; then
    echo "==> installing python3-venv (apt)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; } ||
      fail "apt-get install python3-venv (python3 -m venv needs it)"
  fi
  echo "==> installing JupyterLab and Notebook 7 into .jupyterlab-test/venv (pip)"
  rm -rf "$VENV"
  python3 -m venv "$VENV" || fail "python3 -m venv .jupyterlab-test/venv"
  "$VENV/bin/pip" install --retries 0 --quiet jupyterlab notebook ||
    fail "pip install jupyterlab notebook into .jupyterlab-test/venv"
fi
if [[ ! -x /usr/bin/chromium ]]; then
  echo "==> installing chromium (apt)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } ||
    fail "apt-get install chromium"
fi

if [[ ! -f dist/labextension/package.json || ! -f dist/cli/cotangent.js || ! -f dist/runtime/index.js ]]; then
  npm run build --silent || fail "npm run build"
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/cotangent-jupyterlab.XXXXXX")"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

node dist/cli/cotangent.js install-kernel --prefix "$tmp/prefix" || fail "cotangent install-kernel --prefix"
export JUPYTER_PATH="$tmp/prefix/share/jupyter"
export JUPYTER_CONFIG_DIR="$tmp/config"
export JUPYTER_DATA_DIR="$tmp/data"
export JUPYTER_RUNTIME_DIR="$tmp/runtime"
export JUPYTER_PLATFORM_DIRS=1
export JUPYTERLAB_SETTINGS_DIR="$tmp/settings"
export JUPYTERLAB_WORKSPACES_DIR="$tmp/workspaces"

echo "==> jupyter labextension list"
"$VENV/bin/jupyter" labextension list 2>&1 | tee "$tmp/labextensions.txt"
grep -Eq 'cotangent-jupyterlab v[0-9.]+ .*enabled.*OK' "$tmp/labextensions.txt" ||
  fail "jupyter labextension list does not show cotangent-jupyterlab enabled and OK"
# no "news" question popping over the notebook (it would also ask the network)
"$VENV/bin/jupyter" labextension disable --level=user "@jupyterlab/apputils-extension:announcements" >/dev/null 2>&1 ||
  fail "jupyter labextension disable @jupyterlab/apputils-extension:announcements"

# the notebooks: two examples as they are, and one executed headlessly and saved (untrusted here)
work="$tmp/notebooks"
mkdir -p "$work"
cp examples/vector-jacobian-products.ipynb "$work/vjp.ipynb"
cp examples/explore.ipynb "$work/explore.ipynb"
node dist/cli/cotangent.js run examples/vector-jacobian-products.ipynb --out "$work/saved.ipynb" >/dev/null ||
  fail "cotangent run examples/vector-jacobian-products.ipynb (the saved notebook)"

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
token="cotangent-test-$RANDOM$RANDOM"
echo "==> jupyter lab on 127.0.0.1:$port"
# --allow-root: CI runs as root; the extension manager is read-only (no package index asked)
"$VENV/bin/jupyter" lab --no-browser --allow-root --ip=127.0.0.1 --port="$port" \
  --IdentityProvider.token="$token" --ServerApp.root_dir="$work" \
  --LabApp.expose_app_in_browser=True --JupyterNotebookApp.expose_app_in_browser=True \
  --LabApp.extension_manager=readonly >"$LAB/server.log" 2>&1 &
server_pid=$!

mkdir -p "$LAB/screenshots"
LAB_SERVER_PID="$server_pid" LAB_URL="http://127.0.0.1:$port" LAB_TOKEN="$token" LAB_WORK="$work" LAB_RESULTS="$LAB/screenshots" \
  node scripts/jupyterlab-test.mjs || {
  echo "--- the last lines of the server's log (.jupyterlab-test/server.log)" >&2
  tail -n 40 "$LAB/server.log" >&2
  fail "the JupyterLab and Notebook 7 browser test (scripts/jupyterlab-test.mjs)"
}
