import { describe, expect, it } from "vitest";
import { denseJacobianInput, jacobianPayload } from "../../../kernel/display/jacobian.js";
import { MIME, PAYLOAD_VERSION, encodeArray } from "../../../kernel/shared/payloads.js";
import { validatePayload } from "../../../kernel/shared/validate.js";
import {
  latexNumber,
  toCsv,
  toJson,
  toLatex,
  type MatrixExport,
} from "../../../extension/renderer/exports.js";
import {
  heatmapLayout,
  hitTest,
  niceStep,
  screenGrid,
} from "../../../extension/renderer/heatmap.js";
import {
  colName,
  decodeJacobian,
  readout,
  rowName,
  selectionCaption,
  slice,
} from "../../../extension/renderer/jacobian-model.js";
import { barBaseline, barLayout } from "../../../extension/renderer/bar-chart.js";
import { plotOptions, tickLabel, traceData } from "../../../extension/renderer/trace-view.js";
import { tracePayload } from "../../../kernel/display/trace.js";
import { trace } from "../../browser/fixtures.js";

const matrix: MatrixExport = {
  rows: 2,
  cols: 2,
  values: [1.5, -0.000012, NaN, 1 / 3],
  outputs: ["loss", 'say "hi", ok'],
  inputs: ["w", "b"],
  outShape: [2],
  inShape: [2],
};

describe("copy formats", () => {
  it("CSV: labels as header and first column, quoted when needed, full precision", () => {
    expect(toCsv(matrix)).toBe(
      `,w,b\nloss,1.5,-0.000012\n"say ""hi"", ok",NaN,0.3333333333333333\n`,
    );
    expect(toCsv({ ...matrix, outputs: undefined, inputs: undefined })).toBe(
      "1.5,-0.000012\nNaN,0.3333333333333333\n",
    );
  });

  it("LaTeX: a bmatrix with × 10^{k} exponents", () => {
    expect(toLatex(matrix)).toBe(
      "\\begin{bmatrix}\n  1.5 & -1.2 \\times 10^{-5} \\\\\n  \\mathrm{NaN} & 0.3333\n\\end{bmatrix}",
    );
    expect(latexNumber(123456)).toBe("1.235 \\times 10^{5}");
    expect(latexNumber(-Infinity)).toBe("-\\infty");
  });

  it("JSON: shapes, labels, nested rows with null for NaN; downsampled grids say so", () => {
    expect(JSON.parse(toJson(matrix))).toEqual({
      outShape: [2],
      inShape: [2],
      outputs: matrix.outputs,
      inputs: matrix.inputs,
      values: [
        [1.5, -0.000012],
        [null, 1 / 3],
      ],
    });
    const blocked = JSON.parse(toJson({ ...matrix, block: { rows: 10, cols: 4 } })) as {
      downsampled: unknown;
    };
    expect(blocked.downsampled).toEqual({ blockRows: 10, blockCols: 4, reduce: "signed max |·|" });
  });
});

describe("heatmap layout", () => {
  it.each([
    [3, 4, 36, 144, 108],
    [100, 100, 5, 500, 500],
    [1000, 1000, 0.56, 560, 560],
    [10, 1000, 0.56, 560, 120],
    [1, 1000, 0.56, 560, 36],
  ])("%d×%d: cells of %d px, %d×%d px", (rows, cols, cell, width, height) => {
    const layout = heatmapLayout(rows, cols);
    expect(layout.cellWidth).toBeCloseTo(cell, 2);
    expect([layout.width, layout.height]).toEqual([width, height]);
  });

  it("hit-tests CSS offsets to cells, null outside", () => {
    const layout = heatmapLayout(3, 4);
    expect(hitTest(layout, 0, 0)).toEqual({ row: 0, col: 0 });
    expect(hitTest(layout, 36 * 3 + 1, 36 * 2 + 35)).toEqual({ row: 2, col: 3 });
    expect(hitTest(layout, 144, 0)).toBeNull();
    expect(hitTest(layout, -1, 5)).toBeNull();
  });

  it("shrinks sub-pixel cells to screen pixels by signed max |·|, keeping spikes", () => {
    // 4×4 with a -9 spike and a diagonal of 1s, onto 2×2 pixels
    const values = [1, 0, 0, 0, 0, 1, 0, -9, 0, 0, 1, 0, 0, 0, 0, 1];
    expect([...screenGrid(values, 4, 4, 2, 2)]).toEqual([1, -9, 0, 1]);
    expect([...screenGrid([1, 2, 3], 1, 3, 2, 1)]).toEqual([2, 3]); // pixel 0: cells 0, 1; pixel 1: cell 2
  });

  it("labels every 1, 2, 5, 10, 20, 25, 50, … cells so they never overlap", () => {
    expect([0.5, 1, 1.1, 3, 7, 12, 23, 26, 900].map(niceStep)).toEqual([
      1, 1, 2, 5, 10, 20, 25, 50, 1000,
    ]);
    expect(heatmapLayout(1000, 1000).rowLabelStep).toBe(25);
    expect(barLayout(4, 160)).toEqual({ step: 40, bar: 39 });
    expect(barBaseline([0, 1, 2], 120)).toEqual({ baseline: 118, extent: 114 });
    expect(barBaseline([-1, 0], 120)).toEqual({ baseline: 2, extent: 114 });
    expect(barBaseline([-1, 1], 120)).toEqual({ baseline: 60, extent: 56 });
  });
});

