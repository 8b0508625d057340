#!/usr/bin/env bash
# The whole test suite, as the README's test command runs it (and CI, through .ci/run).
# Installs what the suites need on a fresh machine (Debian packages, the offline VS Code server)
# when it is missing, then runs every suite; any failure fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "build"
npm run build --silent

step "typecheck"
npx tsc -p tsconfig.json --noEmit
npx tsc -p extension/renderer --noEmit && npx tsc -p extension/jupyterlab --noEmit && npx tsc -p test/views/dom --noEmit && npx tsc -p test/fuzz/dom --noEmit && npx tsc -p test/browser --noEmit

step "lint"
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --list-different .; exit 1; }

step "Debian packages the vitest suites use (Chromium for the reports, nbformat to validate notebooks)"
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
/usr/bin/python3 -c "import nbformat" 2>/dev/null || need+=(python3-nbformat)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

step "unit tests (vitest)"
npx vitest run

step "views in a real browser (headless Chromium)"
bash scripts/test-browser.sh

step "the kernel under a real Jupyter (jupyter_kernel_test, lifecycle, nbconvert)"
bash scripts/test-jupyter.sh

step "the views in a real JupyterLab 4 and Notebook 7 (pip venv in .jupyterlab-test if missing, the prebuilt extension, Chromium)"
bash scripts/test-jupyterlab.sh

step "main job (npm start: the seed notebook, headless, into report/)"
npm start --silent

step "the extension in a real VS Code (offline VS Code server: install if missing, mocha suite, untrusted run, UI test)"
node scripts/vscode-test.mjs
node scripts/vscode-test.mjs --ui

step "the packaged extension (cotangent.vsix, only what it ships) in the same VS Code"
npm run package --silent
node scripts/vscode-test.mjs --vsix
