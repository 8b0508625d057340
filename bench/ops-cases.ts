/**
 * The rows of `npm run bench:ops`: each primitive (and tensor(), toArray, item) run eagerly on
 * concrete float64 tensors, next to a hand-written plain-JS loop doing the same work on
 * Float64Arrays. The plain loops of the elementwise rows are generated from one expression each
 * (`new Function`), so every loop is monomorphic with the math call inlined, as a person would
 * write it.
 */
import * as ct from "../src/index.js";
import { bind } from "../src/core.js";
import { Primitive } from "../src/primitives/primitive.js";
import { NO_PARAMS } from "../src/primitives/primitive.js";

export interface OpRow {
  op: string;
  /** The size label: "10", "1,000", "100,000", "32²", "256²". */
  size: string;
  ours: () => unknown;
  /** The plain-JS loop, or null when there is none to write (an SVD, say). */
  plain: (() => unknown) | null;
}

export const VECTOR_SIZES = [10, 1000, 100000];
export const MATRIX_SIZES = [32, 256];

type Plain1 = (x: Float64Array) => Float64Array;
type Plain2 = (x: Float64Array, y: Float64Array) => Float64Array;

function loop1(expr: string): Plain1 {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- a generated loop (see above)
  return new Function(
    "x",
    `const n = x.length; const o = new Float64Array(n);
     for (let i = 0; i < n; i++) { const v = x[i]; o[i] = ${expr}; } return o;`,
  ) as Plain1;
}

function loop2(expr: string): Plain2 {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- a generated loop (see above)
  return new Function(
    "x",
    "y",
    `const n = x.length; const o = new Float64Array(n);
     for (let i = 0; i < n; i++) { const a = x[i]; const b = y[i]; o[i] = ${expr}; } return o;`,
  ) as Plain2;
}

const UNARY: [string, (x: ct.Tensor) => ct.Tensor, string][] = [
  ["neg", ct.neg, "-v"],
  ["exp", ct.exp, "Math.exp(v)"],
  ["log", ct.log, "Math.log(v)"],
  ["log1p", ct.log1p, "Math.log1p(v)"],
  ["expm1", ct.expm1, "Math.expm1(v)"],
  ["sin", ct.sin, "Math.sin(v)"],
  ["cos", ct.cos, "Math.cos(v)"],
  ["tan", ct.tan, "Math.tan(v)"],
  ["tanh", ct.tanh, "Math.tanh(v)"],
  ["sigmoid", ct.sigmoid, "v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v))"],
  ["softplus", ct.softplus, "v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v))"],
  ["relu", ct.relu, "v > 0 ? v : v !== v ? v : 0"],
  ["sqrt", ct.sqrt, "Math.sqrt(v)"],
  ["abs", ct.abs, "Math.abs(v)"],
  ["sign", ct.sign, "v > 0 ? 1 : v < 0 ? -1 : v"],
];

const BINARY: [string, (x: ct.Tensor, y: ct.Tensor) => ct.Tensor, string][] = [
  ["add", ct.add, "a + b"],
  ["sub", ct.sub, "a - b"],
  ["mul", ct.mul, "a * b"],
  ["div", ct.div, "a / b"],
  ["pow", ct.pow, "Math.pow(a, b)"],
  ["maximum", ct.maximum, "a > b || a !== a ? a : b"],
  ["minimum", ct.minimum, "a < b || a !== a ? a : b"],
  ["compare (gt)", (x, y) => ct.compare(x, y, "gt"), "a > b ? 1 : 0"],
];

function label(n: number): string {
  return n.toLocaleString("en-US");
}

/** Positive values in (0.5, 1.5): every unary op is defined there. */
function positive(n: number, seed: number): ct.Tensor {
  return ct.rand([n], { seed, low: 0.5, high: 1.5 });
}

