/**
 * The rich display of a plain tensor: an HTML table (numpy-like summarising of big tensors: the
 * first and last rows and columns with an ellipsis between) under a caption with the shape.
 */
import {
  escapeXml,
  formatNumber,
  formatShape,
  shapeSize,
  visibleIndices,
} from "../shared/format.js";

/** At most this many rows and columns of a tensor are shown; the rest are summarised by "…". */
export const TABLE_MAX_ROWS = 20;
export const TABLE_MAX_COLS = 12;
/** Tensors of rank ≥ 3 show at most this many leading slices. */
export const TABLE_MAX_SLICES = 6;

const CELL = "padding:2px 6px;text-align:right;font-family:monospace";
const HEAD = "padding:2px 6px;text-align:right;opacity:0.6;font-weight:normal";

function matrixTable(data: ArrayLike<number>, offset: number, rows: number, cols: number): string {
  const rowIdx = visibleIndices(rows, TABLE_MAX_ROWS);
  const colIdx = visibleIndices(cols, TABLE_MAX_COLS);
  const head = colIdx.map((j) => `<th style="${HEAD}">${j < 0 ? "…" : j}</th>`).join("");
  const body = rowIdx.map((i) => {
    const cells = colIdx.map((j) => {
      if (i < 0 || j < 0) return `<td style="${CELL}">…</td>`;
      return `<td style="${CELL}">${escapeXml(formatNumber(data[offset + i * cols + j], 6))}</td>`;
    });
    return `<tr><th style="${HEAD}">${i < 0 ? "⋮" : i}</th>${cells.join("")}</tr>`;
  });
  return `<table style="border-collapse:collapse"><thead><tr><th></th>${head}</tr></thead><tbody>${body.join("")}</tbody></table>`;
}

/**
 * A vector as one row of entries under their indices — no row header, so it never reads as a
 * 1×n matrix.
 */
function vectorTable(data: ArrayLike<number>, n: number): string {
  const idx = visibleIndices(n, TABLE_MAX_COLS);
  const head = idx.map((j) => `<th style="${HEAD}">${j < 0 ? "…" : j}</th>`).join("");
  const cells = idx.map((j) => {
    const text = j < 0 ? "…" : formatNumber(data[j], 6);
    return `<td style="${CELL}">${escapeXml(text)}</td>`;
  });
  return `<table style="border-collapse:collapse" data-rank="1"><thead><tr>${head}</tr></thead><tbody><tr>${cells.join("")}</tr></tbody></table>`;
}

/** An HTML rendering of a tensor's values with its shape as caption. */
export function tensorHtml(
  data: ArrayLike<number>,
  shape: readonly number[],
  name = "Tensor",
): string {
  const size = shapeSize(shape);
  if (data.length !== size) {
    throw new Error(`tensorHtml: ${data.length} values do not fill shape [${shape.join(",")}]`);
  }
  const caption = `<div style="opacity:0.7;font-size:90%">${escapeXml(name)} ${escapeXml(formatShape(shape))}</div>`;
  if (shape.length === 0) {
    return `<div>${caption}<code>${escapeXml(formatNumber(data[0], 8))}</code></div>`;
  }
  if (shape.length === 1) return `<div>${caption}${vectorTable(data, shape[0])}</div>`;
  if (shape.length === 2) {
    return `<div>${caption}${matrixTable(data, 0, shape[0], shape[1])}</div>`;
  }
  // rank ≥ 3: one table per leading index, over the last two axes
  const rows = shape[shape.length - 2];
  const cols = shape[shape.length - 1];
  const leading = shape.slice(0, -2);
  const slices = shapeSize(leading);
  const parts = visibleIndices(slices, TABLE_MAX_SLICES).map((s) => {
    if (s < 0) return `<div style="opacity:0.6">⋮ ${slices - TABLE_MAX_SLICES} more slices</div>`;
    const index = unravel(s, leading).join(",");
    return `<div style="margin-top:4px"><code>[${index}, :, :]</code>${matrixTable(data, s * rows * cols, rows, cols)}</div>`;
  });
  return `<div>${caption}${parts.join("")}</div>`;
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = rest % shape[d];
    rest = Math.floor(rest / shape[d]);
  }
  return out;
}

/** A numpy-like text rendering, for values without their own toString (summarised like numpy). */
export function tensorText(data: ArrayLike<number>, shape: readonly number[]): string {
  if (shape.length === 0) return formatNumber(data[0], 8);
  const strides: number[] = [];
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d];
  }
  const render = (axis: number, offset: number, indent: string): string => {
    const n = shape[axis];
    const idx = visibleIndices(n, axis === shape.length - 1 ? TABLE_MAX_COLS : 6);
    if (axis === shape.length - 1) {
      const items = idx.map((j) => (j < 0 ? "..." : formatNumber(data[offset + j], 6)));
      return `[${items.join(", ")}]`;
    }
    const sep = `,${"\n".repeat(shape.length - axis - 1)}${indent} `;
    const items = idx.map((i) =>
      i < 0 ? "..." : render(axis + 1, offset + i * strides[axis], `${indent} `),
    );
    return `[${items.join(sep)}]`;
  };
  return `tensor(${render(0, 0, " ".repeat("tensor(".length))}, shape=[${shape.join(", ")}])`;
}
