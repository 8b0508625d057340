import { describe, expect, it } from "vitest";
import {
  denseJacobianInput,
  jacobianPayload,
  type JacobianInput,
} from "../../kernel/display/jacobian.js";
import {
  blockGrid,
  denseSource,
  downsample,
  matrixStats,
  type MatrixSource,
} from "../../kernel/display/matrix.js";
import { tracePayload } from "../../kernel/display/trace.js";
import { LIMITS, decodeArray } from "../../kernel/shared/payloads.js";
import { validatePayload } from "../../kernel/shared/validate.js";
import { MIME } from "../../kernel/shared/payloads.js";

/** A procedural rows × cols matrix (never materialised): entry = f(i, j). */
function procedural(rows: number, cols: number, f: (i: number, j: number) => number): MatrixSource {
  const buffer = new Float64Array(cols);
  return {
    rows,
    cols,
    row(i) {
      for (let j = 0; j < cols; j++) buffer[j] = f(i, j);
      return buffer;
    },
  };
}

describe("block downsampling", () => {
  it("keeps the signed entry of largest magnitude and the mean of each block", () => {
    // 4×4 → blocks of 2×2
    const m = denseSource([1, -5, 2, 2, 3, 0, 2, 2, 0, 0, -1, 1, 0, 0, 1, -1], 4, 4);
    const d = downsample(m, 2);
    expect([d.gridRows, d.gridCols, d.blockRows, d.blockCols]).toEqual([2, 2, 2, 2]);
    expect([...d.maxAbs]).toEqual([-5, 2, 0, -1]);
    expect([...d.mean]).toEqual([-0.25, 2, 0, 0]);
  });

  it("handles ragged edge blocks (means over the entries they hold)", () => {
    const d = downsample(denseSource([1, 2, 3, 4, 5, 6], 1, 6), 4);
    expect([d.blockCols, d.gridCols]).toEqual([2, 3]);
    expect([...d.maxAbs]).toEqual([2, 4, 6]);
    const e = downsample(denseSource([1, 2, 3, 4, 5], 1, 5), 2);
    expect([e.blockCols, e.gridCols]).toEqual([3, 2]);
    expect([...e.mean]).toEqual([2, 4.5]);
  });

  it("lets a NaN win its block, so it is never hidden", () => {
    const d = downsample(denseSource([1, NaN, 100, 2], 1, 4), 2);
    expect(Number.isNaN(d.maxAbs[0])).toBe(true);
    expect(d.maxAbs[1]).toBe(100);
  });

  it.each([
    [10_000, 10_000, 10, 10, 1000, 1000],
    [1001, 3, 2, 1, 501, 3],
    [5, 2_000_000, 1, 2000, 5, 1000],
  ])("grid of %d×%d: blocks %d×%d → %d×%d", (rows, cols, br, bc, gr, gc) => {
    expect(blockGrid(rows, cols)).toEqual({
      blockRows: br,
      blockCols: bc,
      gridRows: gr,
      gridCols: gc,
    });
  });
});

