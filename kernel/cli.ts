/**
 * `cotangent <command> …`: the command-line entry. Each subcommand lives in its own module,
 * loaded only when asked for, so `cotangent kernel` does not load what `run` needs.
 */

interface Command {
  summary: string;
  load: () => Promise<{ main(args: readonly string[]): Promise<void> }>;
}

const commands: Record<string, Command> = {
  "install-kernel": {
    summary: "install the Jupyter kernelspec (--prefix DIR, --name NAME)",
    load: () => import("./jupyter/install.js"),
  },
  kernel: {
    summary: "run the Jupyter kernel (started by Jupyter with a connection file)",
    load: () => import("./jupyter/main.js"),
  },
  run: {
    summary: "execute a notebook headless (--out executed.ipynb, --html report.html)",
    load: () => import("./run/main.js"),
  },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(16)} ${c.summary}`);
  return `usage: cotangent <command> [options]\n\ncommands:\n${lines.join("\n")}\n`;
}

async function run(argv: readonly string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage());
    return;
  }
  const command = commands[name];
  if (command === undefined) {
    process.stderr.write(`cotangent: unknown command "${name}"\n\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  const module = await command.load();
  await module.main(rest);
}

run(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`cotangent: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
