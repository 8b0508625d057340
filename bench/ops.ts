/**
 * `npm run bench:ops`: every primitive's eager kernel (and tensor(), toArray, item) at n = 10,
 * 1,000 and 100,000 (matrices 32² and 256²) next to a hand-written plain-JS loop doing the same
 * work, in one process (fastest of alternating samples); a ratio column, and the share of the time spent in garbage collection
 * (from `performance` GC entries). All float64. A full run writes the table into BENCHMARKS.md.
 *
 *   npm run bench:ops                      full run, writes BENCHMARKS.md
 *   npm run bench:ops -- --quick           fewer samples, prints only
 *   npm run bench:ops -- --ops=take,sum    filter rows by substring
 *   npm run bench:ops -- --no-wasm         the JS matmul kernel instead of WebAssembly
 *   npm run bench:ops -- --gflops          only the matmul GFLOP/s table
 */
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { PerformanceObserver } from "node:perf_hooks";
import { formatMs, formatRatio, type TimingOptions } from "./harness.js";
import { opRows, type OpRow } from "./ops-cases.js";
import { gflopsTable } from "./gflops.js";
import { setWasmMatmul } from "../src/primitives/kernels-matmul.js";

const quick = process.argv.includes("--quick");
const filter = process.argv.find((a) => a.startsWith("--ops="))?.slice(6);
if (process.argv.includes("--no-wasm")) setWasmMatmul(false);

const OPTIONS: TimingOptions = quick
  ? { warmups: 2, minWarmupMs: 10, samples: 5, minSampleMs: 2 }
  : { warmups: 3, minWarmupMs: 40, samples: 9, minSampleMs: 8 };

/** GC pauses seen (start and duration, ms on the `performance.now()` clock). */
const gcEntries: { start: number; duration: number }[] = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcEntries.push({ start: e.startTime, duration: e.duration });
});
gcObserver.observe({ entryTypes: ["gc"] });

/** GC entries are delivered asynchronously: let them arrive before reading them. */
async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 5));
}

interface Measured {
  row: OpRow;
  oursMs: number;
  plainMs: number | null;
  /** Share of the wall time of our samples spent in GC. */
  gcShare: number;
}

/** Runs `f` `calls` times; returns [start, end] on the performance clock. */
function timeCalls(f: () => unknown, calls: number): [number, number] {
  const start = performance.now();
  for (let i = 0; i < calls; i++) f();
  return [start, performance.now()];
}

/** Calls per sample so that one lasts `minSampleMs`, after the warm-up. */
function warm(f: () => unknown): number {
  const t0 = performance.now();
  let calls = 0;
  let last = 0;
  while (calls < OPTIONS.warmups || performance.now() - t0 < OPTIONS.minWarmupMs) {
    const [a, b] = timeCalls(f, 1);
    last = b - a;
    calls++;
  }
  return Math.max(1, Math.ceil(OPTIONS.minSampleMs / Math.max(last, 1e-4)));
}

/** The fastest sample: on a shared, loaded machine the stable estimate of a kernel's own cost. */
function fastest(xs: number[]): number {
  return Math.min(...xs);
}

/**
 * Ours and the plain loop sampled alternately (one sample of each in turn), so both see the same
 * load on a shared machine; the fastest sample of each. GC time counts the pauses inside our samples.
 */
async function measureRow(row: OpRow): Promise<Measured> {
  const { ours, plain } = row;
  const oursCalls = warm(ours);
  const plainCalls = plain === null ? 0 : warm(plain);
  const oursTimes: number[] = [];
  const plainTimes: number[] = [];
  const spans: [number, number][] = [];
  for (let s = 0; s < OPTIONS.samples; s++) {
    const span = timeCalls(ours, oursCalls);
    spans.push(span);
    oursTimes.push((span[1] - span[0]) / oursCalls);
    if (plain !== null) {
      const [a, b] = timeCalls(plain, plainCalls);
      plainTimes.push((b - a) / plainCalls);
    }
  }
  await settle();
  let gc = 0;
  let wall = 0;
  for (const [a, b] of spans) {
    wall += b - a;
    for (const e of gcEntries) if (e.start >= a && e.start < b) gc += e.duration;
  }
  gcEntries.length = 0;
  const plainMs = plain === null ? null : fastest(plainTimes);
  return { row, oursMs: fastest(oursTimes), plainMs, gcShare: wall > 0 ? gc / wall : 0 };
}