function elementwiseRows(n: number): OpRow[] {
  const x = positive(n, 1);
  const y = positive(n, 2);
  const [xd, yd] = [x.data, y.data];
  const rows: OpRow[] = UNARY.map(([op, f, expr]) => {
    const plain = loop1(expr);
    return { op, size: label(n), ours: () => f(x), plain: () => plain(xd) };
  });
  for (const [op, f, expr] of BINARY) {
    const plain = loop2(expr);
    rows.push({ op, size: label(n), ours: () => f(x, y), plain: () => plain(xd, yd) });
  }
  const where = loop2("a > 1 ? a : b");
  const cond = ct.compare(x, 1, "gt");
  rows.push({
    op: "where",
    size: label(n),
    ours: () => ct.where(cond, x, y),
    plain: () => where(xd, yd),
  });
  return rows;
}

function reductionRows(n: number): OpRow[] {
  const x = positive(n, 3);
  const d = x.data;
  const sum = () => {
    let acc = 0;
    for (let i = 0; i < d.length; i++) acc += d[i];
    return acc;
  };
  const maxOf = () => {
    let acc = -Infinity;
    for (let i = 0; i < d.length; i++) acc = d[i] > acc || d[i] !== d[i] ? d[i] : acc;
    return acc;
  };
  const minOf = () => {
    let acc = Infinity;
    for (let i = 0; i < d.length; i++) acc = d[i] < acc || d[i] !== d[i] ? d[i] : acc;
    return acc;
  };
  const prod = () => {
    let acc = 1;
    for (let i = 0; i < d.length; i++) acc *= d[i];
    return acc;
  };
  const s = label(n);
  return [
    { op: "sum", size: s, ours: () => ct.sum(x), plain: sum },
    { op: "reduceMax", size: s, ours: () => ct.max(x), plain: maxOf },
    { op: "reduceMin", size: s, ours: () => ct.min(x), plain: minOf },
    { op: "prod", size: s, ours: () => ct.prod(x), plain: prod },
  ];
}

function indexRows(n: number): OpRow[] {
  const x = positive(n, 4);
  const d = x.data;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = (i * 7919) % n;
  const idxNumbers = Array.from(idx);
  const gather = () => {
    const o = new Float64Array(n);
    for (let i = 0; i < n; i++) o[i] = d[idx[i]];
    return o;
  };
  const scatter = () => {
    const o = new Float64Array(n);
    for (let i = 0; i < n; i++) o[idx[i]] += d[i];
    return o;
  };
  const params = { axis: 0, indices: idx, indexShape: [n], size: n };
  const half = Math.floor(n / 2);
  const sliced = bind(Primitive.Slice, [x], { start: [1], stop: [n], step: [2] });
  const padPlain = () => {
    const o = new Float64Array(n);
    const s = sliced.data;
    for (let i = 0; i < s.length; i++) o[1 + 2 * i] = s[i];
    return o;
  };
  const s = label(n);
  return [
    { op: "take (Int32Array)", size: s, ours: () => ct.take(x, idx), plain: gather },
    { op: "take (number[])", size: s, ours: () => ct.take(x, idxNumbers), plain: gather },
    {
      op: "scatterAdd",
      size: s,
      ours: () => bind(Primitive.ScatterAdd, [x], params),
      plain: scatter,
    },
    {
      op: "slice [1::2]",
      size: s,
      ours: () => ct.slice(x, "1::2"),
      plain: () => {
        const o = new Float64Array(n >> 1);
        for (let i = 0; i < o.length; i++) o[i] = d[1 + 2 * i];
        return o;
      },
    },
    {
      op: "slice [half:] (view)",
      size: s,
      ours: () => ct.slice(x, [half, null]),
      plain: () => d.subarray(half),
    },
    {
      op: "pad",
      size: s,
      ours: () => bind(Primitive.Pad, [sliced], { start: [1], step: [2], shape: [n] }),
      plain: padPlain,
    },
    {
      op: "concat",
      size: s,
      ours: () => ct.concat([x, x]),
      plain: () => {
        const o = new Float64Array(2 * n);
        o.set(d);
        o.set(d, n);
        return o;
      },
    },
    { op: "reshape", size: s, ours: () => ct.reshape(x, [1, n]), plain: () => d },
    {
      op: "broadcastTo [2, n]",
      size: s,
      ours: () => ct.broadcastTo(x, [2, n]),
      plain: () => {
        const o = new Float64Array(2 * n);
        o.set(d);
        o.set(d, n);
        return o;
      },
    },
    {
      op: "stopGradient",
      size: s,
      ours: () => bind(Primitive.StopGradient, [x], NO_PARAMS),
      plain: () => d,
    },
  ];
}

