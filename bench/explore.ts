/**
 * `npm run bench:explore`: how fast an explore view follows its inputs. Through the kernel
 * client (kernel/client.ts → executor), moves paced one at a time: the executor's compute time
 * per move (the frame's `ms`) and the client's move → frame round trip, per view kind and size.
 * Then through Jupyter (bench/explore_jupyter.py, jupyter_client): the comm round trip, move →
 * frame and idle. Printed as a table for BENCHMARKS.md, never asserted.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createKernelClient, type KernelClient } from "../kernel/client.js";
import type { ExploreEvent } from "../kernel/protocol.js";
import { MIME, type ExplorePayload } from "../kernel/shared/payloads.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const PYTHON = "/usr/bin/python3";
const MOVES = 200;

interface Case {
  name: string;
  code: string;
  /** The k-th point of the drag. */
  point(k: number): number[];
}

const IMPORTS =
  'import { add, explore, mul, sin, slice, square, sub, tanh, matmul, randn, tensor, type Tensor } from "cotangent";\n';
const CASES: Case[] = [
  {
    name: "jacobian, n = m = 3 (sin(x)·x)",
    code: `${IMPORTS}explore((x) => mul(sin(x), x), tensor([0.5, -1, 2]))`,
    point: (k) => [0.5 + k / MOVES, -1, 2],
  },
  {
    name: "jacobian, n = 10, m = 10 (tanh(W x))",
    code: `${IMPORTS}const W = randn([10, 10]);\nexplore((x) => tanh(matmul(W, x)), randn([10]))`,
    point: (k) => Array.from({ length: 10 }, (_, i) => Math.sin(i + k / 20)),
  },
  {
    name: "curve (sin(t)·t²)",
    code: `${IMPORTS}explore((t) => mul(sin(t), square(t)), 0.5, { domain: [-3, 3] })`,
    point: (k) => [-3 + (6 * k) / MOVES],
  },
  {
    name: "surface (Rosenbrock)",
    code:
      `${IMPORTS}const rosen = (x: Tensor) => add(square(sub(1, slice(x, 0))), mul(100, square(sub(slice(x, 1), square(slice(x, 0))))));\n` +
      "explore(rosen, tensor([-1.2, 1]), { domain: [[-2, 2], [-1, 3]] })",
    point: (k) => [-2 + (4 * k) / MOVES, 1],
  },
];

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function viewOf(client: KernelClient, code: string): Promise<ExplorePayload> {
  let payload: ExplorePayload | undefined;
  const shown = performance.now();
  await client.execute(code, {
    onResult: (e) => (payload = e.data[MIME.explore] as ExplorePayload | undefined),
    onError: (e) => console.error(`${e.ename}: ${e.evalue}`),
  });
  if (!payload) throw new Error(`no explore view from:\n${code}`);
  console.error(`  shown in ${(performance.now() - shown).toFixed(0)} ms (static data included)`);
  return payload;
}

/** Send a move and wait for its answer; returns the compute time and the round trip. */
function moveOnce(
  client: KernelClient,
  viewId: string,
  seq: number,
  x: number[],
): Promise<[number, number]> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const stop = client.onExplore((event: ExploreEvent) => {
      if (event.viewId !== viewId) return;
      stop();
      if (event.type !== "exploreFrame") reject(new Error(JSON.stringify(event)));
      else resolve([event.ms, performance.now() - start]);
    });
    client.exploreMove(viewId, seq, x);
  });
}

async function channelRows(): Promise<string[]> {
  const cwd = mkdtempSync(join(tmpdir(), "cotangent-bench-explore-"));
  const client = createKernelClient({ executorPath: join(ROOT, "dist/kernel/executor.cjs"), cwd });
  await client.start();
  const rows: string[] = [];
  try {
    for (const c of CASES) {
      console.error(c.name);
      const view = await viewOf(client, c.code);
      const compute: number[] = [];
      const round: number[] = [];
      for (let k = 0; k < MOVES; k++) {
        const [ms, rt] = await moveOnce(client, view.viewId, k + 1, c.point(k));
        if (k >= 10) [compute, round].forEach((list, i) => list.push(i === 0 ? ms : rt)); // after warm-up
      }
      const f = (v: number): string => v.toFixed(2);
      rows.push(
        `| ${c.name} | ${f(percentile(compute, 50))} | ${f(percentile(compute, 95))} | ${f(percentile(round, 50))} | ${f(percentile(round, 95))} |`,
      );
    }
  } finally {
    await client.shutdown();
    rmSync(cwd, { recursive: true, force: true });
  }
  return rows;
}

function jupyterFigures(): string {
  const prefix = mkdtempSync(join(tmpdir(), "cotangent-bench-explore-jupyter-"));
  try {
    execFileSync(
      process.execPath,
      [join(ROOT, "dist/cli/cotangent.js"), "install-kernel", "--prefix", prefix],
      { stdio: "ignore" },
    );
    const jupyterPath = join(prefix, "share/jupyter");
    return execFileSync(PYTHON, [join(ROOT, "bench/explore_jupyter.py")], {
      cwd: prefix,
      env: {
        ...process.env,
        JUPYTER_PATH: jupyterPath,
        JUPYTER_RUNTIME_DIR: join(prefix, "runtime"),
        JUPYTER_PLATFORM_DIRS: "1",
      },
      stdio: ["ignore", "pipe", "inherit"],
    }).toString();
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const before = loadavg()[0].toFixed(1);
  const rows = await channelRows();
  const jupyter = jupyterFigures();
  const after = loadavg()[0].toFixed(1);
  console.log(
    `Node ${process.version}; load average ${before} before, ${after} after; ${MOVES} paced moves per view (the first 10 not counted).\n`,
  );
  console.log(
    "| view | compute p50 (ms) | compute p95 (ms) | client move → frame p50 (ms) | p95 (ms) |",
  );
  console.log("| --- | ---: | ---: | ---: | ---: |");
  for (const row of rows) console.log(row);
  console.log(`\n${jupyter}`);
}

await main();
