import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: { cotangent: new URL("./src/index.ts", import.meta.url).pathname },
  },
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    testTimeout: 30_000,
    pool: "forks",
  },
});
