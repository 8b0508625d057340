/**
 * `cotangent run <notebook.ipynb> [--out <file.ipynb>] [--html <report.html>]`: executes a
 * notebook with the Cotangent kernel (no VS Code, no Python), prints one progress line per cell,
 * writes the executed notebook and a standalone HTML report, and exits non-zero when a cell fails,
 * naming the cell and the line.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { createKernelClient, type KernelClient, type KernelClientOptions } from "../client.js";
import type { ReadyEvent } from "../protocol.js";
import { parseNotebook, type Notebook } from "./notebook.js";
import { renderReport } from "./report.js";
import { failureMessage, progressLine, runNotebook, type RunResult } from "./run.js";

export const RUN_USAGE = `usage: cotangent run <notebook.ipynb> [--out <executed.ipynb>] [--html <report.html>] [--continue-on-error] [--timeout <seconds>]

Executes every code cell of the notebook with the Cotangent kernel, printing one line per cell.
  --out FILE            write the executed notebook (nbformat 4) to FILE
  --html FILE           write a standalone HTML report (views drawn, opens offline) to FILE
  --continue-on-error   run the remaining cells after a failing one (the exit code is still 1)
  --timeout SECONDS     interrupt a cell that runs longer, record it as an error (Timeout)`;

export interface RunArguments {
  notebook: string;
  out?: string;
  html?: string;
  continueOnError: boolean;
  /** Per cell, in seconds. */
  timeout?: number;
}

/** Parse the arguments after `run`; throws with the usage on anything unexpected. */
export function parseRunArguments(args: readonly string[]): RunArguments {
  let notebook: string | undefined;
  const parsed: Omit<RunArguments, "notebook"> = { continueOnError: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--out" || arg === "--html") {
      const value = args[i + 1];
      if (value === undefined || value.startsWith("--"))
        throw new Error(`${arg} needs a file name\n\n${RUN_USAGE}`);
      parsed[arg === "--out" ? "out" : "html"] = value;
      i += 1;
    } else if (arg === "--timeout") {
      const seconds = Number(args[i + 1]);
      if (!(seconds > 0) || !Number.isFinite(seconds))
        throw new Error(`--timeout needs a number of seconds > 0\n\n${RUN_USAGE}`);
      parsed.timeout = seconds;
      i += 1;
    } else if (arg === "--continue-on-error") {
      parsed.continueOnError = true;
    } else if (arg.startsWith("-")) {
      throw new Error(`unknown option ${arg}\n\n${RUN_USAGE}`);
    } else if (notebook === undefined) {
      notebook = arg;
    } else {
      throw new Error(
        `only one notebook can be run at a time (got ${notebook} and ${arg})\n\n${RUN_USAGE}`,
      );
    }
  }
  if (notebook === undefined) throw new Error(`no notebook given\n\n${RUN_USAGE}`);
  return { notebook, ...parsed };
}

export interface RunContext {
  /** The executor bundle (dist/kernel/executor.cjs). */
  executorPath: string;
  /** The renderer bundle (dist/renderer/index.js), inlined into the HTML report when present. */
  rendererPath: string;
  log: (line: string) => void;
  error: (line: string) => void;
  /** Registers what to do on Ctrl-C (main.ts wires SIGINT): the runner interrupts the cell. */
  onInterrupt?: (interrupt: () => void) => void;
  /** Injectable for tests; defaults to the real kernel client. */
  createClient?: (options: KernelClientOptions) => KernelClient;
}

function writeFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

function readNotebook(path: string): Notebook {
  if (!existsSync(path)) throw new Error(`cotangent run: ${path} does not exist`);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`${path}: cannot read the notebook (${(error as Error).message})`, {
      cause: error,
    });
  }
  return parseNotebook(text, path);
}

function reportSubtitle(result: RunResult, versions: string): string {
  const total = result.cells.reduce((sum, run) => sum + run.milliseconds, 0);
  const ok = result.cells.filter((run) => run.status === "ok").length;
  const when = new Date()
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC");
  return `Executed ${when} · ${ok}/${result.cells.length} code cells ok · ${(total / 1000).toFixed(2)} s · ${versions}`;
}

/** Run the command; returns the process exit code (0 ok, 1 a cell failed, 2 bad usage or I/O). */
export async function runCommand(args: readonly string[], context: RunContext): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    context.log(RUN_USAGE);
    return 0;
  }
  let parsed: RunArguments;
  let notebook: Notebook;
  try {
    parsed = parseRunArguments(args);
    notebook = readNotebook(parsed.notebook);
  } catch (error) {
    context.error((error as Error).message);
    return 2;
  }
  const create = context.createClient ?? createKernelClient;
  const client = create({
    executorPath: context.executorPath,
    cwd: dirname(resolve(parsed.notebook)),
  });
  context.onInterrupt?.(() => client.interrupt());
  let result: RunResult;
  let versions: string;
  try {
    let ready: ReadyEvent;
    try {
      ready = await client.start();
    } catch (error) {
      context.error(`cotangent run: the kernel did not start: ${(error as Error).message}`);
      return 2;
    }
    versions = `cotangent ${ready.versions.cotangent}, TypeScript ${ready.versions.typescript}, Node ${ready.versions.node}`;
    context.log(`running ${parsed.notebook} (${versions})`);
    result = await runNotebook(notebook, client, {
      continueOnError: parsed.continueOnError,
      ...(parsed.timeout !== undefined ? { timeoutMs: parsed.timeout * 1000 } : {}),
      onCell: (run) => context.log(progressLine(run)),
    });
  } finally {
    await client.shutdown();
  }
  writeOutputs(parsed, result, versions, context);
  if (result.failed) {
    context.error(failureMessage(parsed.notebook, result.failed));
    return 1;
  }
  context.log(`all ${result.cells.length} code cells ran`);
  return 0;
}

function writeOutputs(
  parsed: RunArguments,
  result: RunResult,
  versions: string,
  context: RunContext,
): void {
  if (parsed.out !== undefined) {
    writeFile(parsed.out, `${JSON.stringify(result.notebook, null, 1)}\n`);
    context.log(`wrote the executed notebook to ${resolve(parsed.out)}`);
  }
  if (parsed.html !== undefined) {
    const rendererScript = existsSync(context.rendererPath)
      ? readFileSync(context.rendererPath, "utf8")
      : undefined;
    if (rendererScript === undefined) {
      context.error(
        `note: ${context.rendererPath} is missing; the report shows the static fallbacks only`,
      );
    }
    const html = renderReport(result.notebook, {
      title: basename(parsed.notebook).replace(/\.ipynb$/, ""),
      subtitle: reportSubtitle(result, versions),
      runs: result.cells,
      ...(rendererScript !== undefined ? { rendererScript } : {}),
    });
    writeFile(parsed.html, html);
    context.log(`wrote the HTML report to ${resolve(parsed.html)}`);
  }
}
