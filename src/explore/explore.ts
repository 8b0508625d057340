/**
 * `explore(f, x0, options)`: a view whose inputs the user moves. The runtime only computes: the
 * Explorer knows its view, its sliders and its once-per-domain data, and computes a frame for a
 * point; the kernel shows it and sends it the moves (see ARCHITECTURE.md, "Exploration").
 */
import { LiveTrace } from "../display.js";
import { tensor, linspace } from "../tensor/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import type { TreeDef } from "../tensor/pytree.js";
import {
  Compiler,
  eigen2,
  flatFunction,
  flatInput,
  newtonStep,
  pointFunctions,
  unflattenOutput,
  type FlatInput,
} from "./math.js";

/** The three explore views. */
export type ExploreViewKind = "jacobian" | "curve" | "surface";

/** A slider's range, step and label: `slider(-3, 3, { step: 0.01, label: "x₂" })`. */
export class Slider {
  constructor(
    readonly min: number,
    readonly max: number,
    readonly step: number | undefined,
    readonly label: string | undefined,
  ) {}
}

/**
 * A slider for one input coordinate of `explore`.
 *
 * @example
 * explore((x) => mul(sin(x), x), tensor([0.5, -1, 2]), {
 *   inputs: { 0: slider(-3, 3), 2: slider(0, 4, { step: 0.01, label: "x₂" }) },
 * });
 */
export function slider(
  min: number,
  max: number,
  options: { step?: number; label?: string } = {},
): Slider {
  if (!Number.isFinite(min) || !Number.isFinite(max) || !(min < max)) {
    throw new Error(`slider: expected finite min < max, got ${min} and ${max}`);
  }
  if (options.step !== undefined && !(options.step > 0)) {
    throw new Error(`slider: step must be positive, got ${options.step}`);
  }
  return new Slider(min, max, options.step, options.label);
}

export interface ExploreOptions {
  /** Override the view chosen by shape (n = m = 1 curve; n = 2, m = 1 surface; else jacobian). */
  view?: ExploreViewKind;
  /** Sliders by flat index (`0`) or leaf path (`"w[0,1]"`, or `"w"` for all of w). */
  inputs?: Record<string | number, Slider>;
  /** The curve's x range, or the surface's [[x0, x1], [y0, y1]]. */
  domain?:
    readonly [number, number] | readonly [readonly [number, number], readonly [number, number]];
  /** The surface view: a path drawn on top, as [x, y] points or a live trace with series x and y. */
  path?: readonly (readonly [number, number])[] | LiveTrace;
  title?: string;
}

/** What f receives for an x0 of type X: the same structure with every leaf a Tensor. */
export type ExploreArg<X> = X extends number | Tensor
  ? Tensor
  : { readonly [K in keyof X]: ExploreArg<X[K]> };

/** One slider of the view. */
export interface ExplorerInput {
  index: number;
  label: string;
  min: number;
  max: number;
  step: number;
}

/** A frame: the view's numbers at one point x (flattened). */
export type ExplorerFrame =
  | { kind: "jacobian"; x: number[]; value: Float64Array; jacobian: Float64Array }
  | { kind: "curve"; x: number[]; value: number; slope: number; second: number }
  | {
      kind: "surface";
      x: number[];
      value: number;
      grad: [number, number];
      hessian: [number, number, number, number];
      eigen: { values: [number, number]; vectors: [[number, number], [number, number]] };
      newton: [number, number] | null;
    };

/** Computed once per domain: the curve f, f′, f″ over xs, or the contour grid ([ny, nx]). */
export type ExplorerStatic =
  | {
      kind: "curve";
      domain: [number, number];
      xs: Float64Array;
      f: Float64Array;
      df: Float64Array;
      d2f: Float64Array;
    }
  | {
      kind: "surface";
      domain: [[number, number], [number, number]];
      xs: Float64Array;
      ys: Float64Array;
      values: Float64Array;
    };

/** Points of the static curve and the side of the contour grid. */
export const CURVE_POINTS = 201;
export const GRID_SIDE = 101;
/** Inputs with more coordinates get sliders only for the named ones (or the first 16). */
export const MAX_SLIDERS = 16;