describe("trace chart options", () => {
  it("draws one coloured line per series over a step axis, log y on request", () => {
    const payload = trace(10);
    const linear = plotOptions(payload, false, 600, "#333");
    expect(linear.series.map((s) => s.label)).toEqual(["step", "loss", "gradNorm"]);
    expect(linear.series[1].stroke).not.toBe(linear.series[2].stroke);
    expect(linear.scales?.["y"]).toEqual({ distr: 1 });
    expect(plotOptions(payload, true, 600, "#333").scales?.["y"]).toEqual({ distr: 3 });
    expect([linear.width, linear.height]).toEqual([600, 260]);
  });

  it("gives uPlot null for NaN, and for values ≤ 0 on a log axis", () => {
    const payload = tracePayload({
      title: "t",
      steps: [0, 1, 2],
      series: new Map([["s", [1, NaN, -2]]]),
      done: true,
    });
    expect(traceData(payload, false)[1]).toEqual([1, null, -2]);
    expect(traceData(payload, true)[1]).toEqual([1, null, null]);
  });
});

describe("trace axis labels", () => {
  it("labels every linear tick, only powers of ten on a log axis, nothing for skipped ticks", () => {
    expect([0.5, 1, 2.5].map((t) => tickLabel(t, false))).toEqual(["0.5", "1", "2.5"]);
    expect([0.01, 0.02, 0.1, 1, 3, 10, 1000].map((t) => tickLabel(t, true))).toEqual([
      "0.01",
      "",
      "0.1",
      "1",
      "",
      "10",
      "1000",
    ]);
    expect(tickLabel(null, false)).toBe("");
  });
});

describe("Jacobian model", () => {
  const payload = jacobianPayload(
    denseJacobianInput(Float64Array.from([1, 2, 3, 4, 5, 6]), [2], [3], { outputs: ["u", "v"] }),
  );
  const model = decodeJacobian(payload);

  it("names rows by label and columns by index; reads out ∂fᵢ/∂xⱼ at full precision", () => {
    expect([rowName(model, 1), colName(model, 2)]).toEqual(["v", "x[2]"]);
    expect(readout(model, 1, 2)).toBe("∂v/∂x[2] = 6");
    expect([...slice(model, "row", 1)]).toEqual([4, 5, 6]);
    expect([...slice(model, "col", 0)]).toEqual([1, 4]);
  });

  it("says what a selected row and column are: vjp(f, eᵢ) and jvp(f, eⱼ)", () => {
    expect(selectionCaption(model, "row", 0)).toBe(
      "Row 0 of J = vjp(f, e0) = ∇u: how u changes with each input.",
    );
    expect(selectionCaption(model, "col", 2)).toBe(
      "Column 2 of J = jvp(f, e2): how every output moves along x[2].",
    );
  });

  it("uses multi-indices for higher rank and block ranges for downsampled payloads", () => {
    const rank2 = decodeJacobian(
      jacobianPayload(denseJacobianInput(new Float64Array(24), [2, 3], [4])),
    );
    expect(rowName(rank2, 4)).toBe("f[1,1]");
    const n = 300_000; // 1.2 million entries: beyond the float32 limit, so blocks of 300×1
    const source = { rows: n, cols: 4, row: (i: number) => Float64Array.from([i, 0, 0, -i]) };
    const payload = jacobianPayload({ source, outShape: [n], inShape: [4], maxBytes: 6e6 });
    const big = decodeJacobian(payload);
    expect(big.block).toEqual({ rows: 300, cols: 1 });
    expect(rowName(big, 1)).toBe("f[300 … 599]");
    expect(readout(big, 1, 3)).toBe("block f[300 … 599] × x[3]: max |·| -599");
    // a payload that carries block means (older kernels wrote them) reads them out too
    const means = new Float64Array(1000 * 4);
    means[1 * 4 + 3] = -449.5;
    const downsampled = { ...payload.downsampled!, mean: encodeArray(means, [1000, 4], "float64") };
    expect(readout(decodeJacobian({ ...payload, downsampled }), 1, 3)).toBe(
      "block f[300 … 599] × x[3]: max |·| -599, mean -449.5",
    );
  });
});

describe("payload validation", () => {
  const good = jacobianPayload(denseJacobianInput(Float64Array.from([1, 2]), [1], [2]));
  it.each([
    [
      "an unknown version",
      { ...good, version: PAYLOAD_VERSION + 1 },
      `payload: unknown version ${PAYLOAD_VERSION + 1} (this view reads version ${PAYLOAD_VERSION})`,
    ],
    ["a wrong kind", { ...good, kind: "trace" }, 'payload.kind: is "trace", expected "jacobian"'],
    [
      "labels of the wrong count",
      { ...good, inputs: ["a"] },
      "payload.inputs: has 1 labels for 2 entries",
    ],
    [
      "labels that are not strings",
      { ...good, outputs: [1] },
      "payload.outputs: must be an array of strings",
    ],
    [
      "a bad dtype",
      { ...good, values: { ...good.values, dtype: "int8" } },
      'payload.values.dtype: must be "float64" or "float32", got "int8"',
    ],
    [
      "too few bytes",
      { ...good, values: encodeArray([1], [1, 2]) },
      "payload.values.data: holds 8 bytes, not 2 float64 values",
    ],
    [
      "a shape that does not match",
      { ...good, values: encodeArray([1, 2], [2, 1]) },
      "payload.values.shape: is [2,1] for a 1×2 Jacobian",
    ],
    ["missing stats", { ...good, stats: undefined }, "payload.stats: must be an object"],
  ])("rejects %s with a message naming the field", (_what, payload, message) => {
    expect(validatePayload(MIME.jacobian, payload)).toEqual({ ok: false, error: message });
  });

  it("accepts a good payload and rejects an unknown MIME type", () => {
    expect(validatePayload(MIME.jacobian, good).ok).toBe(true);
    expect(validatePayload("text/plain", good)).toEqual({
      ok: false,
      error: 'unknown MIME type "text/plain"',
    });
  });
});
