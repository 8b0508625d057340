/**
 * The layer boundaries of eslint.config.js: for each rule, one import that breaks it, linted as
 * if it were a file inside the folder the rule guards, must be reported; an allowed import must
 * not. The real config is used (its boundary blocks), without type information, so this is quick.
 */
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";
import { boundaries } from "../../eslint.config.js";

const root = new URL("../../", import.meta.url).pathname;
const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: true,
  overrideConfig: [
    { files: ["**/*.ts"], languageOptions: { parser: tseslint.parser } },
    ...boundaries,
  ],
});

async function restricted(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport {};\n`, { filePath });
  return result.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("layer boundaries (no-restricted-imports per folder)", () => {
  it.each([
    [
      "src/ imports no Node module",
      "src/tensor/fixture.ts",
      `import { readFileSync } from "node:fs";`,
    ],
    ["src/ imports no Node module (bare name)", "src/ops.ts", `import * as path from "path";`],
    ["src/ imports nothing from kernel/", "src/jit/fixture.ts", `import "../../kernel/client.js";`],
    [
      "src/ imports nothing from extension/",
      "src/fixture.ts",
      `import "../extension/extension.js";`,
    ],
    [
      "src/tensor/ never imports src/transforms/",
      "src/tensor/fixture.ts",
      `import { vjp } from "../transforms/api.js";`,
    ],
    [
      "src/primitives/ never imports src/transforms/",
      "src/primitives/fixture.ts",
      `import { jvpRules } from "../transforms/jvp.js";`,
    ],
    [
      "kernel/ never imports vscode",
      "kernel/cells/fixture.ts",
      `import * as vscode from "vscode";`,
    ],
    [
      "the renderer imports only kernel/shared/",
      "extension/renderer/fixture.ts",
      `import { svgHeatmap } from "../../kernel/display/svg.js";`,
    ],
    [
      "the renderer imports nothing else of the extension",
      "extension/renderer/fixture.ts",
      `import { activate } from "../extension.js";`,
    ],
    [
      "the JupyterLab extension imports nothing of the VS Code extension host",
      "extension/jupyterlab/fixture.ts",
      `import { createExploreBridge } from "../explore-bridge.js";`,
    ],
    [
      "the JupyterLab extension imports nothing of the kernel but kernel/shared/",
      "extension/jupyterlab/fixture.ts",
      `import { ExploreComms } from "../../kernel/jupyter/comms.js";`,
    ],
  ])("%s", async (_rule, file, source) => {
    expect(await restricted(file, source)).toHaveLength(1);
  });

  it.each([
    [
      "src/transforms/ may import src/primitives/",
      "src/transforms/fixture.ts",
      `import "../primitives/primitive.js";`,
    ],
    [
      "the JupyterLab extension may import the renderer",
      "extension/jupyterlab/fixture.ts",
      `import "../renderer/index.js";`,
    ],
    [
      "the renderer may import kernel/shared/",
      "extension/renderer/fixture.ts",
      `import "../../kernel/shared/payloads.js";`,
    ],
    [
      "the renderer may import its own files",
      "extension/renderer/fixture.ts",
      `import "./dom.js";`,
    ],
    [
      "the extension may import vscode",
      "extension/fixture.ts",
      `import * as vscode from "vscode";`,
    ],
  ])("allowed: %s", async (_rule, file, source) => {
    expect(await restricted(file, source)).toEqual([]);
  });
});
