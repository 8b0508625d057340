/**
 * The sparse Jacobian of residuals for `leastSquares(…, { jacobian: "sparse" })`: the pattern
 * found and the columns coloured once (`sparseJacobian` at x₀), then at each iterate only the
 * nonzeros, from one compiled batched jvp with one tangent per colour
 * (`jit(x ↦ vmap(t ↦ jvp(r, x, t))(seeds))`), so memory stays O(nnz).
 */
import { SparseJacobian, colorSeeds, scatterCompressed, sparseJacobian } from "../extras/sparse.js";
import { jvp } from "../transforms/api.js";
import { vmap } from "../transforms/batch.js";
import { jit } from "../jit/jit.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Csr } from "./sparse-normal.js";
import type { Vec } from "./vec.js";

export class SparseResidualJacobian {
  private readonly pattern: SparseJacobian;
  private readonly compressed: (x: Tensor) => Tensor;
  /** x₀, whose Jacobian values the pattern detection already computed. */
  private x0: Vec | undefined;

  constructor(f: (x: Tensor) => Tensor, x0: Tensor, useJit: boolean) {
    this.pattern = sparseJacobian(f, x0);
    this.x0 = Float64Array.from(x0.data);
    const { colors, columnColors } = this.pattern;
    const seeds = colorSeeds(columnColors, 0, colors, x0.shape);
    const push = (x: Tensor): Tensor => vmap((t: Tensor) => jvp(f, [x], [t])[1])(seeds);
    this.compressed = useJit ? jit(push) : push;
  }

  /** The number of colours (tangents per Jacobian). */
  get colors(): number {
    return this.pattern.colors;
  }

  /** J at x in compressed rows (the pattern's arrays, fresh values). */
  at(x: Tensor): Csr {
    const { rowPtr, colIdx, columnColors, rows, cols } = this.pattern;
    const x0 = this.x0;
    this.x0 = undefined;
    if (x0 !== undefined && x.data.every((v, i) => v === x0[i]))
      return { m: rows, n: cols, rowPtr, colIdx, values: this.pattern.values };
    const values = new Float64Array(colIdx.length);
    const { colors } = this.pattern;
    if (colors > 0)
      scatterCompressed(rowPtr, colIdx, columnColors, 0, colors, this.compressed(x).data, values);
    return { m: rows, n: cols, rowPtr, colIdx, values };
  }

  /** The Jacobian as a `SparseJacobian` with the given values. */
  toSparse(j: Csr, outShape: readonly number[], inShape: readonly number[]): SparseJacobian {
    const { columnColors, colors } = this.pattern;
    return new SparseJacobian(
      outShape,
      inShape,
      j.rowPtr,
      j.colIdx,
      j.values,
      columnColors,
      colors,
    );
  }
}
