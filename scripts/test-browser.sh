#!/usr/bin/env bash
# Real-browser tests of the notebook renderer: headless Debian Chromium driven by playwright-core.
# Installs Chromium with apt when /usr/bin/chromium is missing; screenshots go to test-results/views.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  echo "==> installing chromium (apt)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

node scripts/build.mjs renderer
npx vitest run --config vitest.browser.config.ts "$@"
