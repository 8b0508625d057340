/**
 * The RK4 flow case: 1,000 RK4 steps (h = 0.01) of the pendulum θ'' = −g sin θ on the 2-vector
 * s = [θ, ω], each step a few slices, a concat and elementwise ops — the time integrator a
 * physics student writes as a JavaScript loop. Its value, and its 2×2 Jacobian (the monodromy
 * matrix of the flow). The plain reference integrates the variational equations with the same
 * RK4 steps, which is exactly the derivative of the discrete flow.
 */
import type { Tensor } from "../src/index.js";
import { add, concat, mul, scan, sin, slice } from "../src/index.js";

export const FLOW = { steps: 1000, h: 0.01, g: 9.81, s0: Float64Array.from([1, 0.5]) };

type Vec = [number, number, number, number, number, number]; // θ, ω, and Φ = ∂s/∂s₀ row-major

function fieldPlain([th, om, a, b, c, d]: Vec): Vec {
  const k = -FLOW.g * Math.cos(th);
  // Φ' = [[0, 1], [k, 0]] Φ
  return [om, -FLOW.g * Math.sin(th), c, d, k * a, k * b];
}

const axpy = (x: Vec, y: Vec, h: number): Vec => x.map((v, i) => v + h * y[i]) as Vec;

/** The flow and its Jacobian by hand: RK4 on the state and its variational equations. */
export function flowPlain(withJacobian: boolean): Float64Array {
  const { h } = FLOW;
  let s: Vec = [FLOW.s0[0], FLOW.s0[1], 1, 0, 0, 1];
  for (let i = 0; i < FLOW.steps; i++) {
    const k1 = fieldPlain(s);
    const k2 = fieldPlain(axpy(s, k1, h / 2));
    const k3 = fieldPlain(axpy(s, k2, h / 2));
    const k4 = fieldPlain(axpy(s, k3, h));
    s = s.map((v, j) => v + (h / 6) * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j])) as Vec;
  }
  return Float64Array.from(withJacobian ? s.slice(2) : s.slice(0, 2));
}

function field(s: Tensor): Tensor {
  return concat([slice(s, "1:2"), mul(sin(slice(s, "0:1")), -FLOW.g)]);
}

function rk4(s: Tensor): Tensor {
  const { h } = FLOW;
  const k1 = field(s);
  const k2 = field(add(s, mul(k1, h / 2)));
  const k3 = field(add(s, mul(k2, h / 2)));
  const k4 = field(add(s, mul(k3, h)));
  return add(s, mul(add(add(k1, mul(k2, 2)), add(mul(k3, 2), k4)), h / 6));
}

/** The flow as a JavaScript loop (unrolled into the program under jit). */
export function flowLoop(s: Tensor): Tensor {
  for (let i = 0; i < FLOW.steps; i++) s = rk4(s);
  return s;
}

/** The flow as one scan (a loop primitive: its body compiled once under jit). */
export function flowScan(s: Tensor): Tensor {
  return scan((c: Tensor) => [rk4(c), null], s, null, { length: FLOW.steps })[0];
}
