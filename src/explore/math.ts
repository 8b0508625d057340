/**
 * The numbers behind `explore` (explore.ts): f as a function of one flat vector, the compiled
 * per-point transforms of each view (with an eager fallback when f cannot be traced), the
 * once-per-domain curve and contour grid, and the closed-form 2×2 eigen-decomposition.
 */
import { concat, reshape, slice } from "../ops.js";
import { flatten, unflatten, type TreeDef } from "../tensor/pytree.js";
import { Tensor } from "../tensor/tensor.js";
import { tensor } from "../tensor/creation.js";
import { grad } from "../transforms/api.js";
import { jit } from "../jit/jit.js";
import { hessian, jacobian } from "../transforms/jacobians.js";
import { vmap } from "../transforms/batch.js";

/** f's input as a flat vector: the tree, each leaf's shape and path, and the flat values. */
export interface FlatInput {
  def: TreeDef;
  shapes: number[][];
  /** One label per flat coordinate: the leaf path and index (`w[0,1]`, `b`, `x[2]`). */
  labels: string[];
  /** The leaf path of each flat coordinate (`w`, `b`, `x`). */
  leafOf: string[];
  values: number[];
}

function leafPaths(tree: unknown, path: string, out: string[]): void {
  if (tree instanceof Tensor || typeof tree === "number") {
    out.push(path === "" ? "x" : path);
  } else if (Array.isArray(tree)) {
    tree.forEach((child, i) => leafPaths(child, `${path}[${i}]`, out));
  } else if (tree !== null && typeof tree === "object") {
    for (const [key, child] of Object.entries(tree)) {
      leafPaths(child, path === "" ? key : `${path}.${key}`, out);
    }
  }
}

function indexLabel(flat: number, shape: readonly number[]): string {
  const index: number[] = [];
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    index.unshift(rest % shape[d]);
    rest = Math.floor(rest / shape[d]);
  }
  return `[${index.join(",")}]`;
}

/** Flatten x0 (a number, a tensor or a pytree of them) into labelled coordinates. */
export function flatInput(x0: unknown): FlatInput {
  const { leaves, def } = flatten(x0, "explore: x0");
  const paths: string[] = [];
  leafPaths(x0, "", paths);
  const labels: string[] = [];
  const leafOf: string[] = [];
  const values: number[] = [];
  leaves.forEach((leaf, k) => {
    const path = paths[k];
    for (let i = 0; i < leaf.size; i++) {
      labels.push(leaf.ndim === 0 ? path : `${path}${indexLabel(i, leaf.shape)}`);
      leafOf.push(path);
      values.push(leaf.data[i]);
    }
  });
  return { def, shapes: leaves.map((l) => [...l.shape]), labels, leafOf, values };
}

/** f's argument rebuilt from a flat vector (traced or concrete). */
function unflattenInput(input: FlatInput, x: Tensor): unknown {
  let offset = 0;
  const leaves = input.shapes.map((shape) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const part = reshape(slice(x, [offset, offset + size]), shape);
    offset += size;
    return part;
  });
  return unflatten(input.def, leaves);
}

/** f as ℝⁿ → ℝᵐ on flat vectors, and the structure of f's last output (to rebuild `value`). */
export function flatFunction(
  f: (x: never) => unknown,
  input: FlatInput,
): { g: (x: Tensor) => Tensor; out: () => { def: TreeDef; shapes: number[][] } | undefined } {
  let last: { def: TreeDef; shapes: number[][] } | undefined;
  const call = f as (x: unknown) => unknown;
  const g = (x: Tensor): Tensor => {
    const out = flatten(call(unflattenInput(input, x)), "explore: the output of f");
    last = { def: out.def, shapes: out.leaves.map((leaf) => [...leaf.shape]) };
    if (out.leaves.length === 0) throw new Error("explore: f returned no tensors");
    return concat(out.leaves.map((leaf) => reshape(leaf, [-1])));
  };
  return { g, out: () => last };
}

/** Rebuild f's output from its flat values. */
export function unflattenOutput(def: TreeDef, shapes: number[][], flat: Float64Array): unknown {
  let offset = 0;
  const leaves = shapes.map((shape) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const part = new Tensor(flat.slice(offset, offset + size), shape);
    offset += size;
    return part;
  });
  return unflatten(def, leaves, () => true);
}

/**
 * Calls the compiled form while f can be traced; the first time it cannot (a data-dependent
 * `if`), switches every compiled function of this explorer to eager and says so once.
 */
