/**
 * `npm run bench:kernel`: the kernel's speed, side by side with tslab's kernel and Deno's Jupyter
 * kernel (`deno jupyter`, from the pinned `deno` package; it runs TypeScript without checking
 * types), through the same Jupyter client (jupyter_client, bench/kernel_jupyter.py), plus the
 * child-process channel's own figures (kernel/client.ts, as the VS Code extension uses it). Prints
 * a table with ratios and writes it to the "## Kernel" section of BENCHMARKS.md. Not a test: it
 * asserts nothing.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { createKernelClient } from "../kernel/client.js";

const ROOT = resolve(import.meta.dirname, "..", "..");
const PYTHON = "/usr/bin/python3";
const FIRST_CELL = "const first: number = 40 + 2;\nfirst";
const TRIVIAL_RUNS = 100;

interface Figures {
  start_ms: number;
  trivial_p50_ms: number;
  trivial_p95_ms: number;
  distinct_p50_ms: number;
  /** How many distinct cells were timed (fewer than 100 when the kernel hung on one). */
  distinct_cells?: number;
  /** How many trivial cells were timed (fewer than 100 when the kernel hung on one). */
  trivial_cells?: number;
  interrupt_ms: number;
  restart_ms: number;
}

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(
    sorted.length - 1,
    Math.max(0, Math.round((q / 100) * (sorted.length - 1))),
  );
  return sorted[index];
}

function median(values: number[]): number {
  return percentile(values, 50);
}

/** Kernelspecs for the three kernels in a fresh prefix; returns its share/jupyter folder. */
function installKernelspecs(prefix: string): string {
  execFileSync(
    process.execPath,
    [join(ROOT, "dist/cli/cotangent.js"), "install-kernel", "--prefix", prefix],
    {
      stdio: "ignore",
    },
  );
  const tslabDir = join(prefix, "share/jupyter/kernels/tslab");
  mkdirSync(tslabDir, { recursive: true });
  const tslab = join(ROOT, "node_modules/tslab/bin/tslab");
  const spec = {
    argv: [process.execPath, tslab, "kernel", "--config-path", "{connection_file}"],
    display_name: "TypeScript (tslab)",
    language: "typescript",
  };
  writeFileSync(join(tslabDir, "kernel.json"), JSON.stringify(spec, null, 2));
  const denoDir = join(prefix, "share/jupyter/kernels/deno");
  mkdirSync(denoDir, { recursive: true });
  const denoSpec = {
    argv: [denoBinary(), "jupyter", "--kernel", "--conn", "{connection_file}"],
    display_name: "Deno",
    language: "typescript",
  };
  writeFileSync(join(denoDir, "kernel.json"), JSON.stringify(denoSpec, null, 2));
  return join(prefix, "share/jupyter");
}

/** The Deno executable the `deno` package ships (its own installer API finds or links it). */
function denoBinary(): string {
  const require = createRequire(join(ROOT, "package.json"));
  const api = require("deno/install_api.cjs") as { runInstall(): string };
  return api.runInstall();
}

