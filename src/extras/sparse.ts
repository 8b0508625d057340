/**
 * Sparse Jacobians: `sparseJacobian(f, x)` detects the sparsity pattern of ∂f/∂x by propagating
 * index sets (sparse-pattern.ts), colours the columns so that no two columns of one colour share
 * a row (greedy distance-1 colouring of the column intersection graph), and gets every nonzero
 * from one batched forward pass with one tangent per colour: the tangent of colour k is the sum
 * of the basis vectors of its columns, and since those columns touch disjoint rows, (J t_k)[i] is
 * exactly J[i, j] for the one column j of colour k in row i. A banded Jacobian needs as many
 * passes as its bandwidth, whatever n.
 */
import { asTensor } from "../tensor/creation.js";
import { Jacobian } from "../tensor/jacobian.js";
import { vmap } from "../transforms/batch.js";
import { chunkSize, inBatches } from "../progress.js";
import { fmtShape, sizeOf } from "../tensor/shape.js";
import { detectPattern, type IndexSets } from "./sparse-pattern.js";
import { Tensor, type TensorLike } from "../tensor/tensor.js";
import { jvp } from "../transforms/api.js";

/** A Jacobian stored by its nonzeros, in compressed sparse rows over flattened outputs × inputs. */
export class SparseJacobian {
  constructor(
    /** The output shape (rows, flattened row-major). */
    readonly outShape: readonly number[],
    /** The input shape (columns, flattened row-major). */
    readonly inShape: readonly number[],
    /** Row i's entries are at positions rowPtr[i] .. rowPtr[i+1] − 1 of colIdx and values. */
    readonly rowPtr: Int32Array,
    /** Column (flat input index) of each stored entry, ascending within a row. */
    readonly colIdx: Int32Array,
    /** The value of each stored entry (a structural nonzero may be 0 at this point). */
    readonly values: Float64Array,
    /** The colour of each column: columns of one colour share no row. */
    readonly columnColors: Int32Array,
    /** How many colours, hence forward passes (batched into one), the values took. */
    readonly colors: number,
  ) {}

  get rows(): number {
    return sizeOf(this.outShape);
  }

  get cols(): number {
    return sizeOf(this.inShape);
  }

  /** The number of stored entries (the size of the detected pattern). */
  get nnz(): number {
    return this.colIdx.length;
  }

  /** The entry at flat row i, flat column j (0 outside the pattern). */
  get(i: number, j: number): number {
    if (!(i >= 0 && i < this.rows && j >= 0 && j < this.cols)) {
      throw new Error(`SparseJacobian.get: (${i}, ${j}) is outside ${this.rows}×${this.cols}`);
    }
    for (let p = this.rowPtr[i]; p < this.rowPtr[i + 1]; p++) {
      if (this.colIdx[p] === j) return this.values[p];
    }
    return 0;
  }

  /** The dense Jacobian, shape [...outShape, ...inShape]. */
  toDense(): Jacobian {
    const cols = this.cols;
    const data = new Float64Array(this.rows * cols);
    for (let i = 0; i < this.rows; i++) {
      for (let p = this.rowPtr[i]; p < this.rowPtr[i + 1]; p++)
        data[i * cols + this.colIdx[p]] = this.values[p];
    }
    return new Jacobian(data, this.outShape, this.inShape);
  }

  toString(): string {
    const density = this.rows * this.cols === 0 ? 0 : this.nnz / (this.rows * this.cols);
    return (
      `SparseJacobian(outShape ${fmtShape(this.outShape)}, inShape ${fmtShape(this.inShape)}, ` +
      `${this.nnz} nonzeros (${(100 * density).toPrecision(3)}%), ${this.colors} colors)`
    );
  }
}

/** Compressed rows with each row's columns sorted ascending. */
function sortedRows(sets: IndexSets): IndexSets {
  const idx = sets.idx.slice();
  const rows = sets.ptr.length - 1;
  for (let i = 0; i < rows; i++) {
    const from = sets.ptr[i];
    const to = sets.ptr[i + 1];
    if (to - from > 16) {
      idx.subarray(from, to).sort();
      continue;
    }
    // Rows are short in sparse problems: insertion sort in place, no subarray per row.
    for (let p = from + 1; p < to; p++) {
      const v = idx[p];
      let q = p - 1;
      while (q >= from && idx[q] > v) {
        idx[q + 1] = idx[q];
        q--;
      }
      idx[q + 1] = v;
    }
  }
  return { ptr: sets.ptr, idx };
}