type Point = ReturnType<typeof pointFunctions>;

/**
 * A live view of f around a point, made by `explore`: its view, sliders and once-per-domain data;
 * the kernel computes `frameAt(x)` for each move, and `explorer.x` and `explorer.value` follow.
 *
 * @example
 * const e = explore((x) => mul(sin(x), x), tensor([0.5, -1, 2]));
 * e.frameAt([1, 2, 3]); // what the view shows after a move: f(x) and J(x)
 * e.x; // → tensor([1, 2, 3])
 */
export class Explorer<X = unknown, Y = unknown> {
  readonly view: ExploreViewKind;
  readonly n: number;
  readonly m: number;
  readonly inputs: ExplorerInput[];
  readonly x0: number[];
  /** One label per flat coordinate (the leaf paths). */
  readonly labels: string[];
  readonly title: string | undefined;
  readonly domain: [number, number] | [[number, number], [number, number]] | undefined;
  private readonly input: FlatInput;
  private readonly point: Point;
  private readonly compiler = new Compiler();
  private readonly pathOption: ExploreOptions["path"];
  private readonly outShapes: number[][];
  private readonly outDef: TreeDef;
  private readonly sliderNotes: string[] = [];
  private staticData: ExplorerStatic | undefined;
  private lastX: number[];
  private lastValue: Float64Array;
  private firstFrame: ExplorerFrame;

  constructor(f: (x: never) => unknown, x0: unknown, options: ExploreOptions = {}) {
    this.input = flatInput(x0);
    this.n = this.input.values.length;
    if (this.n === 0) throw new Error("explore: x0 has no coordinates");
    this.labels = this.input.labels;
    this.x0 = [...this.input.values];
    const { g, out } = flatFunction(f, this.input);
    const probe = g(tensor(this.x0));
    this.m = probe.size;
    const structure = out()!;
    this.outDef = structure.def;
    this.outShapes = structure.shapes;
    this.view = options.view ?? chooseView(this.n, this.m);
    this.title = options.title;
    this.pathOption = options.path;
    this.point = pointFunctions(g, this.compiler);
    this.domain = domainOf(this.view, options, this.x0);
    this.inputs = this.sliders(options);
    this.lastX = this.x0;
    this.lastValue = probe.data;
    this.firstFrame = this.frameAt(this.x0);
    this.staticData = this.computeStatic();
  }

  /** The last point computed, shaped like x0 (numbers stay numbers). */
  get x(): X {
    return unflattenOutput(this.input.def, this.input.shapes, Float64Array.from(this.lastX)) as X;
  }

  /** f at the last point computed, shaped like f's output. */
  get value(): Y {
    return unflattenOutput(this.outDef, this.outShapes, this.lastValue) as Y;
  }

  /** The frame at x0 (computed when the explorer was made). */
  get first(): ExplorerFrame {
    return this.firstFrame;
  }

  /** Said once in the view: sliders left out, f running eagerly. */
  get notes(): string[] {
    return this.compiler.note === undefined
      ? [...this.sliderNotes]
      : [...this.sliderNotes, this.compiler.note];
  }

  /** The curve or contour grid over the domain (computed once), or undefined for the Jacobian. */
  get static(): ExplorerStatic | undefined {
    return this.staticData;
  }

  /** The display id of the live trace given as `path` (its growth redraws the path), if any. */
  pathTraceId(): string | undefined {
    return this.pathOption instanceof LiveTrace ? this.pathOption.displayId : undefined;
  }