function packageVersion(name: string): string {
  const file = join(ROOT, "node_modules", name, "package.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

function jupyterFigures(jupyterPath: string): Record<string, Figures> {
  const kernels = ["cotangent", "tslab", "deno"];
  const out = execFileSync(PYTHON, [join(ROOT, "bench/kernel_jupyter.py"), ...kernels], {
    cwd: mkdtempSync(join(tmpdir(), "cotangent-bench-cwd-")),
    env: {
      ...process.env,
      JUPYTER_PATH: jupyterPath,
      JUPYTER_RUNTIME_DIR: join(jupyterPath, "runtime"),
      JUPYTER_PLATFORM_DIRS: "1",
    },
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(out.toString()) as Record<string, Figures>;
}

/** The child-process channel alone: kernel/client.ts driving the executor, no Jupyter. */
async function channelFigures(): Promise<Figures> {
  const options = { executorPath: join(ROOT, "dist/kernel/executor.cjs"), cwd: tmpdir() };
  const starts: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const client = createKernelClient(options);
    await runOk(client, FIRST_CELL);
    starts.push(performance.now() - t0);
    await client.shutdown();
  }
  const client = createKernelClient(options);
  await runOk(client, FIRST_CELL);
  for (let i = 0; i < 5; i++) await runOk(client, "1");
  const trivial: number[] = [];
  for (let i = 0; i < TRIVIAL_RUNS; i++) {
    const t0 = performance.now();
    await runOk(client, "1");
    trivial.push(performance.now() - t0);
  }
  const distinct: number[] = [];
  for (let i = 0; i < TRIVIAL_RUNS; i++) {
    const t0 = performance.now();
    await runOk(client, `1 + ${i}`);
    distinct.push(performance.now() - t0);
  }
  const interrupts: number[] = [];
  for (let i = 0; i < 5; i++) {
    const running = client.execute("while (true) {}");
    await new Promise((r) => setTimeout(r, 300));
    const t0 = performance.now();
    client.interrupt();
    await running;
    interrupts.push(performance.now() - t0);
  }
  const restarts: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await client.restart();
    await runOk(client, FIRST_CELL);
    restarts.push(performance.now() - t0);
  }
  await client.shutdown();
  return {
    start_ms: median(starts),
    trivial_p50_ms: percentile(trivial, 50),
    trivial_p95_ms: percentile(trivial, 95),
    distinct_p50_ms: percentile(distinct, 50),
    interrupt_ms: median(interrupts),
    restart_ms: median(restarts),
  };
}

async function runOk(client: ReturnType<typeof createKernelClient>, code: string): Promise<void> {
  const errors: string[] = [];
  const done = await client.execute(code, {
    onError: (e) => errors.push(`${e.ename}: ${e.evalue}`),
  });
  if (done.status !== "ok")
    throw new Error(`cell ${JSON.stringify(code)} ended ${done.status}: ${errors.join("; ")}`);
}

const ms = (value: number | null): string =>
  value !== null && Number.isFinite(value)
    ? `${value < 100 ? value.toFixed(1) : value.toFixed(0)} ms`
    : "—";
/** A kernel that never answered (an interrupt Deno does not implement) has null: no ratio. */
const ratio = (theirs: number | null, ours: number | null): string =>
  theirs !== null && ours !== null && theirs > 0 && Number.isFinite(theirs / ours)
    ? `${(theirs / ours).toFixed(2)}×`
    : "—";

function table(ours: Figures, tslab: Figures, deno: Figures, channel: Figures): string {
  const rows: [string, Exclude<keyof Figures, "distinct_cells" | "trivial_cells">, string][] = [
    ["start to first type-checked result", "start_ms", "≥ 1.5× tslab; ahead of Deno"],
    ["trivial cell, p50 (100 cells)", "trivial_p50_ms", "≥ 1.5× tslab"],
    ["trivial cell, p95 (100 cells)", "trivial_p95_ms", ""],
    ["trivial cells of distinct text (`1 + i`), p50", "distinct_p50_ms", "≤ 2× Deno"],
    ["interrupt `while (true) {}` (SIGINT → reply)", "interrupt_ms", "≤ 100 ms"],
    ["restart to first result", "restart_ms", "≥ 1.5× tslab"],
  ];
  const lines = [
    "| measure | cotangent (Jupyter) | tslab (Jupyter) | tslab ÷ cotangent | Deno (Jupyter) | cotangent ÷ Deno | target | cotangent channel (no Jupyter) |",
    "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ...rows.map(
      ([label, key, target]) =>
        `| ${label} | ${ms(ours[key])} | ${ms(tslab[key])} | ${ratio(tslab[key], ours[key])} | ${ms(deno[key])} | ${ratio(ours[key], deno[key])} | ${target} | ${ms(channel[key])} |`,
    ),
  ];
  return lines.join("\n");
}

/** A line for each kernel that hung on a timed cell (it was restarted, left out after). */
function hangs(jupyter: Record<string, Figures>): string[] {
  return Object.entries(jupyter).flatMap(([name, f]) => {
    const trivial = f.trivial_cells ?? TRIVIAL_RUNS;
    const distinct = f.distinct_cells ?? TRIVIAL_RUNS;
    if (trivial >= TRIVIAL_RUNS && distinct >= TRIVIAL_RUNS) return [];
    return [
      `${name} hung on a cell (no reply in 60 s) and was restarted after ${String(trivial)} trivial and ${String(distinct)} distinct cells: its figures are over those cells.`,
    ];
  });
}

/** The demo notebook's first two cells, as Run All in VS Code sends them. */
const DEMO_IMPORT =
  'import { tensor, jacobian, chain, traceChain, trace, sin, mul, sum, tanh } from "cotangent";\nimport type { Tensor } from "cotangent";';
const DEMO_PRINT = 'console.log("tick 1");';

/**
 * Run All → first output, the kernel's part: the import cell, then a cell that prints. Cold: from
 * creating the client (the kernel starts at the first run); warm: the kernel started and the
 * import cell checked first, as the extension does when a notebook opens. Medians of 3.
 */
async function firstOutputFigures(): Promise<{ cold: number; warm: number }> {
  const options = { executorPath: join(ROOT, "dist/kernel/executor.cjs"), cwd: tmpdir() };
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < 3; i++) {
    for (const warmed of [false, true]) {
      const client = createKernelClient(options);
      if (warmed) {
        await client.start();
        await client.diagnose(DEMO_IMPORT);
      }
      const t0 = performance.now();
      await runOk(client, DEMO_IMPORT);
      let first = Number.NaN;
      await client.execute(DEMO_PRINT, {
        onStream: () => {
          if (Number.isNaN(first)) first = performance.now() - t0;
        },
      });
      (warmed ? warm : cold).push(first);
      await client.shutdown();
    }
  }
  return { cold: median(cold), warm: median(warm) };
}