function creationRows(n: number): OpRow[] {
  const numbers = Array.from(positive(n, 5).data);
  const typed = Float64Array.from(numbers);
  const cols = n >= 100 ? 10 : 1;
  const nested: number[][] = [];
  for (let i = 0; i < n / cols; i++) nested.push(numbers.slice(i * cols, (i + 1) * cols));
  const t = ct.tensor(nested);
  const s = label(n);
  const fromNested = () => {
    const o = new Float64Array(n);
    let k = 0;
    for (const row of nested) for (const v of row) o[k++] = v;
    return o;
  };
  const toNested = () => {
    const d = t.data;
    const out: number[][] = [];
    for (let i = 0; i < nested.length; i++) {
      const row = new Array<number>(cols);
      for (let j = 0; j < cols; j++) row[j] = d[i * cols + j];
      out.push(row);
    }
    return out;
  };
  return [
    {
      op: "tensor(number[])",
      size: s,
      ours: () => ct.tensor(numbers),
      plain: () => Float64Array.from(numbers),
    },
    {
      op: `tensor(nested [n/${cols}][${cols}])`,
      size: s,
      ours: () => ct.tensor(nested),
      plain: fromNested,
    },
    {
      op: "tensor(Float64Array)",
      size: s,
      ours: () => ct.tensor(typed),
      plain: () => typed.slice(),
    },
    { op: "toArray (2-d)", size: s, ours: () => t.toArray(), plain: toNested },
  ];
}

/** Row-major n×n product, i-p-j order: the loop a person writes. */
function plainMatmul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const o = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let p = 0; p < n; p++) {
      const s = a[i * n + p];
      for (let j = 0; j < n; j++) o[i * n + j] += s * b[p * n + j];
    }
  return o;
}

/** Gaussian elimination with partial pivoting on a copy: A x = b for one right-hand side. */
function plainSolve(a0: Float64Array, b0: Float64Array, n: number): Float64Array {
  const a = a0.slice();
  const b = b0.slice();
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]) > Math.abs(a[piv * n + c])) piv = r;
    if (piv !== c) {
      for (let j = 0; j < n; j++) [a[c * n + j], a[piv * n + j]] = [a[piv * n + j], a[c * n + j]];
      [b[c], b[piv]] = [b[piv], b[c]];
    }
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c] / a[c * n + c];
      for (let j = c; j < n; j++) a[r * n + j] -= f * a[c * n + j];
      b[r] -= f * b[c];
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r];
    for (let j = r + 1; j < n; j++) s -= a[r * n + j] * b[j];
    b[r] = s / a[r * n + r];
  }
  return b;
}

