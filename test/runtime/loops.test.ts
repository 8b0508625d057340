/**
 * scan, foriLoop and whileLoop: values against JavaScript loops, jit compiling one loop (the same
 * generated code for 10 and 10,000 steps), derivatives against the unrolled loop (grad, jvp,
 * jacfwd, jit of both), vmap, and the errors.
 */
import { describe, expect, it } from "vitest";
import type { Tensor } from "cotangent";
import {
  add,
  concat,
  foriLoop,
  grad,
  inspectJit,
  jacfwd,
  jit,
  jvp,
  less,
  mul,
  scan,
  sin,
  slice,
  tensor,
  vmap,
  whileLoop,
} from "cotangent";

const TOL = { rtol: 1e-12, atol: 1e-12 };

function field(s: Tensor): Tensor {
  return concat([slice(s, "1:2"), mul(sin(slice(s, "0:1")), -9.81)]);
}

function rk4(s: Tensor, h: number): Tensor {
  const k1 = field(s);
  const k2 = field(add(s, mul(k1, h / 2)));
  const k3 = field(add(s, mul(k2, h / 2)));
  const k4 = field(add(s, mul(k3, h)));
  return add(s, mul(add(add(k1, mul(k2, 2)), add(mul(k3, 2), k4)), h / 6));
}

const unrolled = (s: Tensor, steps: number): Tensor => {
  for (let i = 0; i < steps; i++) s = rk4(s, 0.01);
  return s;
};
const scanned = (s: Tensor, steps: number): Tensor =>
  scan((c: Tensor) => [rk4(c, 0.01), null], s, null, { length: steps })[0];

const s0 = tensor([1, 0.5]);

describe("scan", () => {
  it("threads the carry and stacks the ys", () => {
    const [total, partial] = scan(
      (c: Tensor, x: Tensor) => [add(c, x), add(c, x)],
      tensor(0),
      tensor([1, 2, 3]),
    );
    expect(total).toBeAllclose(tensor(6));
    expect(partial).toBeAllclose(tensor([1, 3, 6]));
    const [last, ys] = scan(
      (c: Tensor, x: Tensor) => [add(c, x), c],
      tensor(0),
      tensor([1, 2, 3]),
      {
        reverse: true,
      },
    );
    expect(last).toBeAllclose(tensor(6));
    expect(ys).toBeAllclose(tensor([5, 3, 0])); // the carry before each step, steps run 3, 2, 1
  });

  it("takes pytrees as carry, xs and ys", () => {
    const [c, ys] = scan(
      (c: { a: Tensor; b: Tensor }, x: [Tensor]) => [
        { a: add(c.a, x[0]), b: mul(c.b, 2) },
        { s: add(c.a, c.b) },
      ],
      { a: tensor(0), b: tensor([1, 1]) },
      [tensor([1, 2])],
    );
    expect(c.a).toBeAllclose(tensor(3));
    expect(c.b).toBeAllclose(tensor([4, 4]));
    expect(ys.s).toBeAllclose(
      tensor([
        [1, 1],
        [3, 3],
      ]),
    );
  });

  it("a 1,000-step RK4 flow equals the JavaScript loop, eagerly and under jit", () => {
    const want = unrolled(s0, 1000);
    expect(scanned(s0, 1000)).toBeAllclose(want, TOL);
    const start = performance.now();
    expect(jit((s: Tensor) => scanned(s, 1000))(s0)).toBeAllclose(want, TOL);
    console.log(
      `jit(scan RK4, 1,000 steps): compile and first run ${(performance.now() - start).toFixed(0)} ms`,
    );
  });

  it("under jit generates the same code for 10 and 10,000 steps (the body is compiled once)", () => {
    const short = inspectJit((s: Tensor) => scanned(s, 10), s0);
    const long = inspectJit((s: Tensor) => scanned(s, 10_000), s0);
    expect(long.source.length).toBe(short.source.length);
    expect(long.nodes).toBe(short.nodes);
    console.log(`jit(scan): ${long.source.length} characters of source for 10,000 steps`);
  });

  it("grad, jvp and jacfwd equal those of the unrolled loop; so do their jit", () => {
    const loss = (s: Tensor): Tensor => scanned(s, 50).sum();
    const lossUnrolled = (s: Tensor): Tensor => unrolled(s, 50).sum();
    expect(grad(loss)(s0)).toBeAllclose(grad(lossUnrolled)(s0), TOL);
    expect(jit(grad(loss))(s0)).toBeAllclose(grad(lossUnrolled)(s0), TOL);
    const t = tensor([0.3, -1]);
    expect(jvp(loss, [s0], [t])[1]).toBeAllclose(jvp(lossUnrolled, [s0], [t])[1], TOL);
    const J = jacfwd((s: Tensor) => scanned(s, 50))(s0);
    expect(J).toBeAllclose(jacfwd((s: Tensor) => unrolled(s, 50))(s0), TOL);
    expect(jit(jacfwd((s: Tensor) => scanned(s, 50)))(s0)).toBeAllclose(J, TOL);
  });

  it("differentiates with respect to values the body closes over", () => {
    const xs = tensor([0.5, -1, 2]);
    const f = (w: Tensor): Tensor =>
      scan((c: Tensor, x: Tensor) => [sin(add(mul(c, w), x)), mul(c, c)], tensor(0.3), xs)[1].sum();
    const g = (w: Tensor): Tensor => {
      let c = tensor(0.3);
      let s = tensor(0);
      for (const x of [0.5, -1, 2]) {
        s = add(s, mul(c, c));
        c = sin(add(mul(c, w), x));
      }
      return s;
    };
    expect(grad(f)(tensor(0.7))).toBeAllclose(grad(g)(tensor(0.7)), TOL);
    expect(grad(grad(f))(tensor(0.7))).toBeAllclose(grad(grad(g))(tensor(0.7)), {
      rtol: 1e-10,
      atol: 1e-12,
    });
  });

  it("vmap maps over a batch of initial states", () => {
    const batch = tensor([
      [1, 0.5],
      [0.2, -1],
      [2, 0],
    ]);
    const mapped = vmap((s: Tensor) => scanned(s, 20))(batch);
    [0, 1, 2].forEach((i) =>
      expect(slice(mapped, i)).toBeAllclose(unrolled(slice(batch, i), 20), TOL),
    );
  });

  it("errors: a carry that changes shape, lengths that disagree, no length", () => {
    expect(() =>
      scan((c: Tensor) => [concat([c, c]), null], tensor([1]), null, { length: 2 }),
    ).toThrow("scan: the body changed carry leaf 0 from shape [1] to [2]; a carry keeps its shape");
    expect(() =>
      scan((c: Tensor, x: Tensor) => [c, x], tensor(0), tensor([1, 2]), { length: 3 }),
    ).toThrow("scan: length 3 differs from the leading length 2 of xs");
    expect(() => scan((c: Tensor) => [c, null], tensor(0))).toThrow(
      "scan: without xs, give { length }",
    );
  });
});