export class Compiler {
  eager = false;
  note: string | undefined;

  wrap<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
    const compiled = jit(fn);
    return (...args: A): R => {
      if (this.eager) return fn(...args);
      try {
        return compiled(...args);
      } catch (error) {
        const result = fn(...args); // f's own error, if it fails eagerly too
        this.eager = true;
        const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
        this.note = `f runs eagerly (it could not be compiled: ${reason})`;
        return result;
      }
    };
  }
}

const scalar = (g: (x: Tensor) => Tensor, what: string) => (x: Tensor) => {
  const y = g(x);
  if (y.size !== 1) throw new Error(`explore: the ${what} view needs a scalar f, got ${y.size}`);
  return reshape(y, []);
};

/** The per-point transforms of each view, compiled. */
export function pointFunctions(g: (x: Tensor) => Tensor, compiler: Compiler) {
  const curve = (t: Tensor): Tensor => scalar(g, "curve")(reshape(t, [1]));
  const surface = scalar(g, "surface");
  const curvePoint = (t: Tensor): Tensor[] => [curve(t), grad(curve)(t), grad(grad(curve))(t)];
  const surfacePoint = (x: Tensor): Tensor[] => [surface(x), grad(surface)(x), hessian(surface)(x)];
  const curveBatch = jit(vmap(curvePoint));
  const surfaceBatch = jit(vmap(surface));
  return {
    jacobian: compiler.wrap((x: Tensor): Tensor[] => [g(x), jacobian(g)(x)]),
    curve: compiler.wrap(curvePoint),
    surface: compiler.wrap(surfacePoint),
    /** f, f′, f″ at every point of `ts` (one vmap), eager point by point when f cannot be traced. */
    curveGrid(ts: Tensor): Tensor[] {
      if (!compiler.eager) {
        try {
          return curveBatch(ts);
        } catch {
          compiler.wrap(curvePoint)(reshape(slice(ts, 0), [])); // sets the note, or throws f's error
        }
      }
      const rows = Array.from(ts.data, (t) => curvePoint(tensor(t)).map((v) => v.item()));
      return [0, 1, 2].map((k) => tensor(rows.map((r) => r[k])));
    },
    /** f at every row of `points` ([N, 2]) (one vmap), or eagerly row by row. */
    surfaceGrid(points: Tensor): Tensor {
      if (!compiler.eager) {
        try {
          return surfaceBatch(points);
        } catch {
          compiler.wrap(surface)(reshape(slice(points, 0), [2]));
        }
      }
      const n = points.shape[0];
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        out[i] = surface(tensor([points.data[2 * i], points.data[2 * i + 1]])).item();
      }
      return new Tensor(out, [n]);
    },
  };
}

/** Eigenvalues (ascending) and unit eigenvectors of a symmetric 2×2 matrix, in closed form. */
export function eigen2(h: readonly [number, number, number, number]): {
  values: [number, number];
  vectors: [[number, number], [number, number]];
} {
  const a = h[0];
  const b = (h[1] + h[2]) / 2;
  const d = h[3];
  const mean = (a + d) / 2;
  const radius = Math.hypot((a - d) / 2, b);
  const values: [number, number] = [mean - radius, mean + radius];
  const scale = Math.max(Math.abs(a), Math.abs(b), Math.abs(d));
  if (Math.abs(b) <= 1e-14 * scale || radius === 0) {
    const first: [number, number] = a <= d ? [1, 0] : [0, 1];
    return { values, vectors: [first, [-first[1], first[0]]] };
  }
  const unit = (v: [number, number]): [number, number] => {
    const len = Math.hypot(v[0], v[1]);
    return [v[0] / len, v[1] / len];
  };
  // (H − λI)v = 0 gives v = (λ − d, b); the two choices are orthogonal.
  const low = unit([values[0] - d, b]);
  return { values, vectors: [low, [-low[1], low[0]]] };
}

/** The Newton step −H⁻¹∇f, or null where H is singular. */
export function newtonStep(
  h: readonly [number, number, number, number],
  g: readonly [number, number],
): [number, number] | null {
  const det = h[0] * h[3] - h[1] * h[2];
  const scale = Math.max(...h.map(Math.abs)) ** 2;
  if (!Number.isFinite(det) || Math.abs(det) <= 1e-12 * scale || scale === 0) return null;
  return [-(h[3] * g[0] - h[1] * g[1]) / det, -(-h[2] * g[0] + h[0] * g[1]) / det];
}