function matrixRows(n: number): OpRow[] {
  const a = ct.add(ct.randn([n, n], { seed: 6 }), ct.mul(ct.eye(n), n));
  const b = ct.randn([n, n], { seed: 7 });
  const rhs = ct.randn([n, 1], { seed: 8 });
  const [ad, bd] = [a.data, b.data];
  const aT = ct.transpose(a);
  const sym = ct.add(a, aT);
  const row = ct.randn([n], { seed: 9 });
  const s = `${n}²`;
  const transposePlain = () => {
    const o = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) o[j * n + i] = ad[i * n + j];
    return o;
  };
  const colSums = (d: Float64Array) => () => {
    const o = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) o[j] += d[i * n + j];
    return o;
  };
  const rowSums = () => {
    const o = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let j = 0; j < n; j++) acc += ad[i * n + j];
      o[i] = acc;
    }
    return o;
  };
  const rd = row.data;
  const addRow = () => {
    const o = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) o[i * n + j] = ad[i * n + j] + rd[j];
    return o;
  };
  return [
    { op: "matmul", size: s, ours: () => ct.matmul(a, b), plain: () => plainMatmul(ad, bd, n) },
    { op: "transpose", size: s, ours: () => ct.transpose(a), plain: transposePlain },
    { op: "sum(M, 0)", size: s, ours: () => ct.sum(a, 0), plain: colSums(ad) },
    { op: "sum(M, 1)", size: s, ours: () => ct.sum(a, 1), plain: rowSums },
    { op: "sum(transpose(M), 0)", size: s, ours: () => ct.sum(ct.transpose(a), 0), plain: rowSums },
    { op: "add(M, row) broadcast", size: s, ours: () => ct.add(a, row), plain: addRow },
    {
      op: "solve (one column)",
      size: s,
      ours: () => ct.solve(a, rhs),
      plain: () => plainSolve(ad, rhs.data, n),
    },
    { op: "det", size: s, ours: () => ct.det(a), plain: null },
    { op: "svd (s)", size: s, ours: () => ct.singularValues(a), plain: null },
    { op: "eigh (w)", size: s, ours: () => ct.eigh(sym), plain: null },
  ];
}

function transformRows(n: number): OpRow[] {
  const x = positive(n, 10);
  const d = x.data;
  const g = ct.grad((v: ct.Tensor) => ct.sum(ct.exp(v)));
  const plainGrad = () => {
    const o = new Float64Array(n);
    for (let i = 0; i < n; i++) o[i] = Math.exp(d[i]);
    return o;
  };
  const steps = Math.min(n, 1000);
  const xs = positive(steps, 11);
  const xsd = xs.data;
  const cumsum = () => {
    const o = new Float64Array(steps);
    let c = 0;
    for (let i = 0; i < steps; i++) o[i] = c += xsd[i];
    return o;
  };
  const count = () => {
    let v = 1;
    while (v < steps) v += 1;
    return v;
  };
  const s = label(n);
  return [
    { op: "grad(sum(exp(x)))", size: s, ours: () => g(x), plain: plainGrad },
    {
      op: `scan cumsum (${label(steps)} steps)`,
      size: s,
      ours: () =>
        ct.scan(
          (c: ct.Tensor, v: ct.Tensor) => {
            const t = ct.add(c, v);
            return [t, t];
          },
          ct.tensor(0),
          xs,
        ),
      plain: cumsum,
    },
    {
      op: `whileLoop (${label(steps)} steps)`,
      size: s,
      ours: () =>
        ct.whileLoop(
          (v: ct.Tensor) => ct.compare(v, steps, "lt"),
          (v: ct.Tensor) => ct.add(v, 1),
          ct.tensor(1),
        ),
      plain: count,
    },
  ];
}

/** Every row: the vector sizes, the matrix sizes, and item() (a size-1 tensor). */
export function opRows(): OpRow[] {
  const rows: OpRow[] = [];
  for (const n of VECTOR_SIZES) {
    rows.push(...creationRows(n), ...elementwiseRows(n), ...reductionRows(n));
    rows.push(...indexRows(n), ...transformRows(n));
  }
  for (const n of MATRIX_SIZES) rows.push(...matrixRows(n));
  const one = ct.tensor([[2.5]]);
  const oneData = one.data;
  rows.push({ op: "item", size: "1", ours: () => one.item(), plain: () => oneData[0] });
  return rows;
}
