/**
 * `checkGrad(f, ...args, opts?)`: checks f's derivatives three ways in float64 — forward mode
 * (jvp), reverse mode (vjp) and central finite differences — plus the adjoint identity
 * ⟨J t, c⟩ = ⟨t, Jᵀ c⟩ in random directions t and c. Small problems (≤ `maxFull` inputs and
 * outputs) compare the full Jacobians entry by entry; larger ones compare in random directions.
 */
import { flatten, unflatten, type TreeDef } from "../tensor/pytree.js";
import { Tensor } from "../tensor/tensor.js";
import { jvp, vjp } from "../transforms/api.js";

/** The transforms with their generic types erased: f is any function of pytrees here. */
type AnyFn = (...args: unknown[]) => unknown;
const jvpUntyped = jvp as unknown as (
  f: AnyFn,
  primals: unknown[],
  tangents: unknown[],
) => [unknown, unknown];
const vjpUntyped = vjp as unknown as (
  f: AnyFn,
  ...primals: unknown[]
) => [unknown, (ct: unknown) => unknown];

export interface CheckGradOptions {
  /** Relative tolerance (default 1e-6). */
  rtol?: number;
  /** Absolute tolerance (default 1e-8). */
  atol?: number;
  /** Relative finite-difference step (default ∛ε ≈ 6·10⁻⁶, scaled by max(1, |x|)). */
  eps?: number;
  /** Random directions for the adjoint identity and large problems (default 3). */
  directions?: number;
  /** Seed of the random directions (default 0). */
  seed?: number;
  /** Compare full Jacobians when inputs and outputs both have at most this many entries (default 64). */
  maxFull?: number;
}

export type CheckName =
  "forward vs finite differences" | "reverse vs finite differences" | "⟨J t, c⟩ vs ⟨t, Jᵀ c⟩";

/** One compared number: where (flat output and input indices, or a direction) and how far off. */
export interface CheckGradMismatch {
  check: CheckName;
  /** Flat index into f's output (all output leaves laid end to end). */
  output?: number;
  /** Flat index into the arguments (all argument leaves laid end to end), for a Jacobian entry. */
  input?: number;
  /** For a random direction: its number (0-based). */
  direction?: number;
  actual: number;
  expected: number;
  absError: number;
  relError: number;
}

export interface CheckGradReport {
  /** True when every compared number is within atol + rtol·|expected|. */
  ok: boolean;
  maxAbsError: number;
  maxRelError: number;
  /**
   * The comparison furthest beyond its tolerance (or closest to it when all pass); when a full
   * Jacobian entry fails, the worst such entry, since it says which output and input.
   */
  worst: CheckGradMismatch | null;
  /** "full": whole Jacobians compared; "directions": random directions only. */
  mode: "full" | "directions";
  /** How many numbers were compared. */
  compared: number;
}

const OPTION_KEYS = new Set(["rtol", "atol", "eps", "directions", "seed", "maxFull"]);

function isOptions(x: unknown): x is CheckGradOptions {
  if (x === null || typeof x !== "object" || x instanceof Tensor || Array.isArray(x)) return false;
  const keys = Object.keys(x);
  return keys.length > 0 && keys.every((k) => OPTION_KEYS.has(k));
}

/** A small seeded normal generator (mulberry32 + Box–Muller). */
function normals(seed: number): () => number {
  let state = (seed + 0x9e3779b9) >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function split(values: Float64Array, shapes: number[][]): Tensor[] {
  let at = 0;
  return shapes.map((shape) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const t = new Tensor(values.slice(at, at + size), shape);
    at += size;
    return t;
  });
}

/** f seen as a map of flat Float64Arrays, with its forward, reverse and plain evaluations. */
class FlatProblem {
  readonly x: Float64Array;
  readonly y: Float64Array;
  private readonly inShapes: number[][];
  private readonly inDef: TreeDef;
  private readonly outDef: TreeDef;
  private readonly outShapes: number[][];
  private pullback: ((ct: unknown) => unknown) | undefined;

