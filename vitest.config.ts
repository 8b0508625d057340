import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: { cotangent: new URL("./src/index.ts", import.meta.url).pathname },
  },
  test: {
    include: ["test/**/*.test.ts"],
    // The real-VS-Code suite is mocha inside VS Code (scripts/vscode-test.mjs), not vitest.
    exclude: [...configDefaults.exclude, "test/integration/**"],
    setupFiles: ["test/setup.ts"],
    testTimeout: 30_000,
    pool: "forks",
  },
});
