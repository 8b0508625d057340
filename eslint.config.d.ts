// Types of eslint.config.js for the boundary test (test/lint/boundaries.test.ts).
import type { Linter } from "eslint";

/** The per-folder `no-restricted-imports` blocks. */
export const boundaries: Linter.Config[];
declare const config: Linter.Config[];
export default config;