/** The transpose pattern: for each column, the rows it appears in. */
function columnsOf(rows: IndexSets, cols: number): IndexSets {
  const ptr = new Int32Array(cols + 1);
  for (const j of rows.idx) ptr[j + 1] += 1;
  for (let j = 0; j < cols; j++) ptr[j + 1] += ptr[j];
  const fill = ptr.slice(0, cols);
  const idx = new Int32Array(rows.idx.length);
  const m = rows.ptr.length - 1;
  for (let i = 0; i < m; i++) {
    for (let p = rows.ptr[i]; p < rows.ptr[i + 1]; p++) idx[fill[rows.idx[p]]++] = i;
  }
  return { ptr, idx };
}

/**
 * Greedy distance-1 colouring of the column intersection graph (columns adjacent when they share
 * a row): each column, in order, takes the smallest colour none of its neighbours has.
 */
export function colorColumns(rows: IndexSets, cols: number): { colors: Int32Array; count: number } {
  const byColumn = columnsOf(rows, cols);
  const colors = new Int32Array(cols).fill(-1);
  const forbiddenBy = new Int32Array(cols + 1).fill(-1);
  let count = 0;
  for (let j = 0; j < cols; j++) {
    for (let p = byColumn.ptr[j]; p < byColumn.ptr[j + 1]; p++) {
      const i = byColumn.idx[p];
      for (let q = rows.ptr[i]; q < rows.ptr[i + 1]; q++) {
        const c = colors[rows.idx[q]];
        if (c >= 0) forbiddenBy[c] = j;
      }
    }
    let k = 0;
    while (forbiddenBy[k] === j) k++;
    colors[j] = k;
    count = Math.max(count, k + 1);
  }
  // A column in no row still needs no pass: only count colours that some row uses.
  return { colors, count: rows.idx.length === 0 ? 0 : count };
}

/**
 * One tangent per colour of [first, first + count), stacked: seeds[k, ...inShape] = 1 where the
 * column has colour first + k.
 */
export function colorSeeds(
  colors: Int32Array,
  first: number,
  count: number,
  inShape: readonly number[],
): Tensor {
  const n = colors.length;
  const data = new Float64Array(count * n);
  for (let j = 0; j < n; j++) {
    const k = colors[j] - first;
    if (k >= 0 && k < count) data[k * n + j] = 1;
  }
  return new Tensor(data, [count, ...inShape]);
}

/**
 * The values of the colours first … first + k − 1 at the pattern's nonzeros: `compressed` is
 * [k, m] (colour, row), entry (i, j) is row i of the colour of column j.
 */
export function scatterCompressed(
  ptr: Int32Array,
  idx: Int32Array,
  colors: Int32Array,
  first: number,
  k: number,
  compressed: ArrayLike<number>,
  values: Float64Array,
): void {
  const m = ptr.length - 1;
  for (let i = 0; i < m; i++) {
    for (let p = ptr[i]; p < ptr[i + 1]; p++) {
      const c = colors[idx[p]] - first;
      if (c >= 0 && c < k) values[p] = compressed[c * m + i];
    }
  }
}

/**
 * The Jacobian of f at x by its nonzeros: pattern detection, column colouring, and one batched
 * forward pass with as many tangents as colours. f maps one tensor to one tensor.
 *
 * @example
 * const S = sparseJacobian((x: Tensor) => square(x), tensor([1, 2, 3]));
 * S.nnz; // → 3
 * S.toDense(); // → tensor([[2, 0, 0], [0, 4, 0], [0, 0, 6]])
 */
export function sparseJacobian(f: (x: Tensor) => Tensor, x: TensorLike): SparseJacobian {
  const input = asTensor(x);
  const { output, sets } = detectPattern(f, input);
  const pattern = sortedRows(sets);
  const n = input.size;
  const m = output.size;
  const { colors, count } = colorColumns(pattern, n);
  const values = new Float64Array(pattern.idx.length);
  if (count > 0) {
    const pushForward = vmap((t: Tensor) => jvp(f, [input], [t])[1]);
    // the colours in batches (bounded memory, progress reported): each gives its columns' values
    inBatches("sparseJacobian", "colours", count, chunkSize(count, Math.max(n, m)), (first, k) => {
      const compressed = pushForward(colorSeeds(colors, first, k, input.shape)).data; // [k, ...outShape]
      scatterCompressed(pattern.ptr, pattern.idx, colors, first, k, compressed, values);
    });
  }
  return new SparseJacobian(
    output.shape,
    input.shape,
    pattern.ptr,
    pattern.idx,
    values,
    colors,
    count,
  );
}