function table(results: Measured[]): string {
  const lines = [
    "| op (float64, eager) | n | ours | plain JS loop | ours / plain | GC share (ours) |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const r of results) {
    const plain = r.plainMs === null ? "–" : formatMs(r.plainMs);
    const ratio = r.plainMs === null ? "–" : formatRatio(r.oursMs / r.plainMs);
    const gc = `${(100 * r.gcShare).toFixed(0)}%`;
    lines.push(
      `| ${r.row.op} | ${r.row.size} | ${formatMs(r.oursMs)} | ${plain} | ${ratio} | ${gc} |`,
    );
  }
  return lines.join("\n");
}

/** Rows over target: > 1.5× the loop at n = 100,000 (and > 2 µs above it), > 2 µs above it at n = 10. */
function misses(results: Measured[]): string[] {
  const out: string[] = [];
  for (const r of results) {
    if (r.plainMs === null) continue;
    // an O(1) row (a view) is judged by its overhead: over 1.5× and over 2 µs above the loop
    const over = r.oursMs > 1.5 * r.plainMs && r.oursMs - r.plainMs > 0.002;
    if (r.row.size === "100,000" && over) out.push(`${r.row.op} @ 100,000`);
    if (r.row.size === "10" && r.oursMs - r.plainMs > 0.002) out.push(`${r.row.op} @ 10`);
  }
  return out;
}

function writeBenchmarks(block: string): void {
  const begin =
    "<!-- bench:ops:begin (generated by npm run bench:ops; edit around, not inside) -->";
  const end = "<!-- bench:ops:end -->";
  const text = readFileSync("BENCHMARKS.md", "utf8");
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < 0) throw new Error("BENCHMARKS.md: the bench:ops markers are missing");
  writeFileSync("BENCHMARKS.md", `${text.slice(0, from)}${begin}\n${block}\n${text.slice(to)}`);
}

async function main(): Promise<void> {
  if (process.argv.includes("--gflops")) return console.log(await gflopsTable());
  const rows = opRows().filter(
    (r) => !filter || filter.split(",").some((f) => r.op.toLowerCase().includes(f.toLowerCase())),
  );
  const results: Measured[] = [];
  for (const row of rows) {
    let m: Measured;
    try {
      m = await measureRow(row);
    } catch (e) {
      console.log(`${row.op.padEnd(30)} ${row.size.padStart(8)}  fails: ${String(e).slice(0, 80)}`);
      continue;
    }
    results.push(m);
    const ratio = m.plainMs === null ? "" : `  ${formatRatio(m.oursMs / m.plainMs)}`;
    console.log(
      `${row.op.padEnd(30)} ${row.size.padStart(8)}  ${formatMs(m.oursMs).padStart(9)}${ratio}`,
    );
  }
  gcObserver.disconnect();
  const missed = misses(results);
  const header =
    `Node ${process.version}, ${cpus()[0]?.model ?? "cpu"}, load average ` +
    `${loadavg()
      .map((l) => l.toFixed(1))
      .join(" / ")} at the end of the run; fastest of ` +
    `${OPTIONS.samples} samples, ours and the loop sampled alternately in one process.`;
  const block = [
    header,
    "",
    table(results),
    "",
    `Over target (1.5× the loop at 100,000, +2 µs at 10): ${missed.length === 0 ? "none" : missed.join(", ")}.`,
  ].join("\n");
  const gflops = filter
    ? ""
    : `\n\nMatrix products, 256², fastest of 9 samples:\n\n${await gflopsTable()}`;
  console.log(`\n${block}${gflops}`);
  if (!quick && !filter) {
    writeBenchmarks(block + gflops);
    console.log("wrote the table into BENCHMARKS.md");
  }
}

await main();
