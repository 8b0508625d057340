/** `cotangent run …`: wires the run command to the process (paths, console, exit code). */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { executorPath, packageRoot } from "../paths.js";
import { runCommand } from "./command.js";

export async function main(args: readonly string[]): Promise<void> {
  const root = packageRoot(fileURLToPath(import.meta.url));
  process.exitCode = await runCommand(args, {
    executorPath: process.env["COTANGENT_EXECUTOR"] ?? executorPath(root),
    rendererPath: join(root, "dist", "renderer", "index.js"),
    log: (line) => process.stdout.write(`${line}\n`),
    error: (line) => process.stderr.write(`${line}\n`),
    // Ctrl-C interrupts the running cell: the run stops there and still writes what it has.
    // A second Ctrl-C ends the process at once.
    onInterrupt: (interrupt) => {
      let pressed = false;
      process.on("SIGINT", () => {
        if (pressed) process.exit(130);
        pressed = true;
        process.stderr.write("interrupting the running cell (Ctrl-C again to quit now)\n");
        interrupt();
      });
    },
  });
}
