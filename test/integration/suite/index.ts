/**
 * The entry VS Code loads as extensionTestsPath (with @vscode/test-electron, or in the offline
 * VS Code server through the test payload): runs the mocha suite named by COTANGENT_SUITE
 * ("notebook" by default, or "untrusted" for the run in an untrusted workspace).
 */
import * as path from "node:path";
import * as mochaModule from "mocha";
import type MochaType from "mocha";

type MochaClass = typeof MochaType;

/** mocha 12 is an ES module: depending on the loader, the class is the default or a named export. */
function mochaClass(): MochaClass {
  const loaded = mochaModule as unknown as Record<string, unknown>;
  for (const candidate of [loaded["Mocha"], loaded["default"], mochaModule]) {
    if (typeof candidate === "function") return candidate as MochaClass;
  }
  throw new Error(
    `cannot find the Mocha class in the mocha module (keys: ${Object.keys(loaded).join(", ")})`,
  );
}

export async function run(): Promise<void> {
  const Mocha = mochaClass();
  const which = process.env["COTANGENT_SUITE"] ?? "notebook";
  const mocha = new Mocha({ ui: "tdd", timeout: 120_000, color: false, reporter: "spec" });
  mocha.addFile(path.join(__dirname, `${which}.test.js`));
  await mocha.loadFilesAsync();
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
