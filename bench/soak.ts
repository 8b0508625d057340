/**
 * `npm run soak`: a kernel kept open all day, compressed. Through the kernel client (as the VS
 * Code extension and the Jupyter kernel use it) against the built executor, it prints
 *
 * - a new trivial cell's p50 in a fresh kernel, and again after cells that declared `--names`
 *   names (a tensor and its gradient per cell, as a long session does), with their ratio;
 * - the executor's RSS (all its threads) after 100 and after `--runs` runs of one cell that
 *   redeclares a name, with their ratio.
 *
 * Not a test: it asserts nothing; RELIABILITY.md records its figures and targets.
 *   npm run soak [-- --names=2000 --runs=5000 --samples=40]
 *   COTANGENT_EXECUTOR=/other/dist/kernel/executor.cjs npm run soak
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { createKernelClient, type KernelClient, type SpawnFn } from "../kernel/client.js";

const ROOT = resolve(import.meta.dirname, "..", "..");
/** COTANGENT_EXECUTOR points the soak at another executor bundle (e.g. an older build). */
const EXECUTOR = resolve(
  process.env["COTANGENT_EXECUTOR"] ?? resolve(ROOT, "dist/kernel/executor.cjs"),
);
const IMPORTS =
  'import { tensor, grad, sum, mul } from "cotangent";\nimport type { Tensor } from "cotangent";';

interface Options {
  names: number;
  runs: number;
  samples: number;
}

function options(argv: readonly string[]): Options {
  const value = (name: string, fallback: number): number => {
    const flag = argv.find((arg) => arg.startsWith(`--${name}=`));
    const parsed = flag === undefined ? fallback : Number(flag.slice(name.length + 3));
    if (!Number.isInteger(parsed) || parsed <= 0) throw new Error(`--${name} must be a count`);
    return parsed;
  };
  return { names: value("names", 2000), runs: value("runs", 5000), samples: value("samples", 40) };
}

/** A client whose executor's pid is known (for its RSS). */
function startClient(): { client: KernelClient; pid: () => number | undefined } {
  let pid: number | undefined;
  const spawnExecutor: SpawnFn = (command, args, spawnOptions) => {
    const child = spawn(command, [...args], {
      ...spawnOptions,
      stdio: ["ignore", "pipe", "pipe", "pipe"],
    });
    pid = child.pid;
    return child;
  };
  const client = createKernelClient({ executorPath: EXECUTOR, cwd: ROOT, spawn: spawnExecutor });
  return { client, pid: () => pid };
}

/** Resident set of a process in MiB (Linux), threads included. */
function rssMiB(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return kb === undefined ? Number.NaN : Number(kb) / 1024;
}

/**
 * A fresh executor warms its checker up while idle (about 40 small cells, TypeScript's heap
 * growing meanwhile): wait until its RSS has stayed within 2 MiB for 1.5 s (at most 60 s), so
 * the figures compare a settled kernel with itself, not the warm-up with the session.
 */
async function settle(pid: number | undefined): Promise<string> {
  const started = performance.now();
  const samples: number[] = [];
  while (performance.now() - started < 60_000) {
    await new Promise((done) => setTimeout(done, 500));
    samples.push(rssMiB(pid));
    const last = samples.slice(-4);
    if (last.length === 4 && Math.max(...last) - Math.min(...last) <= 2) break;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  return `settled after ${seconds} s at ${(samples.at(-1) ?? Number.NaN).toFixed(0)} MiB`;
}

async function run(client: KernelClient, code: string): Promise<number> {
  const started = performance.now();
  const errors: string[] = [];
  const done = await client.execute(code, { onError: (e) => errors.push(e.evalue) });
  if (done.status !== "ok") throw new Error(`soak: a cell failed: ${code}\n${errors.join("\n")}`);
  return performance.now() - started;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** p50 of `samples` new trivial cells (each distinct, so each is checked). */
async function trivialP50(client: KernelClient, samples: number, tag: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++)
    times.push(await run(client, `${i} + ${tag.length}; // ${tag}`));
  return median(times);
}

async function declaredNames(opts: Options): Promise<void> {
  const { client, pid } = startClient();
  try {
    await client.start();
    console.log(`kernel for the names: ${await settle(pid())}`);
    await run(client, IMPORTS);
    for (let i = 0; i < 5; i++) await run(client, `${i} * 2`); // past the first cells' warm-up
    const fresh = await trivialP50(client, opts.samples, "fresh");
    const started = performance.now();
    for (let i = 0; i < opts.names / 2; i++) {
      await run(
        client,
        `const x${i} = tensor([${i}, 1, 2]);\nconst g${i} = grad((v: Tensor) => sum(mul(v, v)))(x${i});`,
      );
    }
    const declaring = (performance.now() - started) / (opts.names / 2);
    const after = await trivialP50(client, opts.samples, "after");
    console.log(`trivial cell p50, fresh kernel:            ${fresh.toFixed(1)} ms`);
    console.log(`a declaring cell, mean over the session:  ${declaring.toFixed(1)} ms`);
    console.log(`trivial cell p50, after ${opts.names} names:      ${after.toFixed(1)} ms`);
    console.log(
      `ratio:                                     ${(after / fresh).toFixed(2)}× (target ≤ 1.5×)`,
    );
  } finally {
    await client.shutdown();
  }
}

async function repeatedCell(opts: Options): Promise<void> {
  const { client, pid } = startClient();
  const cell = "const w = tensor([1, 2, 3]).mul(2);\nsum(w)";
  try {
    await client.start();
    console.log(`kernel for the runs: ${await settle(pid())}`);
    await run(client, IMPORTS);
    let at100 = Number.NaN;
    for (let i = 1; i <= opts.runs; i++) {
      await run(client, cell);
      if (i === 100) at100 = rssMiB(pid());
      if (i % 1000 === 0) console.log(`  ${i} runs: RSS ${rssMiB(pid()).toFixed(0)} MiB`);
    }
    const atEnd = rssMiB(pid());
    console.log(`executor RSS after 100 runs of one cell:   ${at100.toFixed(0)} MiB`);
    console.log(`executor RSS after ${opts.runs} runs:            ${atEnd.toFixed(0)} MiB`);
    console.log(
      `ratio:                                     ${(atEnd / at100).toFixed(2)}× (target ≤ 1.3×)`,
    );
  } finally {
    await client.shutdown();
  }
}

async function main(): Promise<void> {
  if (!existsSync(EXECUTOR)) throw new Error(`soak: ${EXECUTOR} is missing: run npm run build`);
  const opts = options(process.argv.slice(2));
  const load = loadavg()[0]?.toFixed(1) ?? "?";
  console.log(`soak on ${cpus().length} cores (load ${load}), node ${process.version}`);
  await declaredNames(opts);
  await repeatedCell(opts);
}

await main();