  /** The surface view's path: the given points, or the live trace's x and y series as they are now. */
  path(): [number, number][] | undefined {
    const path = this.pathOption;
    if (path === undefined) return undefined;
    if (path instanceof LiveTrace) {
      const xs = path.series.get("x") ?? [];
      const ys = path.series.get("y") ?? [];
      const points: [number, number][] = [];
      for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
        if (Number.isFinite(xs[i]) && Number.isFinite(ys[i])) points.push([xs[i], ys[i]]);
      }
      return points;
    }
    return path.map((p) => [p[0], p[1]]);
  }

  /** Compute the view at x (the full flattened point); `x` and `value` follow. */
  frameAt(x: readonly number[]): ExplorerFrame {
    if (x.length !== this.n) {
      throw new Error(`explore: expected a point of ${this.n} coordinates, got ${x.length}`);
    }
    const bad = x.findIndex((v) => typeof v !== "number" || !Number.isFinite(v));
    if (bad >= 0) throw new Error(`explore: coordinate ${bad} is not a finite number`);
    const point = [...x];
    const frame = this.compute(tensor(point), point);
    this.lastX = point;
    return frame;
  }

  private compute(xt: Tensor, x: number[]): ExplorerFrame {
    if (this.view === "curve") {
      const [v, d1, d2] = this.point.curve(xt);
      this.lastValue = Float64Array.of(v.item());
      return { kind: "curve", x, value: v.item(), slope: d1.item(), second: d2.item() };
    }
    if (this.view === "surface") {
      const [v, gr, h] = this.point.surface(xt);
      this.lastValue = Float64Array.of(v.item());
      const hessian = [...h.data] as [number, number, number, number];
      const gradient = [gr.data[0], gr.data[1]] as [number, number];
      return {
        kind: "surface",
        x,
        value: v.item(),
        grad: gradient,
        hessian,
        eigen: eigen2(hessian),
        newton: newtonStep(hessian, gradient),
      };
    }
    const [value, jac] = this.point.jacobian(xt);
    this.lastValue = Float64Array.from(value.data);
    return { kind: "jacobian", x, value: this.lastValue, jacobian: Float64Array.from(jac.data) };
  }

  private computeStatic(): ExplorerStatic | undefined {
    const domain = this.domain;
    if (this.view === "curve" && isRange(domain)) {
      const xs = linspace(domain[0], domain[1], CURVE_POINTS);
      const [f, df, d2f] = this.point.curveGrid(xs);
      return { kind: "curve", domain, xs: xs.data, f: f.data, df: df.data, d2f: d2f.data };
    }
    if (this.view === "surface" && domain !== undefined && !isRange(domain)) {
      const xs = linspace(domain[0][0], domain[0][1], GRID_SIDE).data;
      const ys = linspace(domain[1][0], domain[1][1], GRID_SIDE).data;
      const points = new Float64Array(GRID_SIDE * GRID_SIDE * 2);
      for (let j = 0; j < GRID_SIDE; j++) {
        for (let i = 0; i < GRID_SIDE; i++) {
          points[2 * (j * GRID_SIDE + i)] = xs[i];
          points[2 * (j * GRID_SIDE + i) + 1] = ys[j];
        }
      }
      const values = this.point.surfaceGrid(tensor(points, [GRID_SIDE * GRID_SIDE, 2])).data;
      return { kind: "surface", domain, xs, ys, values };
    }
    return undefined;
  }

  private sliders(options: ExploreOptions): ExplorerInput[] {
    const named = namedSliders(options.inputs ?? {}, this.input);
    let indices = [...named.keys()].sort((a, b) => a - b);
    if (indices.length === 0) {
      indices = Array.from({ length: Math.min(this.n, MAX_SLIDERS) }, (_, i) => i);
      if (this.n > MAX_SLIDERS) {
        this.sliderNotes.push(
          `sliders for the first ${MAX_SLIDERS} of ${this.n} coordinates (name others in \`inputs\`)`,
        );
      }
    }
    return indices.map((index) => this.sliderFor(index, named.get(index)));
  }

  private sliderFor(index: number, given: Slider | undefined): ExplorerInput {
    const label = given?.label ?? this.labels[index];
    let range = defaultRange(this.x0[index]);
    const domain = this.domain;
    if (this.view === "curve" && isRange(domain)) range = domain;
    if (this.view === "surface" && domain !== undefined && !isRange(domain)) {
      range = domain[index] ?? range;
    }
    const min = given?.min ?? range[0];
    const max = given?.max ?? range[1];
    return { index, label, min, max, step: given?.step ?? niceStep(max - min) };
  }
}

function chooseView(n: number, m: number): ExploreViewKind {
  if (n === 1 && m === 1) return "curve";
  if (n === 2 && m === 1) return "surface";
  return "jacobian";
}

