#!/usr/bin/env bash
# The cotangent kernel under a real Jupyter: jupyter_kernel_test's suite, interrupts, restart,
# crashes and signatures through jupyter_client, and `jupyter nbconvert --execute` on a notebook
# that uses the runtime (test/jupyter/test_kernel.py). Installs Debian's Jupyter packages when
# missing and the kernelspec into a temporary prefix. Any failing test fails the script.
#   scripts/test-jupyter.sh [unittest names…]   e.g. test_kernel.LifecycleTests
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=/usr/bin/python3
PACKAGES=(python3-jupyter-client python3-nbclient jupyter-nbconvert jupyter-client python3-jupyter-kernel-test)

missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
  echo "installing ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# COTANGENT_EXECUTOR (optional) points the kernel at another executor bundle.
if [[ ! -f dist/cli/cotangent.js || ! -f dist/labextension/package.json || ! -f "${COTANGENT_EXECUTOR:-dist/kernel/executor.cjs}" ]]; then
  npm run build --silent
fi

prefix="$(mktemp -d "${TMPDIR:-/tmp}/cotangent-jupyter.XXXXXX")"
trap 'rm -rf "$prefix"' EXIT
node dist/cli/cotangent.js install-kernel --prefix "$prefix"
export JUPYTER_PATH="$prefix/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
export JUPYTER_RUNTIME_DIR="$prefix/runtime"
export JUPYTER_PLATFORM_DIRS=1

cd test/jupyter
if (($# > 0)); then
  "$PYTHON" -m unittest -v "$@"
else
  "$PYTHON" -m unittest -v test_kernel
fi
