/**
 * Fixture payloads for the browser tests and the render benchmark, built with the kernel's own
 * payload builders (so the tests exercise the real encoder → validator → renderer path).
 */
import { chainBundle, chainPayload, type ChainInput } from "../../kernel/display/chain.js";
import { denseJacobianInput, jacobianPayload } from "../../kernel/display/jacobian.js";
import { tracePayload } from "../../kernel/display/trace.js";
import type { ChainPayload, JacobianPayload, TracePayload } from "../../kernel/shared/payloads.js";

export const XSS_LABEL = `<img src=x onerror="window.__xss=1">`;

/** 3×4 labelled Jacobian: J[0,0] is the largest entry (+4), J[1,2] = 0 exactly, J[2,3] tiny. */
export function smallJacobian(): JacobianPayload {
  const data = Float64Array.from([4, -1, 0.5, 2, 0.25, -4, 0, 1, -2, 3, 1.5, 1e-9]);
  return jacobianPayload(
    denseJacobianInput(data, [3], [4], {
      title: "∂(loss terms)/∂(params)",
      outputs: ["loss", "penalty", XSS_LABEL],
      inputs: ["w", "b", "scale", "shift"],
    }),
  );
}

/** n×n Jacobian with a smooth signed pattern (for timing and large-grid drawing). */
export function squareJacobian(n: number): JacobianPayload {
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++)
      data[i * n + j] = Math.sin((i * 7) / n) * Math.cos((j * 5) / n) + (i === j ? 1 : 0);
  }
  // in full up to 1,000×1,000 float32 (on request: a view writes 1 MB by default)
  return jacobianPayload({ ...denseJacobianInput(data, [n], [n]), maxBytes: 6_000_000 });
}

/** n×n tridiagonal [-1, 2, -1] (a 1-D Laplacian), read row by row: downsampled beyond 1,000. */
export function downsampledJacobian(n: number): JacobianPayload {
  const row = new Float64Array(n);
  const source = {
    rows: n,
    cols: n,
    row(i: number): Float64Array {
      row.fill(0);
      row[i] = 2;
      if (i > 0) row[i - 1] = -1;
      if (i + 1 < n) row[i + 1] = -1;
      return row;
    },
  };
  // the 1,000×1,000 grid on request (by default a view writes at most 1 MB: a 429×429 grid)
  const maxBytes = 6_000_000;
  return jacobianPayload({ source, outShape: [n], inShape: [n], title: "1-D Laplacian", maxBytes });
}

/** A three-stage chain x ↦ A x ↦ tanh ↦ sum of squares at a fixed point, with v = 1. */
export function smallChain(): ChainPayload {
  return chainPayload(smallChainInput());
}

/** The chain's HTML fallback, with an XSS attempt as the last stage's name. */
export function smallChainHtml(): string {
  const input = smallChainInput();
  input.stages[2].name = XSS_LABEL;
  return chainBundle(input)["text/html"] as string;
}

function smallChainInput(): ChainInput {
  const x = [0.5, -1, 2];
  const A = [
    [1, 2, 0],
    [0, -1, 1],
  ];
  const h = A.map((row) => row.reduce((s, a, j) => s + a * x[j], 0));
  const t = h.map(Math.tanh);
  const y = [t.reduce((s, v) => s + v * v, 0)];
  const v = [1];
  const gt = t.map((ti) => 2 * ti * v[0]); // d(Σt²) = 2t dt
  const gh = gt.map((g, i) => g * (1 - t[i] ** 2)); // d tanh = (1 - tanh²) dh
  const gx = x.map((_, j) => A.reduce((s, row, i) => s + row[j] * gh[i], 0));
  const chain: ChainInput = {
    title: "f = sumsq ∘ tanh ∘ linear",
    stages: [
      {
        name: "linear",
        input: { data: x, shape: [3] },
        output: { data: h, shape: [2] },
        jacobian: A.flat(),
        cotangentIn: { data: gh, shape: [2] },
        cotangentOut: { data: gx, shape: [3] },
      },
      {
        name: "tanh",
        input: { data: h, shape: [2] },
        output: { data: t, shape: [2] },
        jacobian: [1 - t[0] ** 2, 0, 0, 1 - t[1] ** 2],
        cotangentIn: { data: gt, shape: [2] },
        cotangentOut: { data: gh, shape: [2] },
      },
      {
        name: "sumsq",
        input: { data: t, shape: [2] },
        output: { data: y, shape: [1] },
        jacobian: t.map((ti) => 2 * ti),
        cotangentIn: { data: v, shape: [1] },
        cotangentOut: { data: gt, shape: [2] },
      },
    ],
    v: { data: v, shape: [1] },
    result: { data: gx, shape: [3] },
  };
  return chain;
}

/** A trace of `n` steps with a decaying loss and a noisy gradient norm. */
export function trace(n: number, title = "training"): TracePayload {
  const steps: number[] = [];
  const loss: number[] = [];
  const gradNorm: number[] = [];
  for (let k = 0; k < n; k++) {
    steps.push(k);
    loss.push(10 * Math.exp(-k / (n / 5)) + 0.01 * (1 + Math.sin(k / 7)));
    gradNorm.push(Math.exp(-k / (n / 3)) * (1.5 + Math.sin(k / 3)));
  }
  return tracePayload({
    title,
    steps,
    series: new Map([
      ["loss", loss],
      ["gradNorm", gradNorm],
    ]),
    done: true,
  });
}