  constructor(
    private readonly f: (...args: unknown[]) => unknown,
    args: readonly unknown[],
  ) {
    const input = flatten(args, "checkGrad arguments");
    this.inDef = input.def;
    this.inShapes = input.leaves.map((t) => t.shape.slice());
    this.x = concat(input.leaves.map((t) => t.data));
    const output = flatten(f(...this.args(this.x, true)), "checkGrad: the output of f");
    this.outDef = output.def;
    this.outShapes = output.leaves.map((t) => t.shape.slice());
    this.y = concat(output.leaves.map((t) => t.data));
  }

  /** Arguments rebuilt from flat values (number leaves become numbers again when `numbers`). */
  private args(values: Float64Array, numbers: boolean): unknown[] {
    return unflatten(this.inDef, split(values, this.inShapes), () => numbers) as unknown[];
  }

  private flat(tree: unknown, what: string): Float64Array {
    return concat(flatten(tree, what).leaves.map((t) => t.data));
  }

  value(values: Float64Array): Float64Array {
    return this.flat(this.f(...this.args(values, true)), "checkGrad: the output of f");
  }

  /** J t by forward mode. */
  forward(t: Float64Array): Float64Array {
    const [, yDot] = jvpUntyped(this.f, this.args(this.x, true), this.args(t, false));
    return this.flat(yDot, "checkGrad: the tangent of f");
  }

  /** Jᵀ c by reverse mode (f is traced once, the pullback reused). */
  reverse(c: Float64Array): Float64Array {
    if (!this.pullback) {
      this.pullback = vjpUntyped(this.f, ...this.args(this.x, true))[1];
    }
    const ct = unflatten(this.outDef, split(c, this.outShapes));
    return this.flat(this.pullback(ct), "checkGrad: the cotangents");
  }

  /** (f(x + h t) − f(x − h t)) / 2h. */
  finiteDifference(t: Float64Array, h: number): Float64Array {
    const yp = this.value(this.x.map((v, i) => v + h * t[i]));
    const ym = this.value(this.x.map((v, i) => v - h * t[i]));
    return yp.map((v, i) => (v - ym[i]) / (2 * h));
  }
}

/** Accumulates comparisons into a report. */
class Tally {
  maxAbs = 0;
  maxRel = 0;
  compared = 0;
  ok = true;
  private worstAny: { excess: number; mismatch: CheckGradMismatch } | null = null;
  private worstEntry: { excess: number; mismatch: CheckGradMismatch } | null = null;

  constructor(
    private readonly rtol: number,
    private readonly atol: number,
  ) {}

  compare(
    actual: number,
    expected: number,
    where: Omit<CheckGradMismatch, "actual" | "expected" | "absError" | "relError">,
  ): void {
    const absError = Math.abs(actual - expected);
    const scale = Math.max(Math.abs(actual), Math.abs(expected));
    const relError = absError === 0 ? 0 : absError / scale;
    const finite = Number.isFinite(actual) && Number.isFinite(expected);
    const excess = finite ? absError / (this.atol + this.rtol * Math.abs(expected)) : Infinity;
    this.compared += 1;
    if (!(excess <= 1)) this.ok = false;
    this.maxAbs = Math.max(this.maxAbs, finite ? absError : Infinity);
    this.maxRel = Math.max(this.maxRel, finite ? relError : Infinity);
    const mismatch = { ...where, actual, expected, absError, relError };
    if (this.worstAny === null || excess > this.worstAny.excess)
      this.worstAny = { excess, mismatch };
    if (
      where.input !== undefined &&
      (this.worstEntry === null || excess > this.worstEntry.excess)
    ) {
      this.worstEntry = { excess, mismatch };
    }
  }

  /** The worst comparison; a failing Jacobian entry first, since it says exactly where. */
  get worst(): CheckGradMismatch | null {
    if (this.worstEntry !== null && !(this.worstEntry.excess <= 1)) return this.worstEntry.mismatch;
    return this.worstAny?.mismatch ?? null;
  }
}

function basis(n: number, j: number): Float64Array {
  const e = new Float64Array(n);
  e[j] = 1;
  return e;
}

