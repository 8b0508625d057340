/**
 * The decoded Jacobian a view works on, with the names of its rows and columns and the hover
 * read-out text. Pure: testable without a DOM.
 */
import { decodeArray, type JacobianPayload } from "../../kernel/shared/payloads.js";
import { formatNumber, unravelIndex } from "../../kernel/shared/format.js";
import type { MatrixExport } from "./exports.js";

export interface JacobianModel {
  payload: JacobianPayload;
  /** Drawn grid (the full matrix, or the block grid when downsampled). */
  rows: number;
  cols: number;
  values: Float64Array;
  /** Block means when downsampled. */
  mean: Float64Array | undefined;
  block: { rows: number; cols: number } | undefined;
  fullRows: number;
  fullCols: number;
  /** Significant digits the payload carries (float64: 17, float32: 7). */
  digits: number;
}

export function decodeJacobian(payload: JacobianPayload): JacobianModel {
  const rows = payload.values.shape[0];
  const cols = payload.values.shape[1];
  const d = payload.downsampled;
  return {
    payload,
    rows,
    cols,
    values: decodeArray(payload.values),
    mean: d?.mean ? decodeArray(d.mean) : undefined,
    block: d ? { rows: d.blockRows, cols: d.blockCols } : undefined,
    fullRows: d?.fullRows ?? rows,
    fullCols: d?.fullCols ?? cols,
    digits: payload.values.dtype === "float64" ? 17 : 7,
  };
}

/** A value at the payload's precision (shortest round-trip text for float64). */
export function valueText(model: JacobianModel, v: number): string {
  if (model.digits === 17 && Number.isFinite(v)) return String(v);
  return formatNumber(v, model.digits);
}

function indexName(
  prefix: string,
  index: number,
  shape: number[],
  labels: string[] | undefined,
): string {
  const label = labels?.[index];
  if (label !== undefined) return label;
  return `${prefix}[${unravelIndex(index, shape)}]`;
}

function rangeName(prefix: string, from: number, to: number, shape: number[]): string {
  if (from === to) return `${prefix}[${unravelIndex(from, shape)}]`;
  return `${prefix}[${unravelIndex(from, shape)} … ${unravelIndex(to, shape)}]`;
}

/**
 * Name of drawn row i: an output label, f[i] (multi-index for higher rank), or a block range. A
 * Hessian's rows are the gradient's entries ∂f/∂xᵢ, so they are named by x.
 */
export function rowName(model: JacobianModel, i: number): string {
  const { payload, block } = model;
  const prefix = payload.derivative === "hessian" ? "x" : "f";
  if (!block) return indexName(prefix, i, payload.outShape, payload.outputs);
  const from = i * block.rows;
  return rangeName(prefix, from, Math.min(from + block.rows, model.fullRows) - 1, payload.outShape);
}

/** Name of drawn column j: an input label, x[j], or a block range. */
export function colName(model: JacobianModel, j: number): string {
  const { payload, block } = model;
  if (!block) return indexName("x", j, payload.inShape, payload.inputs);
  const from = j * block.cols;
  return rangeName("x", from, Math.min(from + block.cols, model.fullCols) - 1, payload.inShape);
}

/** The hover read-out of cell (i, j): ∂fᵢ/∂xⱼ = value (blocks: max |·| and mean). */
export function readout(model: JacobianModel, i: number, j: number): string {
  const k = i * model.cols + j;
  const v = model.values[k];
  if (model.block) {
    const mean = model.mean ? `, mean ${formatNumber(model.mean[k], 6)}` : "";
    return `block ${rowName(model, i)} × ${colName(model, j)}: max |·| ${valueText(model, v)}${mean}`;
  }
  if (model.payload.derivative === "hessian")
    return `∂²f/∂${rowName(model, i)}∂${colName(model, j)} = ${valueText(model, v)}`;
  return `∂${rowName(model, i)}/∂${colName(model, j)} = ${valueText(model, v)}`;
}

/** Row i (the gradient of output i) or column j (the derivative along input j) of the grid. */
export function slice(model: JacobianModel, axis: "row" | "col", index: number): Float64Array {
  if (axis === "row") return model.values.slice(index * model.cols, (index + 1) * model.cols);
  const out = new Float64Array(model.rows);
  for (let i = 0; i < model.rows; i++) out[i] = model.values[i * model.cols + index]!;
  return out;
}

/** What the copy buttons export. */
export function exportOf(model: JacobianModel): MatrixExport {
  return {
    rows: model.rows,
    cols: model.cols,
    values: model.values,
    outputs: model.block ? undefined : model.payload.outputs,
    inputs: model.block ? undefined : model.payload.inputs,
    outShape: model.payload.outShape,
    inShape: model.payload.inShape,
    block: model.block,
  };
}

/** The caption of a selected row or column — what it means in vjp/jvp terms. */
export function selectionCaption(model: JacobianModel, axis: "row" | "col", index: number): string {
  const blocks = model.block ? " (block max |·|)" : "";
  if (axis === "row") {
    const name = rowName(model, index);
    return `Row ${index} of J = vjp(f, e${index}) = ∇${name}: how ${name} changes with each input${blocks}.`;
  }
  const name = colName(model, index);
  return `Column ${index} of J = jvp(f, e${index}): how every output moves along ${name}${blocks}.`;
}

/** Width of a label's text in the 11 px monospace label font (≈ 6.7 px per character). */
export const LABEL_CHAR_PX = 7;

/** The label text shown for a name (long names end in "…"; the full name is the tooltip). */
export function shownLabel(name: string): string {
  return name.length > 18 ? `${name.slice(0, 17)}…` : name;
}

/**
 * Column labels stand upright when every shown label fits in the width its column slot gives
 * (cell width × label step, less a small gap); otherwise they all turn, reading bottom to top.
 * Upright is the default so short names (θ, ω, x[0]) read as written.
 */
export function columnLabelsUpright(names: readonly string[], slotPx: number): boolean {
  const widest = names.reduce((w, name) => Math.max(w, shownLabel(name).length), 0);
  return widest * LABEL_CHAR_PX + 4 <= slotPx;
}
