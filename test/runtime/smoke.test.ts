import { describe, expect, it } from "vitest";
import {
  grad,
  jvp,
  sum,
  tensor,
  vjp,
  sin,
  mul,
  matmul,
  valueAndGrad,
  type Tensor,
} from "cotangent";

describe("smoke", () => {
  it("grad of sum of squares", () => {
    const g = grad((x) => sum(mul(x, x)))(tensor([1, 2, 3]));
    expect(g).toBeAllclose([2, 4, 6]);
    expect(grad((x) => sin(x))(0.5)).toBeCloseTo(Math.cos(0.5));
    expect(grad(grad((x) => sin(x)))(0.5)).toBeCloseTo(-Math.sin(0.5));
    expect(grad(grad(grad((x) => mul(x, mul(x, x)))))(2)).toBeCloseTo(6);
    const [y, dy] = jvp((x) => sin(x), [tensor([0, 1])], [tensor([1, 1])]);
    expect(y).toBeAllclose([0, Math.sin(1)]);
    expect(dy).toBeAllclose([1, Math.cos(1)]);
    const A = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const [z, pb] = vjp((x) => matmul(A, x), tensor([1, 1]));
    expect(z).toBeAllclose([3, 7, 11]);
    expect(pb(tensor([1, 0, 0]))[0]).toBeAllclose([1, 2]);
    const [v, g2] = valueAndGrad((x) => sum(mul(x, x)))(tensor([3]));
    expect(v).toBeAllclose(9);
    expect(g2).toBeAllclose([6]);
    console.log(
      String(A),
      String(
        tensor([
          [1.5, 2],
          [3, 4],
        ]),
      ),
    );
  });
});
import { jacrev, jacfwd, hessian, jacobian, Jacobian, vmap, customVjp } from "cotangent";
describe("smoke2", () => {
  it("jacobians", () => {
    const f = (x: Tensor) =>
      tensor([
        [1, 2],
        [3, 4],
        [5, 6],
      ]).matmul(sin(x));
    const x = tensor([0.3, -0.7]);
    const jr = jacrev(f)(x);
    const jf = jacfwd(f)(x);
    expect(jr).toBeInstanceOf(Jacobian);
    expect(jr.shape).toEqual([3, 2]);
    expect(jr).toBeAllclose(jf);
    const h = hessian((x: Tensor) => sum(mul(x, mul(x, x))))(x);
    expect(h).toBeAllclose([
      [6 * 0.3, 0],
      [0, -6 * 0.7],
    ]);
    expect(jacobian(f)(x)).toBeAllclose(jr);
    expect(
      vmap((r: Tensor) => sum(mul(r, r)))(
        tensor([
          [1, 2],
          [3, 4],
        ]),
      ),
    ).toBeAllclose([5, 25]);
    const clip = customVjp(
      (x: Tensor) => x.mul(2),
      (x: Tensor) => [x.mul(2), null] as const,
      (_r, ct) => [ct.mul(10)],
    );
    expect(grad((x: Tensor) => sum(clip(x)))(tensor([1, 2]))).toBeAllclose([10, 10]);
  });
});