function isRange(d: unknown): d is readonly [number, number] {
  return Array.isArray(d) && d.length === 2 && typeof d[0] === "number";
}

/**
 * The default slider step: the largest 1, 2 or 5 × 10ᵏ giving at least 200 steps across the
 * range, so round values such as -1 on `slider(-3, 3)` lie on the slider's grid (a range input
 * snaps its value to min + k·step).
 */
function niceStep(range: number): number {
  const most = range / 200;
  const decade = 10 ** Math.floor(Math.log10(most));
  for (const m of [5, 2, 1]) if (m * decade <= most * (1 + 1e-12)) return m * decade;
  return decade;
}

function defaultRange(v: number): [number, number] {
  const r = Math.max(1, 2 * Math.abs(v));
  return [v - r, v + r];
}

function domainOf(
  view: ExploreViewKind,
  options: ExploreOptions,
  x0: number[],
): [number, number] | [[number, number], [number, number]] | undefined {
  const d = options.domain;
  if (view === "curve") {
    if (d === undefined) return defaultRange(x0[0]);
    if (!isRange(d)) throw new Error("explore: the curve view's domain is [min, max]");
    return checkRange([d[0], d[1]]);
  }
  if (view === "surface") {
    if (d === undefined) return [defaultRange(x0[0]), defaultRange(x0[1])];
    const [dx, dy] = d as readonly (readonly [number, number] | number)[];
    if (!isRange(dx) || !isRange(dy)) {
      throw new Error("explore: the surface view's domain is [[x0, x1], [y0, y1]]");
    }
    return [checkRange([dx[0], dx[1]]), checkRange([dy[0], dy[1]])];
  }
  return undefined;
}

function checkRange(r: [number, number]): [number, number] {
  if (!Number.isFinite(r[0]) || !Number.isFinite(r[1]) || !(r[0] < r[1])) {
    throw new Error(`explore: a domain needs finite min < max, got [${r[0]}, ${r[1]}]`);
  }
  return r;
}

/** `inputs` keys (flat indices, coordinate labels or leaf paths) → flat index → slider. */
function namedSliders(inputs: Record<string, Slider>, input: FlatInput): Map<number, Slider> {
  const out = new Map<number, Slider>();
  for (const [key, value] of Object.entries(inputs)) {
    if (!(value instanceof Slider)) throw new Error(`explore: inputs[${key}] is not a slider(…)`);
    const found: number[] = [];
    if (/^\d+$/.test(key)) found.push(Number(key));
    else {
      input.labels.forEach((label, i) => {
        if (label === key || input.leafOf[i] === key) found.push(i);
      });
    }
    const bad = found.length === 0 || found.some((i) => i >= input.labels.length);
    if (bad) {
      const known = input.labels.slice(0, 6).join(", ");
      throw new Error(`explore: inputs key "${key}" names no coordinate (e.g. 0, ${known})`);
    }
    for (const i of found) out.set(i, value);
  }
  return out;
}

/**
 * Explore f around x0: sliders move the point and the view follows — the Jacobian heatmap
 * (any f), the curve with its tangent (f: ℝ → ℝ) or the contour map with the gradient, the
 * Hessian's eigen-directions and the Newton step (f: ℝ² → ℝ). A cell ending in `explore(…)`
 * shows it; `explorer.x` is where the user dragged to.
 *
 * @example
 * explore((t) => mul(sin(t), square(t)), 0.5, { domain: [-3, 3] }).view; // → "curve"
 * const rosenbrock = (p: Tensor) =>
 *   add(square(sub(1, p.slice(0))), mul(100, square(sub(p.slice(1), square(p.slice(0))))));
 * const e = explore(rosenbrock, tensor([-1.2, 1]), { domain: [[-2, 2], [-1, 3]] });
 * e.view; // → "surface"
 * // the point last shown, where a later cell can continue from
 * e.x; // → tensor([-1.2, 1])
 */
export function explore<X, Y>(
  f: (x: ExploreArg<X>) => Y,
  x0: X,
  options: ExploreOptions = {},
): Explorer<X, Y> {
  return new Explorer<X, Y>(f, x0, options);
}
