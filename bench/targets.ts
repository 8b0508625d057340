/**
 * The targets of the runtime benchmark, checked against a run for each of our modes (eager
 * "cotangent" and compiled "cotangent jit"): grad ≤ 3× f in that mode; every
 * Rosenbrock, elementwise, Jacobian and Hessian case ≥ 10× faster than TF.js cpu and within 1.5×
 * of jax-js jit (or faster); the MLP faster than TF.js. Each verdict says by how much it passes
 * or misses.
 */
import type { Case } from "./cases.js";

/** Medians (ms) of one run: case id → peer name → median. */
export type Medians = (caseId: string, peer: string) => number | undefined;

interface Verdict {
  target: string;
  measured: string;
  ok: boolean;
}

/** Our modes, each judged on its own. */
const OURS_MODES = ["cotangent", "cotangent jit"];
const TFJS = "TF.js cpu";
const JIT = "jax-js jit";

function x(v: number): string {
  return v >= 10 ? `${v.toFixed(1)}×` : `${v.toFixed(2)}×`;
}

function verdictsFor(c: Case, ms: Medians, OURS: string): Verdict[] {
  const ours = ms(c.id, OURS);
  if (ours === undefined) return [];
  const out: Verdict[] = [];
  if (c.fCase) {
    const f = ms(c.fCase, OURS);
    if (f !== undefined)
      out.push({ target: "grad ≤ 3× f", measured: `grad = ${x(ours / f)} f`, ok: ours / f <= 3 });
  }
  const tf = ms(c.id, TFJS);
  const jit = ms(c.id, JIT);
  if (c.id.startsWith("mlp")) {
    if (tf !== undefined)
      out.push({ target: "faster than TF.js", measured: `${x(tf / ours)} faster`, ok: ours < tf });
    return out;
  }
  if (tf !== undefined)
    out.push({
      target: "≥ 10× faster than TF.js",
      measured: `${x(tf / ours)} faster`,
      ok: tf / ours >= 10,
    });
  if (jit !== undefined) {
    const ratio = ours / jit;
    const measured = ratio <= 1 ? `${x(1 / ratio)} faster` : `${x(ratio)} slower`;
    out.push({ target: "≤ 1.5× jax-js jit", measured, ok: ratio <= 1.5 });
  }
  return out;
}

/** A markdown table of every target for every case with our result, and how it fared. */
export function renderTargets(cases: Case[], ms: Medians): string {
  const lines = ["| case | mode | target | measured | met |", "| --- | --- | --- | --- | :---: |"];
  for (const c of cases) {
    for (const mode of OURS_MODES)
      for (const v of verdictsFor(c, ms, mode))
        lines.push(`| ${c.title} | ${mode} | ${v.target} | ${v.measured} | ${v.ok ? "✓" : "✗"} |`);
  }
  return lines.join("\n");
}
