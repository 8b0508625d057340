/**
 * The Jacobian payload and its static fallbacks (text/plain, an SVG heatmap), built from a matrix
 * source so that a 10,000×10,000 Jacobian is read once, summarised and downsampled, and never
 * copied whole into an output.
 */
import {
  LIMITS,
  MIME,
  PAYLOAD_VERSION,
  encodeArray,
  type EncodedArray,
  type JacobianPayload,
  type JacobianStats,
  type MimeBundle,
} from "../shared/payloads.js";
import { formatNumber, formatShape, shapeSize } from "../shared/format.js";
import { derivativeName, noFiniteEntries } from "../shared/describe.js";
import { denseSource, downsample, matrixStats, type MatrixSource } from "./matrix.js";
import { jacobianSvg } from "./svg.js";
import { jacobianPng } from "./png-views.js";

/** Singular values in decreasing order of a dense row-major rows × cols matrix. */
export type SingularValuesFn = (data: Float64Array, rows: number, cols: number) => number[];

export interface JacobianInput {
  source: MatrixSource;
  outShape: number[];
  inShape: number[];
  title?: string | undefined;
  outputs?: string[] | undefined;
  inputs?: string[] | undefined;
  /** Number of colours of a sparse Jacobian's detection, when it came from one. */
  colors?: number | undefined;
  /** The block layout of a pytree Jacobian (see blocks.ts). */
  blocks?: JacobianPayload["blocks"] | undefined;
  /** "hessian" for the results of `hessian(f)`. */
  derivative?: "hessian" | undefined;
  /** The most characters of encoded arrays the view writes (default LIMITS.viewBytes). */
  maxBytes?: number | undefined;
  /** Dense data when at hand (enables singular values up to 500×500). */
  dense?: Float64Array | undefined;
  singularValues?: SingularValuesFn | undefined;
}

/** Singular values are computed for matrices up to this many rows and columns. */
export const SVD_MAX_SIDE = 500;

function checkLabels(labels: string[] | undefined, count: number, what: string): void {
  if (labels === undefined) return;
  if (!Array.isArray(labels) || labels.some((l) => typeof l !== "string")) {
    throw new Error(`display.jacobian: ${what} labels must be an array of strings`);
  }
  if (labels.length !== count) {
    throw new Error(
      `display.jacobian: ${labels.length} ${what} labels given for ${count} ${what}s ` +
        `(the Jacobian has ${count} ${what === "input" ? "columns" : "rows"})`,
    );
  }
}

function spectralStats(
  input: JacobianInput,
): Pick<JacobianStats, "singularValues" | "rank" | "cond"> {
  const { source, dense, singularValues } = input;
  if (!dense || !singularValues) return {};
  if (source.rows > SVD_MAX_SIDE || source.cols > SVD_MAX_SIDE) return {};
  if (source.rows === 0 || source.cols === 0) return {};
  let sigma: number[];
  try {
    sigma = singularValues(dense, source.rows, source.cols);
  } catch {
    return {}; // no summary rather than no picture
  }
  if (sigma.length === 0 || sigma.some((s) => !Number.isFinite(s))) return {};
  const top = sigma[0];
  const tolerance = Math.max(source.rows, source.cols) * Number.EPSILON * top;
  const rank = sigma.filter((s) => s > tolerance).length;
  const smallest = sigma[sigma.length - 1];
  // an infinite condition number (σ_min = 0) is left out: JSON has no Infinity
  return smallest > 0
    ? { singularValues: sigma, rank, cond: top / smallest }
    : { singularValues: sigma, rank };
}

/** Encode a grid with the dtype the payload limits allow for its size. */
function encodeGrid(values: Float64Array, shape: number[], maxBytes: number): EncodedArray {
  const float64 =
    values.length <= LIMITS.float64Entries && encodedChars(values.length, 8) <= maxBytes;
  return encodeArray(values, shape, float64 ? "float64" : "float32");
}

/** Characters of base64 for `entries` values of `bytes` each. */
export const encodedChars = (entries: number, bytes: number): number =>
  4 * Math.ceil((entries * bytes) / 3);

/**
 * The largest block grid side within the view's budget: float32 cells, at most `maxBytes`
 * characters in all (side² · 4 bytes · 4/3), and never over LIMITS.maxSide.
 */
function budgetSide(maxBytes: number): number {
  return Math.max(1, Math.min(LIMITS.maxSide, Math.floor(Math.sqrt((maxBytes * 3) / 16))));
}

/** The full dense values of a source (only called within the float32 limit). */
function collect(source: MatrixSource): Float64Array {
  const out = new Float64Array(source.rows * source.cols);
  for (let i = 0; i < source.rows; i++) out.set(source.row(i), i * source.cols);
  return out;
}

