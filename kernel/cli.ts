/**
 * `cotangent <command> …`: the command-line entry. Each subcommand lives in its own module,
 * loaded only when asked for, so `cotangent kernel` does not load what `run` needs.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { packageRoot } from "./paths.js";

interface Command {
  summary: string;
  /** The command's `--help` text. */
  usage: () => Promise<string>;
  load: () => Promise<{ main(args: readonly string[]): Promise<void> }>;
}

const commands: Record<string, Command> = {
  "install-kernel": {
    summary: "install the Jupyter kernelspec (--prefix DIR, --name NAME)",
    usage: () =>
      Promise.resolve(
        [
          "usage: cotangent install-kernel [--prefix DIR] [--name NAME]",
          "",
          "Writes the Cotangent kernelspec (kernel.json) for Jupyter.",
          "  --prefix DIR   under DIR/share/jupyter/kernels (like jupyter kernelspec install --prefix)",
          "  --name NAME    the kernel's name (default: cotangent)",
        ].join("\n"),
      ),
    load: () => import("./jupyter/install.js"),
  },
  kernel: {
    summary: "run the Jupyter kernel (started by Jupyter with a connection file)",
    usage: () =>
      Promise.resolve(
        [
          "usage: cotangent kernel <connection_file> [ignored arguments…]",
          "",
          "The Jupyter kernel process; Jupyter starts it with the kernelspec's argv. The connection",
          "file may also be given as -f FILE; arguments after it (as some launchers pass) are ignored.",
        ].join("\n"),
      ),
    load: () => import("./jupyter/main.js"),
  },
  run: {
    summary: "execute a notebook headless (--out executed.ipynb, --html report.html)",
    usage: async () => (await import("./run/command.js")).RUN_USAGE,
    load: () => import("./run/main.js"),
  },
};

/** The package's version (package.json next to dist/). */
function version(): string {
  const file = join(packageRoot(fileURLToPath(import.meta.url)), "package.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

const HELP = new Set(["--help", "-h"]);

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(16)} ${c.summary}`);
  const help = "`cotangent <command> --help` describes a command; `cotangent --version`.";
  return `usage: cotangent <command> [options]\n\ncommands:\n${lines.join("\n")}\n\n${help}\n`;
}

async function run(argv: readonly string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || HELP.has(name) || name === "help") {
    process.stdout.write(usage());
    return;
  }
  if (name === "--version" || name === "-V" || rest.includes("--version")) {
    process.stdout.write(`cotangent ${version()}\n`);
    return;
  }
  const command = commands[name];
  if (command === undefined) {
    process.stderr.write(`cotangent: unknown command "${name}"\n\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  if (rest.some((arg) => HELP.has(arg))) {
    process.stdout.write(`${await command.usage()}\n`);
    return;
  }
  const module = await command.load();
  await module.main(rest);
}

run(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`cotangent: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
