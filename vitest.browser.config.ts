import { defineConfig } from "vitest/config";

// Real-browser tests of the notebook renderer (headless Debian Chromium through playwright-core);
// run by scripts/test-browser.sh after the renderer bundle is built.
export default defineConfig({
  test: {
    include: ["test/browser/**/*.spec.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    fileParallelism: false,
  },
});
