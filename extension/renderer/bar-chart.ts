/**
 * A bar chart of one row or column of a Jacobian (the gradient of one output, or the derivative
 * of every output along one input), on a canvas, coloured with the heatmap's scale.
 */
import type { ColorScale } from "../../kernel/shared/colorscale.js";
import { formatNumber } from "../../kernel/shared/format.js";
import { el } from "./dom.js";

const HEIGHT = 120;

/** Bar geometry: for n bars in `width` px, the x of bar k and the bar width (pure). */
export function barLayout(n: number, width: number): { step: number; bar: number } {
  const step = width / Math.max(n, 1);
  return { step, bar: Math.max(1, step >= 4 ? step - 1 : step) };
}

/**
 * Where the zero line goes: at the bottom when no value is negative, at the top when none is
 * positive, in the middle otherwise; `extent` is the bar length of the largest magnitude (pure).
 */
export function barBaseline(
  values: ArrayLike<number>,
  height: number,
): { baseline: number; extent: number } {
  let positive = false;
  let negative = false;
  for (let k = 0; k < values.length; k++) {
    if (values[k] > 0) positive = true;
    if (values[k] < 0) negative = true;
  }
  if (positive && negative) return { baseline: height / 2, extent: height / 2 - 4 };
  if (negative) return { baseline: 2, extent: height - 6 };
  return { baseline: height - 2, extent: height - 6 };
}

/** Draw the bars of `values` (zero line in the middle of a symmetric axis ±max|v|). */
export function barChart(
  values: ArrayLike<number>,
  scale: ColorScale,
  foreground: string,
  names: (k: number) => string,
  onHover: (k: number) => void,
): HTMLElement {
  const n = values.length;
  const width = Math.min(560, Math.max(160, n * 14));
  const canvas = el("canvas", { class: "ct-bars", role: "img" });
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(HEIGHT * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${HEIGHT}px`;
  let limit = 0;
  for (let k = 0; k < n; k++)
    if (Number.isFinite(values[k])) limit = Math.max(limit, Math.abs(values[k]));
  if (limit === 0) limit = 1;
  const context = canvas.getContext("2d");
  if (context) {
    context.scale(ratio, ratio);
    const { baseline, extent } = barBaseline(values, HEIGHT);
    const { step, bar } = barLayout(n, width);
    for (let k = 0; k < n; k++) {
      const v = values[k];
      const [r, g, b] = scale.rgb(Number.isFinite(v) ? v : NaN);
      context.fillStyle = `rgb(${r},${g},${b})`;
      const h = Number.isFinite(v) ? (Math.abs(v) / limit) * extent : extent;
      context.fillRect(
        k * step,
        v >= 0 || !Number.isFinite(v) ? baseline - h : baseline,
        bar,
        Math.max(h, 0.5),
      );
    }
    context.fillStyle = foreground;
    context.fillRect(0, baseline, width, 1);
  }
  canvas.addEventListener("mousemove", (event) => {
    const k = Math.floor(event.offsetX / barLayout(n, width).step);
    if (k >= 0 && k < n) onHover(k);
  });
  const labels = el("div", { class: "ct-barlabels" });
  labels.style.width = `${width}px`;
  if (n <= 24) {
    for (let k = 0; k < n; k++) {
      const name = names(k);
      const label = el("span", { title: name }, name.length > 8 ? `${name.slice(0, 7)}…` : name);
      label.style.width = `${width / n}px`;
      labels.append(label);
    }
  }
  canvas.setAttribute(
    "aria-label",
    `bar chart of ${n} values, largest magnitude ${formatNumber(limit)}`,
  );
  const axis = el("div", { class: "ct-muted ct-mono" }, `±${formatNumber(limit, 4)}`);
  return el("div", { class: "ct-barchart" }, axis, canvas, labels);
}