describe("foriLoop", () => {
  it("runs body(i, carry) for i = lo … hi − 1, differentiably", () => {
    expect(foriLoop(0, 10, (i: Tensor, acc: Tensor) => add(acc, i), tensor(0))).toBeAllclose(
      tensor(45),
    );
    expect(foriLoop(3, 3, (i: Tensor, acc: Tensor) => add(acc, i), tensor(7))).toBeAllclose(
      tensor(7),
    );
    const f = (x: Tensor): Tensor =>
      foriLoop(0, 5, (i: Tensor, c: Tensor) => sin(mul(c, add(i, 1))), x).sum();
    const g = (x: Tensor): Tensor => {
      for (let i = 0; i < 5; i++) x = sin(mul(x, i + 1));
      return x.sum();
    };
    const x = tensor([0.3, -0.2]);
    expect(f(x)).toBeAllclose(g(x), TOL);
    expect(grad(f)(x)).toBeAllclose(grad(g)(x), TOL);
    expect(jit(grad(f))(x)).toBeAllclose(grad(g)(x), TOL);
  });
});

describe("whileLoop", () => {
  const doubling = (a: Tensor): Tensor =>
    whileLoop(
      (x: Tensor) => less(x.sum(), 50),
      (x: Tensor) => mul(x, a),
      tensor([1, 2]),
    );

  it("loops while cond holds, eagerly and under jit (steps decided at run time)", () => {
    expect(
      whileLoop(
        (x: Tensor) => less(x, 100),
        (x: Tensor) => mul(x, 2),
        tensor(3),
      ),
    ).toBeAllclose(tensor(192));
    const f = jit(doubling);
    expect(f(tensor(2))).toBeAllclose(tensor([32, 64]));
    expect(f(tensor(3))).toBeAllclose(tensor([27, 54]));
  });

  it("is forward-differentiable and batched; reverse mode is a clear error", () => {
    const [y, dy] = jvp(doubling, [tensor(2)], [tensor(1)]);
    expect(y).toBeAllclose(tensor([32, 64]));
    expect(dy).toBeAllclose(tensor([80, 160])); // d(a⁵·[1, 2])/da at a = 2
    expect(jit(jacfwd(doubling))(tensor(2))).toBeAllclose(tensor([80, 160]));
    expect(vmap(doubling)(tensor([2, 3]))).toBeAllclose(
      tensor([
        [32, 64],
        [27, 54],
      ]),
    );
    expect(() => grad((a: Tensor) => doubling(a).sum())(tensor(2))).toThrow(
      /whileLoop: reverse-mode differentiation \(grad, vjp, jacrev\) is not supported.*use forward mode/,
    );
  });
});
