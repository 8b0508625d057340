/**
 * Matrices as the views see them: a row source (so a huge or sparse Jacobian never has to be
 * materialised twice), one-pass statistics, and block downsampling (signed max-|·| and mean per
 * block). Pure functions, no Node or DOM APIs.
 */
import { LIMITS } from "../shared/payloads.js";

/** A rows × cols matrix read one row at a time. */
export interface MatrixSource {
  readonly rows: number;
  readonly cols: number;
  /** Row i as `cols` numbers; may reuse one buffer between calls. */
  row(i: number): ArrayLike<number>;
}

/** A dense row-major matrix as a source. */
export function denseSource(data: ArrayLike<number>, rows: number, cols: number): MatrixSource {
  if (data.length !== rows * cols) {
    throw new Error(`denseSource: ${data.length} values do not fill a ${rows}×${cols} matrix`);
  }
  const typed = data instanceof Float64Array ? data : Float64Array.from(data);
  return { rows, cols, row: (i) => typed.subarray(i * cols, (i + 1) * cols) };
}

/** Frobenius norm and max |entry| over the finite entries; NaN / ±∞ entries are counted apart. */
export interface MatrixStats {
  frobenius: number;
  maxAbs: number;
  nnz: number;
  nonFinite?: number;
  /** How many of the non-finite entries are NaN (left out when none). */
  nan?: number;
}

/** Frobenius norm, max |entry|, exact nonzeros (NaN counts as one) and non-finite entries. */
export function matrixStats(source: MatrixSource): MatrixStats {
  let sumSquares = 0;
  let maxAbs = 0;
  let nnz = 0;
  let nonFinite = 0;
  let nan = 0;
  for (let i = 0; i < source.rows; i++) {
    const row = source.row(i);
    for (let j = 0; j < source.cols; j++) {
      const v = row[j];
      if (v !== 0) nnz++;
      const m = Math.abs(v);
      if (!Number.isFinite(m)) {
        nonFinite++;
        if (Number.isNaN(m)) nan++;
        continue;
      }
      sumSquares += m * m;
      if (m > maxAbs) maxAbs = m;
    }
  }
  const stats: MatrixStats = { frobenius: Math.sqrt(sumSquares), maxAbs, nnz };
  if (nonFinite > 0) stats.nonFinite = nonFinite;
  if (nan > 0) stats.nan = nan;
  return stats;
}

/** The block grid for a rows × cols matrix so that neither side exceeds `maxSide`. */
export function blockGrid(
  rows: number,
  cols: number,
  maxSide: number = LIMITS.maxSide,
): { blockRows: number; blockCols: number; gridRows: number; gridCols: number } {
  const blockRows = Math.max(1, Math.ceil(rows / maxSide));
  const blockCols = Math.max(1, Math.ceil(cols / maxSide));
  return {
    blockRows,
    blockCols,
    gridRows: Math.ceil(rows / blockRows),
    gridCols: Math.ceil(cols / blockCols),
  };
}

export interface Downsampled {
  gridRows: number;
  gridCols: number;
  blockRows: number;
  blockCols: number;
  /** Per block, the entry of largest magnitude, with its sign (NaN if the block holds one). */
  maxAbs: Float64Array;
  /** Per block, the mean of its entries. */
  mean: Float64Array;
}

/**
 * Block-downsample a matrix to at most maxSide × maxSide cells. Blocks at the right and bottom
 * edges may be smaller; their mean is over the entries they hold.
 */
export function downsample(source: MatrixSource, maxSide: number = LIMITS.maxSide): Downsampled {
  const grid = blockGrid(source.rows, source.cols, maxSide);
  const { gridRows, gridCols, blockRows, blockCols } = grid;
  const maxAbs = new Float64Array(gridRows * gridCols);
  const sum = new Float64Array(gridRows * gridCols);
  const count = new Float64Array(gridRows * gridCols);
  for (let i = 0; i < source.rows; i++) {
    const row = source.row(i);
    const base = Math.floor(i / blockRows) * gridCols;
    for (let j = 0; j < source.cols; j++) {
      const v = row[j];
      const cell = base + Math.floor(j / blockCols);
      const best = maxAbs[cell];
      if (Math.abs(v) > Math.abs(best) || Number.isNaN(v)) {
        if (!Number.isNaN(best)) maxAbs[cell] = v;
      }
      sum[cell] = sum[cell] + v;
      count[cell] = count[cell] + 1;
    }
  }
  const mean = new Float64Array(sum.length);
  for (let k = 0; k < sum.length; k++) mean[k] = sum[k] / count[k];
  return { ...grid, maxAbs, mean };
}