describe("payload limits", () => {
  const input = (rows: number, cols: number): JacobianInput => {
    const data = new Float64Array(rows * cols);
    for (let k = 0; k < data.length; k++) data[k] = Math.sin(k) * (k % 3);
    return denseJacobianInput(data, [rows], [cols]);
  };

  it.each([
    [256, 256, "float64"], // 65,536 entries
    [257, 256, "float32"],
    [433, 433, "float32"], // 187,489 entries: 999,956 characters of base64, within 1 MB
  ])("%d×%d travels in full as %s", (rows, cols, dtype) => {
    const p = jacobianPayload(input(rows, cols));
    expect(p.values.dtype).toBe(dtype);
    expect(p.values.shape).toEqual([rows, cols]);
    expect(p.downsampled).toBeUndefined();
    expect(validatePayload(MIME.jacobian, p).ok).toBe(true);
  });

  it("keeps float64 values exact and float32 values to float32 precision", () => {
    const p64 = jacobianPayload(denseJacobianInput(Float64Array.from([0.1, 1 / 3]), [1], [2]));
    expect([...decodeArray(p64.values)]).toEqual([0.1, 1 / 3]);
    const p32 = jacobianPayload(input(300, 300));
    const back = decodeArray(p32.values);
    expect(back[4]).toBe(Math.fround(Math.sin(4) * 1));
  });

  it("a 1,000×1,000 Jacobian is downsampled to fit 1 MB by default, in full on request", () => {
    const p = jacobianPayload(input(1000, 1000));
    expect(p.values.shape).toEqual([334, 334]);
    expect(p.downsampled).toEqual({ fullRows: 1000, fullCols: 1000, blockRows: 3, blockCols: 3 });
    expect(p.values.data.length).toBeLessThanOrEqual(1_000_000);
    expect(validatePayload(MIME.jacobian, p).ok).toBe(true);
    const full = jacobianPayload({ ...input(1000, 1000), maxBytes: 6_000_000 });
    expect(full.values).toMatchObject({ dtype: "float32", shape: [1000, 1000] });
    expect(full.downsampled).toBeUndefined();
    expect(() => jacobianPayload({ ...input(2, 2), maxBytes: -1 })).toThrow(
      "display.jacobian: maxBytes must be a positive number of characters, got -1",
    );
  });

  it("a 10,000×10,000 Jacobian gives one block grid of signed max-|·| (no second array)", () => {
    const n = 10_000;
    // diagonal band of 1s plus one large negative entry at (1234, 5678)
    const source = procedural(n, n, (i, j) => (i === 1234 && j === 5678 ? -7 : i === j ? 1 : 0));
    const p = jacobianPayload({ source, outShape: [n], inShape: [n], maxBytes: 6_000_000 });
    expect(p.values.shape).toEqual([1000, 1000]);
    expect(p.downsampled).toEqual({ fullRows: n, fullCols: n, blockRows: 10, blockCols: 10 });
    expect(p.stats).toEqual({ frobenius: Math.sqrt(n + 49), maxAbs: 7, nnz: n + 1 });
    const values = decodeArray(p.values);
    expect(values[123 * 1000 + 567]).toBe(-7);
    expect(values[5 * 1000 + 5]).toBe(1); // a diagonal block
    expect(values[5 * 1000 + 6]).toBe(0);
    // 1,000×1,000 float32 values: ~5.3 MB of base64 (asked for), not 800 MB of floats
    expect(p.values.data.length).toBeLessThan(6_000_000);
    expect(validatePayload(MIME.jacobian, p).ok).toBe(true);
  });

  it("a 3,000×3,000 Jacobian is written within 1 MB by default (7×7 blocks)", () => {
    const n = 3000;
    const source = procedural(n, n, (i, j) => (i === 1234 && j === 2678 ? -7 : i === j ? 1 : 0));
    const p = jacobianPayload({ source, outShape: [n], inShape: [n] });
    expect(p.values.shape).toEqual([429, 429]);
    expect(p.downsampled).toMatchObject({ blockRows: 7, blockCols: 7 });
    expect(p.values.data.length).toBeLessThanOrEqual(1_000_000);
    expect(decodeArray(p.values)[176 * 429 + 382]).toBe(-7); // block (1234 / 7, 2678 / 7)
  });

  it("computes Frobenius norm, max |entry| and exact nonzeros over the full matrix", () => {
    expect(matrixStats(denseSource([3, 0, -4, 0], 2, 2))).toEqual({
      frobenius: 5,
      maxAbs: 4,
      nnz: 2,
    });
  });

  it("adds singular values, rank and condition number when given an SVD, up to 500×500", () => {
    const svd = (): number[] => [3, 1, 0];
    const small = jacobianPayload({
      ...denseJacobianInput(new Float64Array(9), [3], [3]),
      singularValues: svd,
    });
    expect(small.stats).toMatchObject({ singularValues: [3, 1, 0], rank: 2 });
    expect(small.stats.cond).toBeUndefined(); // σ_min = 0: infinite, and JSON has no Infinity
    expect(
      jacobianPayload({
        ...denseJacobianInput(new Float64Array(4), [2], [2]),
        singularValues: () => [4, 2],
      }).stats.cond,
    ).toBe(2);
    const big = jacobianPayload({ ...input(501, 2), singularValues: svd });
    expect(big.stats.singularValues).toBeUndefined();
  });

  it("names the mismatch when labels or shapes do not fit", () => {
    expect(() =>
      jacobianPayload(denseJacobianInput(new Float64Array(6), [2], [3], { inputs: ["a", "b"] })),
    ).toThrow(/2 input labels given for 3 inputs/);
    expect(() =>
      jacobianPayload({
        source: denseSource(new Float64Array(6), 2, 3),
        outShape: [3],
        inShape: [3],
      }),
    ).toThrow(/out \[3\] × in \[3\] do not match a 2×3 matrix/);
  });

  it("a trace of 100,000 steps travels as float32 with every point; NaN gaps survive", () => {
    const steps = Array.from({ length: 100_000 }, (_, k) => k);
    const loss = steps.map((k) => (k === 5 ? NaN : 1 / (k + 1)));
    const p = tracePayload({ title: "t", steps, series: new Map([["loss", loss]]), done: false });
    expect(p.steps.dtype).toBe("float32");
    const back = decodeArray(p.series[0].values);
    expect(back.length).toBe(100_000);
    expect(Number.isNaN(back[5])).toBe(true);
    expect(validatePayload(MIME.trace, p).ok).toBe(true);
  });

  it("a trace beyond the float32 limit is thinned evenly and keeps its last point", () => {
    const n = LIMITS.float32Entries * 2 + 1;
    const steps = Array.from({ length: n }, (_, k) => k);
    const p = tracePayload({ title: "t", steps, series: new Map([["s", steps]]), done: true });
    const back = decodeArray(p.steps);
    expect(back.length).toBeLessThanOrEqual(LIMITS.float32Entries + 1);
    expect(back[back.length - 1]).toBe(n - 1);
  });
});