function writeSection(body: string): void {
  const file = join(ROOT, "BENCHMARKS.md");
  const current = existsSync(file)
    ? readFileSync(file, "utf8")
    : "# Benchmarks\n\nFigures measured on this project's reference machine (2 cores). Regenerate with the npm scripts named in each section.\n";
  const section = `## Kernel\n\n${body}\n`;
  const start = current.search(/^## Kernel\s*$/m);
  let next: string;
  if (start < 0) {
    next = `${current.trimEnd()}\n\n${section}`;
  } else {
    const rest = current.slice(start + 1);
    const following = rest.search(/^## /m);
    const end = following < 0 ? current.length : start + 1 + following;
    next = `${current.slice(0, start)}${section}${following < 0 ? "" : `\n${current.slice(end)}`}`;
  }
  writeFileSync(file, next.endsWith("\n") ? next : `${next}\n`);
}

async function main(): Promise<void> {
  for (const needed of ["dist/cli/cotangent.js", "dist/kernel/executor.cjs"]) {
    if (!existsSync(join(ROOT, needed)))
      throw new Error(`bench:kernel needs ${needed}: run npm run build first`);
  }
  const loadBefore = loadavg()[0];
  const prefix = mkdtempSync(join(tmpdir(), "cotangent-bench-"));
  try {
    const jupyter = jupyterFigures(installKernelspecs(prefix));
    console.error("measuring the child-process channel ...");
    const channel = await channelFigures();
    console.error("measuring the first output of Run All, cold and warm ...");
    const firstOutput = await firstOutputFigures();
    const ours = jupyter["cotangent"];
    const tslab = jupyter["tslab"];
    const deno = jupyter["deno"];
    const tslabVersion = packageVersion("tslab");
    const denoVersion = packageVersion("deno");
    const body = [
      `\`npm run bench:kernel\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} cores. The three kernels driven by the same`,
      `jupyter_client (bench/kernel_jupyter.py); tslab ${tslabVersion} and Deno ${denoVersion} (\`deno jupyter --kernel\`, which runs`,
      "TypeScript without checking its types) from node_modules. A cell's time runs from sending",
      "execute_request to its reply and idle status. Start and restart: medians of 3, to the first",
      "type-checked result; interrupt: median of 5; the channel column is kernel/client.ts alone.",
      "The trivial cell is `1` sent 100 times: a re-run of the same text against the same",
      "declarations reuses its checked conversion; the distinct-text row shows cells checked anew.",
      "The kernels run side by side while cells are timed, in alternating rounds of 25 cells, so a",
      "machine that gets busier or quieter during the run affects them alike.",
      `Load average ${loadBefore.toFixed(1)} before the run and ${loadavg()[0].toFixed(1)} after it: on a`,
      "busy machine every figure grows, the ratios between the kernels much less.",
      ...hangs(jupyter),
      "",
      table(ours, tslab, deno, channel),
      "",
      "Run All → first output, the kernel's part (kernel/client.ts; the demo notebook's import cell,",
      `then a cell that prints; medians of 3): ${ms(firstOutput.cold)} when the kernel starts at the first run,`,
      `${ms(firstOutput.warm)} when it was started, and the import cell checked, before (as the VS Code`,
      "extension does when a notebook opens).",
    ].join("\n");
    console.log(`\n${body}\n`);
    writeSection(body);
    console.error("wrote the Kernel section of BENCHMARKS.md");
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
}

await main();
