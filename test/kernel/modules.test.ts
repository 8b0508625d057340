/** Static imports of packages as Node's ESM loader would load them, through the real executor. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSession, type Session } from "./session.js";

let session: Session;

const manifest = (name: string, extra: object): string =>
  JSON.stringify({ name, version: "1.0.0", ...extra });

beforeAll(async () => {
  session = await startSession("modules", {
    "node_modules/esm-only/package.json": manifest("esm-only", {
      type: "module",
      exports: { ".": { types: "./index.d.ts", import: "./index.js" } },
    }),
    "node_modules/esm-only/index.js":
      "const factor = await Promise.resolve(2);\nexport default (x) => factor * x;\nexport const greet = (n) => `hi ${n}`;\n",
    "node_modules/esm-only/index.d.ts":
      "declare const twice: (x: number) => number;\nexport default twice;\nexport declare const greet: (n: string) => string;\n",
    "node_modules/dual/package.json": manifest("dual", {
      exports: {
        ".": { types: "./index.d.ts", import: "./index.mjs", require: "./index.cjs" },
      },
    }),
    "node_modules/dual/index.mjs": 'export const flavor = "esm";\n',
    "node_modules/dual/index.cjs": 'exports.flavor = "cjs";\n',
    "node_modules/dual/index.d.ts": "export declare const flavor: string;\n",
  });
}, 60_000);

afterAll(() => session?.close());

describe("static imports of packages", () => {
  it("imports an ESM package with top-level await", async () => {
    const code = 'import twice, { greet } from "esm-only";\n`${twice(21)} ${greet("jac")}`';
    expect(await session.value(code)).toBe("'42 hi jac'");
  });

  it("resolves a dual package with the import condition", async () => {
    expect(await session.value('import { flavor } from "dual";\nflavor')).toBe("'esm'");
  });
});
