/**
 * JAX itself (XLA on the CPU, jax.jit) as two peers of `npm run bench`: float64 (jax_enable_x64)
 * and float32, run by bench/jax_peer.py in one Python process that times every case itself
 * (medians, block_until_ready) — a round trip per call would time the pipe, not JAX. The Python
 * is `$COTANGENT_JAX_PYTHON` when set, else a venv the bench makes in `.cache/jax-venv`
 * (git-ignored) with `pip install --retries 0 jax` from the configured index; when neither works
 * the two columns say why. Never a test dependency.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import type { CaseId, Inputs, Peer } from "./cases.js";
import type { TimingOptions } from "./harness.js";
import { MLP } from "./mlp.js";
import { FLOW } from "./flow.js";

interface Measured {
  ms?: number;
  result?: number[];
  error?: string;
}

interface Report {
  version: string;
  device: string;
  cases: Partial<Record<CaseId, { float64?: Measured; float32?: Measured }>>;
}

const VENV = ".cache/jax-venv";

/** A Python with jax importable, or the reason there is none. */
function jaxPython(): string | { reason: string } {
  const given = process.env.COTANGENT_JAX_PYTHON;
  const python = given ?? `${VENV}/bin/python`;
  const probe = () => spawnSync(python, ["-c", "import jax"], { encoding: "utf8" }).status === 0;
  if (existsSync(python) && probe()) return python;
  if (given !== undefined) return { reason: `COTANGENT_JAX_PYTHON=${given} cannot import jax` };
  console.log(`JAX peer: creating ${VENV} (python3 -m venv, pip install jax)…`);
  const venv = spawnSync("python3", ["-m", "venv", VENV], { encoding: "utf8" });
  if (venv.status !== 0) return { reason: `python3 -m venv failed: ${venv.stderr.slice(0, 80)}` };
  const pip = spawnSync(`${VENV}/bin/pip`, ["install", "--retries", "0", "--quiet", "jax"], {
    encoding: "utf8",
    timeout: 300_000,
  });
  if (pip.status !== 0 || !probe())
    return { reason: `pip install jax failed: ${(pip.stderr || "timeout").trim().slice(-80)}` };
  return python;
}

function inputsJson(inputs: Inputs): string {
  const m = inputs.mlp;
  const list = (a: ArrayLike<number>) => Array.from(a);
  return JSON.stringify({
    x10: list(inputs.x10),
    x1k: list(inputs.x1k),
    x100k: list(inputs.x100k),
    s0: list(FLOW.s0),
    mlp: {
      ...MLP,
      x: list(m.x),
      oneHot: list(m.oneHot),
      w1: list(m.w1),
      b1: list(m.b1),
      w2: list(m.w2),
      b2: list(m.b2),
    },
  });
}

let report: Report | { reason: string } | undefined;

/** Runs every case in JAX once (both precisions); later calls return the same report. */
function runJax(inputs: Inputs, timing: TimingOptions): Report | { reason: string } {
  if (report !== undefined) return report;
  const python = jaxPython();
  if (typeof python !== "string") return (report = python);
  mkdirSync("out/bench", { recursive: true });
  writeFileSync("out/bench/jax-inputs.json", inputsJson(inputs));
  const args = ["bench/jax_peer.py", "out/bench/jax-inputs.json", "out/bench/jax-report.json"];
  const run = spawnSync(
    python,
    [...args, String(timing.minWarmupMs), String(timing.samples), String(timing.minSampleMs)],
    { encoding: "utf8", stdio: ["ignore", "inherit", "pipe"], timeout: 1_800_000 },
  );
  if (run.status !== 0)
    return (report = { reason: `jax_peer.py failed: ${run.stderr.slice(-80)}` });
  report = JSON.parse(readFileSync("out/bench/jax-report.json", "utf8")) as Report;
  console.log(`JAX peer: jax ${report.version} on ${report.device}`);
  return report;
}

/** Why JAX does not run `id`, or null (its loop cases are lax.scan: a Python loop would unroll). */
function notRun(id: CaseId): string | null {
  if (id === "resid-sparse-100k") return "no sparse Jacobian in JAX";
  if (id === "rk4-flow" || id === "rk4-jac") return "see the scan row";
  return null;
}

function jaxPeer(precision: "float64" | "float32"): Peer & { timing?: TimingOptions } {
  const peer: Peer & { timing?: TimingOptions } = {
    name: `JAX ${precision === "float64" ? "f64" : "f32"}`,
    precision,
    runner: () => "timed in Python (see measured)",
    measured(id, inputs) {
      const reason = notRun(id);
      if (reason !== null) return reason;
      const r = runJax(inputs, peer.timing!);
      if ("reason" in r) return r.reason;
      const cell = r.cases[id]?.[precision];
      if (cell === undefined) return "not run";
      if (cell.error !== undefined || cell.ms === undefined || cell.result === undefined)
        return `failed: ${cell.error ?? "no result"}`;
      return { ms: cell.ms, result: cell.result };
    },
  };
  return peer;
}

export const jaxF64Peer = jaxPeer("float64");
export const jaxF32Peer = jaxPeer("float32");

/** Gives the JAX peers the bench's timing options (they time in Python). */
export function setJaxTiming(timing: TimingOptions): void {
  jaxF64Peer.timing = timing;
  jaxF32Peer.timing = timing;
}