/** Build the versioned Jacobian payload: stats over the full matrix, values within the limits. */
export function jacobianPayload(input: JacobianInput): JacobianPayload {
  const { source, outShape, inShape } = input;
  if (shapeSize(outShape) !== source.rows || shapeSize(inShape) !== source.cols) {
    throw new Error(
      `jacobianPayload: shapes out [${outShape.join(",")}] × in [${inShape.join(",")}] ` +
        `do not match a ${source.rows}×${source.cols} matrix`,
    );
  }
  checkLabels(input.outputs, source.rows, "output");
  checkLabels(input.inputs, source.cols, "input");
  const stats: JacobianStats = { ...matrixStats(source), ...spectralStats(input) };
  const payload: JacobianPayload = {
    version: PAYLOAD_VERSION,
    kind: "jacobian",
    outShape: [...outShape],
    inShape: [...inShape],
    values: { dtype: "float64", shape: [source.rows, source.cols], data: "" },
    stats,
  };
  if (input.title !== undefined) payload.title = input.title;
  if (input.outputs) payload.outputs = [...input.outputs];
  if (input.inputs) payload.inputs = [...input.inputs];
  if (input.colors !== undefined) payload.sparse = { colors: input.colors };
  if (input.derivative !== undefined) payload.derivative = input.derivative;
  if (input.blocks !== undefined) payload.blocks = input.blocks;
  const entries = source.rows * source.cols;
  const maxBytes = input.maxBytes ?? LIMITS.viewBytes;
  if (!(typeof maxBytes === "number" && maxBytes > 0))
    throw new Error(
      `display.jacobian: maxBytes must be a positive number of characters, got ${String(maxBytes)}`,
    );
  if (entries <= LIMITS.float32Entries && encodedChars(entries, 4) <= maxBytes) {
    const values = input.dense ?? collect(source);
    payload.values = encodeGrid(values, [source.rows, source.cols], maxBytes);
    return payload;
  }
  // one array per drawn matrix: the signed max |·| of each block (the hover reads it)
  const small = downsample(source, budgetSide(maxBytes));
  payload.values = encodeGrid(small.maxAbs, [small.gridRows, small.gridCols], maxBytes);
  payload.downsampled = {
    fullRows: source.rows,
    fullCols: source.cols,
    blockRows: small.blockRows,
    blockCols: small.blockCols,
  };
  return payload;
}

/** The text/plain fallback: a one-line summary, then the matrix (numpy-like, when given). */
export function jacobianText(payload: JacobianPayload, matrixText?: string): string {
  const { stats } = payload;
  const rows = payload.downsampled?.fullRows ?? payload.values.shape[0] ?? 0;
  const cols = payload.downsampled?.fullCols ?? payload.values.shape[1] ?? 0;
  const { noun, symbol } = derivativeName(payload);
  const parts = [
    `${noun}${payload.title ? ` "${payload.title}"` : ""} ${rows}×${cols}`,
    `(${symbol}, f: ${formatShape(payload.outShape)}, x: ${formatShape(payload.inShape)})`,
  ];
  const none = noFiniteEntries(stats, rows * cols);
  if (none !== undefined) parts.push(none);
  else parts.push(`‖J‖F=${formatNumber(stats.frobenius)}`, `max|J|=${formatNumber(stats.maxAbs)}`);
  parts.push(`nnz=${stats.nnz}`);
  if (stats.rank !== undefined) parts.push(`rank=${stats.rank}`);
  if (stats.cond !== undefined) parts.push(`cond=${formatNumber(stats.cond)}`);
  else if (stats.singularValues) parts.push("cond=inf");
  if (stats.nonFinite && none === undefined) parts.push(`non-finite=${stats.nonFinite}`);
  if (payload.sparse) parts.push(`colors=${payload.sparse.colors}`);
  const d = payload.downsampled;
  if (d) parts.push(`[shown in ${d.blockRows}×${d.blockCols} blocks]`);
  const header = parts.join(" ");
  return matrixText ? `${header}\n${matrixText}` : header;
}

/** The MIME bundle of a Jacobian: our payload first, then the SVG heatmap and plain text. */
export function jacobianBundle(input: JacobianInput, matrixText?: string): MimeBundle {
  return payloadBundle(jacobianPayload(input), matrixText);
}

/** The bundle of a finished payload: it, its SVG and PNG fallbacks and its text. */
export function payloadBundle(payload: JacobianPayload, matrixText?: string): MimeBundle {
  return {
    [MIME.jacobian]: payload,
    "image/svg+xml": jacobianSvg(payload),
    "image/png": jacobianPng(payload),
    "text/plain": jacobianText(payload, matrixText),
  };
}

/** A Jacobian bundle from dense row-major data (the common case). */
export function denseJacobianInput(
  data: Float64Array,
  outShape: number[],
  inShape: number[],
  extra: Omit<JacobianInput, "source" | "outShape" | "inShape" | "dense"> = {},
): JacobianInput {
  const rows = shapeSize(outShape);
  const cols = shapeSize(inShape);
  return { ...extra, source: denseSource(data, rows, cols), outShape, inShape, dense: data };
}
