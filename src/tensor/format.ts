/** numpy-like text of a tensor: `tensor([[1, 2.5], [3, 4]])`, summarised when large. */

const EDGE = 3;
const SUMMARY_THRESHOLD = 1000;

function formatNumber(v: number, allIntegral: boolean): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (allIntegral) return `${v}.`;
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e8)) return v.toExponential(4);
  return String(Number(v.toFixed(6)));
}

function positions(n: number, summarise: boolean): number[] {
  if (!summarise || n <= 2 * EDGE) return Array.from({ length: n }, (_, i) => i);
  return [0, 1, 2, -1, n - 3, n - 2, n - 1];
}

/** Formats `data` with `shape`; `prefix` is what precedes the first bracket (for indentation). */
export function formatTensor(data: Float64Array, shape: readonly number[], prefix: string): string {
  const size = data.length;
  const summarise = size > SUMMARY_THRESHOLD;
  let allIntegral = true;
  for (let i = 0; i < size; i++) {
    const v = data[i];
    if (Number.isFinite(v) && !Number.isInteger(v)) {
      allIntegral = false;
      break;
    }
  }
  const texts = new Map<number, string>();
  let width = 1;
  const text = (i: number): string => {
    let t = texts.get(i);
    if (t === undefined) {
      t = formatNumber(data[i], allIntegral);
      texts.set(i, t);
    }
    return t;
  };
  // first pass: the widest entry among those shown
  const visit = (offset: number, axis: number, f: (i: number) => void): void => {
    if (axis === shape.length) return f(offset);
    let stride = 1;
    for (let k = axis + 1; k < shape.length; k++) stride *= shape[k];
    for (const p of positions(shape[axis], summarise))
      if (p >= 0) visit(offset + p * stride, axis + 1, f);
  };
  visit(0, 0, (i) => (width = Math.max(width, text(i).length)));
  const render = (offset: number, axis: number, indent: string): string => {
    if (axis === shape.length) return text(offset).padStart(width);
    let stride = 1;
    for (let k = axis + 1; k < shape.length; k++) stride *= shape[k];
    const parts = positions(shape[axis], summarise).map((p) =>
      p < 0 ? "..." : render(offset + p * stride, axis + 1, indent + " "),
    );
    const last = axis === shape.length - 1;
    const blank = "\n".repeat(Math.max(1, shape.length - axis - 1));
    return `[${parts.join(last ? ", " : `,${blank}${indent} `)}]`;
  };
  if (shape.length === 0) return text(0);
  return render(0, 0, " ".repeat(prefix.length));
}
