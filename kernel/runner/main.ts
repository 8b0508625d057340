/** `cotangent run …`: wires the run command to the process (paths, console, exit code). */
import { join } from "node:path";
import { executorPath, packageRoot } from "../jupyter/paths.js";
import { runCommand } from "./command.js";

export async function main(args: readonly string[]): Promise<void> {
  const root = packageRoot();
  process.exitCode = await runCommand(args, {
    executorPath: process.env["COTANGENT_EXECUTOR"] ?? executorPath(root),
    rendererPath: join(root, "dist", "renderer", "index.js"),
    log: (line) => process.stdout.write(`${line}\n`),
    error: (line) => process.stderr.write(`${line}\n`),
  });
}
