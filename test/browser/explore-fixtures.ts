/**
 * Explore payloads and frames built by hand from the contract's types, their numbers computed
 * with the runtime's own `jacobian`, `grad` and `hessian` (the kernel's explore() is not needed
 * to test the views): the Jacobian explorer of f(x) = sin(x)·x, the curve view of
 * t ↦ sin(t)·t², the surface view of Rosenbrock's function.
 */
import {
  add,
  grad,
  hessian,
  jacobian,
  mul,
  sin,
  square,
  sub,
  tensor,
  type Tensor,
} from "../../src/index.js";
import { denseJacobianInput, jacobianPayload } from "../../kernel/display/jacobian.js";
import { summarySingularValues } from "../../kernel/display/runtime.js";
import {
  PAYLOAD_VERSION,
  encodeArray,
  type ExploreCurveFrame,
  type ExploreJacobianFrame,
  type ExplorePayload,
  type ExploreSurfaceFrame,
} from "../../kernel/shared/payloads.js";

const data = (t: Tensor): Float64Array => Float64Array.from(t.data);

/** f: ℝ³ → ℝ³, f(x) = sin(x)·x: a diagonal Jacobian, diag(sin x + x cos x). */
export const sinTimes = (x: Tensor): Tensor => mul(sin(x), x);

export function jacobianFrame(x: number[], f = sinTimes): ExploreJacobianFrame {
  const point = tensor(x);
  const value = f(point);
  const J = jacobian(f)(point);
  const payload = jacobianPayload(
    denseJacobianInput(data(J), [...value.shape], [x.length], {
      singularValues: summarySingularValues,
      inputs: x.map((_, k) => `x[${k}]`),
    }),
  );
  return { kind: "jacobian", x: [...x], value: encodeArray(data(value)), jacobian: payload };
}

export function jacobianExplore(viewId = "jac-1"): ExplorePayload {
  const x0 = [0.5, -1, 2];
  return {
    version: PAYLOAD_VERSION,
    kind: "explore",
    viewId,
    view: "jacobian",
    title: "f(x) = sin(x)·x",
    n: 3,
    m: 3,
    inputs: [
      { index: 0, label: "x[0]", min: -3, max: 3, step: 0.01 },
      { index: 1, label: "x[1]", min: -3, max: 3, step: 0.01 },
      { index: 2, label: "x₂", min: 0, max: 4, step: 0.01 },
    ],
    x0,
    frame: jacobianFrame(x0),
  };
}

/** t ↦ sin(t)·t². */
export const curveF = (t: Tensor): Tensor => mul(sin(t), square(t));
const curveDf = grad((t: Tensor) => curveF(t));
const curveD2f = grad((t: Tensor) => curveDf(t));

export function curveFrame(x: number): ExploreCurveFrame {
  const t = tensor(x);
  return {
    kind: "curve",
    x: [x],
    value: curveF(t).item(),
    slope: curveDf(t).item(),
    second: curveD2f(t).item(),
  };
}

export function curveExplore(viewId = "curve-1", x0 = 0.5): ExplorePayload {
  const domain: [number, number] = [-3, 3];
  const count = 241;
  const xs = Array.from(
    { length: count },
    (_, k) => domain[0] + ((domain[1] - domain[0]) * k) / (count - 1),
  );
  const frames = xs.map(curveFrame);
  return {
    version: PAYLOAD_VERSION,
    kind: "explore",
    viewId,
    view: "curve",
    title: "sin(t)·t²",
    n: 1,
    m: 1,
    inputs: [{ index: 0, label: "t", min: -3, max: 3, step: 0.01 }],
    x0: [x0],
    static: {
      kind: "curve",
      domain,
      xs: encodeArray(xs),
      f: encodeArray(frames.map((f) => f.value)),
      df: encodeArray(frames.map((f) => f.slope)),
      d2f: encodeArray(frames.map((f) => f.second)),
    },
    frame: curveFrame(x0),
  };
}

/** Rosenbrock's function (1 − x)² + 100 (y − x²)². */
export const rosenbrock = (p: Tensor): Tensor =>
  add(square(sub(1, p.slice(0))), mul(100, square(sub(p.slice(1), square(p.slice(0))))));
const rosenGrad = grad(rosenbrock);
const rosenHess = hessian(rosenbrock);

/** The 2×2 symmetric eigenproblem in closed form (values ascending). */
function eigen2(h: [number, number, number, number]): ExploreSurfaceFrame["eigen"] {
  const [a, b, , d] = h;
  const mean = (a + d) / 2;
  const r = Math.hypot((a - d) / 2, b);
  const values: [number, number] = [mean - r, mean + r];
  const vector = (lambda: number): [number, number] => {
    const [u, v] =
      Math.abs(b) > 1e-300 ? [b, lambda - a] : a <= d === (lambda === values[0]) ? [1, 0] : [0, 1];
    const norm = Math.hypot(u, v);
    return [u / norm, v / norm];
  };
  return { values, vectors: [vector(values[0]), vector(values[1])] };
}

export function surfaceFrame(x: [number, number]): ExploreSurfaceFrame {
  const p = tensor(x);
  const g = Array.from(rosenGrad(p).data) as [number, number];
  const h = Array.from(rosenHess(p).data) as [number, number, number, number];
  const det = h[0] * h[3] - h[1] * h[2];
  const newton: [number, number] | null =
    Math.abs(det) < 1e-12
      ? null
      : [-(h[3] * g[0] - h[1] * g[1]) / det, -(-h[2] * g[0] + h[0] * g[1]) / det];
  return {
    kind: "surface",
    x: [...x],
    value: rosenbrock(p).item(),
    grad: g,
    hessian: h,
    eigen: eigen2(h),
    newton,
  };
}

export function surfaceExplore(
  viewId = "surface-1",
  x0: [number, number] = [-1.2, 1],
): ExplorePayload {
  const domain: [[number, number], [number, number]] = [
    [-2, 2],
    [-1, 3],
  ];
  const nx = 120;
  const ny = 120;
  const xs = Array.from({ length: nx }, (_, k) => -2 + (4 * k) / (nx - 1));
  const ys = Array.from({ length: ny }, (_, k) => -1 + (4 * k) / (ny - 1));
  const values = new Float64Array(nx * ny);
  for (let i = 0; i < ny; i++)
    for (let j = 0; j < nx; j++)
      values[i * nx + j] = (1 - xs[j]) ** 2 + 100 * (ys[i] - xs[j] ** 2) ** 2;
  const path: [number, number][] = [];
  let q: [number, number] = [...x0];
  for (let k = 0; k < 200; k++) {
    path.push([...q]);
    const g = rosenGrad(tensor(q)).data;
    q = [q[0] - 0.0015 * g[0], q[1] - 0.0015 * g[1]];
  }
  return {
    version: PAYLOAD_VERSION,
    kind: "explore",
    viewId,
    view: "surface",
    title: "Rosenbrock",
    n: 2,
    m: 1,
    inputs: [
      { index: 0, label: "x", min: -2, max: 2, step: 0.01 },
      { index: 1, label: "y", min: -1, max: 3, step: 0.01 },
    ],
    x0: [...x0],
    static: {
      kind: "surface",
      domain,
      xs: encodeArray(xs),
      ys: encodeArray(ys),
      values: encodeArray(values, [ny, nx]),
      path,
    },
    frame: surfaceFrame(x0),
  };
}