function dotProduct(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** The finite-difference step along t: eps · max(1, ‖x‖∞) / ‖t‖∞. */
function stepFor(x: Float64Array, t: Float64Array, eps: number): number {
  let xMax = 0;
  let tMax = 0;
  for (const v of x) xMax = Math.max(xMax, Math.abs(v));
  for (const v of t) tMax = Math.max(tMax, Math.abs(v));
  return (eps * Math.max(1, xMax)) / Math.max(tMax, 1e-300);
}

/** Full Jacobians: column j by forward mode and by finite differences, row i by reverse mode. */
function compareFull(p: FlatProblem, eps: number, tally: Tally): void {
  const n = p.x.length;
  const m = p.y.length;
  const fdColumns: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const e = basis(n, j);
    const column = p.forward(e);
    const fd = p.finiteDifference(e, eps * Math.max(1, Math.abs(p.x[j])));
    fdColumns.push(fd);
    for (let i = 0; i < m; i++) {
      tally.compare(column[i], fd[i], {
        check: "forward vs finite differences",
        output: i,
        input: j,
      });
    }
  }
  for (let i = 0; i < m; i++) {
    const row = p.reverse(basis(m, i));
    for (let j = 0; j < n; j++) {
      tally.compare(row[j], fdColumns[j][i], {
        check: "reverse vs finite differences",
        output: i,
        input: j,
      });
    }
  }
}

/** Random directions: the adjoint identity, and (for large problems) J t against finite differences. */
function compareDirections(
  p: FlatProblem,
  o: Required<CheckGradOptions>,
  tally: Tally,
  withFd: boolean,
): void {
  const next = normals(o.seed);
  for (let d = 0; d < o.directions; d++) {
    const t = Float64Array.from(p.x, () => next());
    const c = Float64Array.from(p.y, () => next());
    const jt = p.forward(t);
    if (withFd) {
      const fd = p.finiteDifference(t, stepFor(p.x, t, o.eps));
      for (let i = 0; i < jt.length; i++) {
        tally.compare(jt[i], fd[i], {
          check: "forward vs finite differences",
          output: i,
          direction: d,
        });
      }
    }
    const jtc = p.reverse(c);
    tally.compare(dotProduct(t, jtc), dotProduct(jt, c), {
      check: "⟨J t, c⟩ vs ⟨t, Jᵀ c⟩",
      direction: d,
    });
  }
}

function resolveOptions(given: CheckGradOptions): Required<CheckGradOptions> {
  return {
    rtol: given.rtol ?? 1e-6,
    atol: given.atol ?? 1e-8,
    eps: given.eps ?? Math.cbrt(Number.EPSILON),
    directions: given.directions ?? 3,
    seed: given.seed ?? 0,
    maxFull: given.maxFull ?? 64,
  };
}

/**
 * Checks f's derivatives at `args` (pytrees of tensors and numbers) by forward mode, reverse mode
 * and central finite differences, in float64. The last argument is taken as options when it is a
 * plain object whose keys are all option names (`rtol`, `atol`, `eps`, `directions`, `seed`,
 * `maxFull`).
 */
export function checkGrad(
  f: (...args: never[]) => unknown,
  ...argsAndOptions: unknown[]
): CheckGradReport {
  const last = argsAndOptions[argsAndOptions.length - 1];
  const hasOptions = argsAndOptions.length > 1 && isOptions(last);
  const args = hasOptions ? argsAndOptions.slice(0, -1) : argsAndOptions;
  if (args.length === 0) throw new Error("checkGrad: give f and at least one argument to check at");
  const o = resolveOptions(hasOptions ? last : {});
  const problem = new FlatProblem(f as (...a: unknown[]) => unknown, args);
  const tally = new Tally(o.rtol, o.atol);
  const full = problem.x.length <= o.maxFull && problem.y.length <= o.maxFull;
  if (full) compareFull(problem, o.eps, tally);
  compareDirections(problem, o, tally, !full);
  return {
    ok: tally.ok,
    maxAbsError: tally.maxAbs,
    maxRelError: tally.maxRel,
    worst: tally.worst,
    mode: full ? "full" : "directions",
    compared: tally.compared,
  };
}
