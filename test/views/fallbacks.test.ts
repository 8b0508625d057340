import { describe, expect, it } from "vitest";
import { chainBundle, chainText, type ChainInput } from "../../kernel/display/chain.js";
import {
  escapeXml,
  formatNumber,
  unravelIndex,
  visibleIndices,
} from "../../kernel/shared/format.js";
import { denseJacobianInput, jacobianBundle, jacobianText } from "../../kernel/display/jacobian.js";
import { SVG_MAX_CELLS, decimate, jacobianSvg } from "../../kernel/display/svg.js";
import { tensorHtml, tensorText } from "../../kernel/display/tensor.js";
import { traceBundle, traceText } from "../../kernel/display/trace.js";
import { MIME, type JacobianPayload } from "../../kernel/shared/payloads.js";
import { validatePayload } from "../../kernel/shared/validate.js";

const XSS = `<img src=x onerror="alert(1)">`;

/** Attribute names repeated within one tag (an SVG with any is not well-formed XML). */
function duplicateAttributes(markup: string): string[] {
  const repeated: string[] = [];
  for (const [tag] of markup.matchAll(/<[a-zA-Z][^>]*>/g)) {
    const names = [...tag.matchAll(/\s([a-zA-Z:-]+)="/g)].map((m) => m[1]);
    for (const name of new Set(names))
      if (names.filter((n) => n === name).length > 1) repeated.push(`${name} in ${tag}`);
  }
  return repeated;
}

describe("formatting", () => {
  it.each([
    [0, "0"],
    [1, "1"],
    [0.5, "0.5"],
    [-2.25, "-2.25"],
    [1 / 3, "0.3333"],
    [123456, "1.235e+5"],
    [1e-9, "1e-9"],
    [NaN, "nan"],
    [-Infinity, "-inf"],
  ])("formatNumber(%d) = %s", (x, text) => {
    expect(formatNumber(x)).toBe(text);
  });

  it("escapes markup, summarises long axes and unravels indices", () => {
    expect(escapeXml(`<a href="x">&'`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    expect(visibleIndices(3, 5)).toEqual([0, 1, 2]);
    expect(visibleIndices(100, 4)).toEqual([0, 1, -1, 98, 99]);
    expect(unravelIndex(5, [2, 3])).toBe("1,2");
    expect(unravelIndex(5, [6])).toBe("5");
  });
});

describe("tensor fallbacks", () => {
  it("renders a matrix as an HTML table with its shape", () => {
    const html = tensorHtml([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(html).toContain("Tensor 2×3");
    expect(html.match(/<tr>/g)).toHaveLength(3); // header + 2 rows
    expect(html).toContain(">6<");
  });

  it("truncates big tensors numpy-style", () => {
    const html = tensorHtml(new Float64Array(1000 * 1000), [1000, 1000]);
    expect(html.match(/<tr>/g)!.length).toBeLessThanOrEqual(22);
    expect(html).toContain("…");
    expect(html.length).toBeLessThan(40_000);
  });

  it("shows rank-3 tensors as slices and scalars as a value", () => {
    expect(tensorHtml(new Float64Array(8), [2, 2, 2])).toContain("[1, :, :]");
    expect(tensorHtml([2.5], [])).toContain("2.5");
    expect(tensorText([1, 2, 3, 4], [2, 2])).toBe(
      "tensor([[1, 2],\n        [3, 4]], shape=[2, 2])",
    );
  });

  it("names the mismatch when the values do not fill the shape", () => {
    expect(() => tensorHtml([1, 2, 3], [2, 2])).toThrow("3 values do not fill shape [2,2]");
  });
});

describe("Jacobian fallbacks", () => {
  const bundle = jacobianBundle(
    denseJacobianInput(Float64Array.from([1, -2, 0, 4]), [2], [2], {
      outputs: ["y", XSS],
      inputs: ["a", "b"],
      title: `t${XSS}`,
    }),
    "[[1, -2], [0, 4]]",
  );
  const payload = bundle[MIME.jacobian] as JacobianPayload;
  const svg = bundle["image/svg+xml"] as string;

  it("writes well-formed SVG (no repeated attributes)", () => {
    expect(duplicateAttributes(svg)).toEqual([]);
  });

  it("puts our payload first, then SVG and text", () => {
    expect(Object.keys(bundle)).toEqual([
      MIME.jacobian,
      "image/svg+xml",
      "image/png",
      "text/plain",
    ]);
    expect(validatePayload(MIME.jacobian, payload).ok).toBe(true);
  });

  it("escapes every label and the title in the SVG", () => {
    expect(svg).not.toContain("<img");
    expect(svg).toContain("&lt;img src=x");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(
      svg.match(/<rect x="\d+(\.\d+)?" y="\d+(\.\d+)?" width="\d+" height="\d+" fill="#/g),
    ).toHaveLength(4);
  });

  it("colours the cells on the shared scale (the max is dark red)", () => {
    expect(svg).toContain('fill="#67001f"'); // 4 = +max
    expect(svg).toContain('fill="#f7f7f7"'); // 0
  });

  it("summarises in text: shape, norms, nnz, then the matrix", () => {
    const text = bundle["text/plain"] as string;
    expect(text.split("\n")[0]).toBe(
      `Jacobian "t${XSS}" 2×2 (∂f/∂x, f: 2, x: 2) ‖J‖F=4.583 max|J|=4 nnz=3`,
    );
    expect(text).toContain("[[1, -2], [0, 4]]");
  });

  it(`draws at most ${SVG_MAX_CELLS}×${SVG_MAX_CELLS} cells for a big Jacobian and says so`, () => {
    const big = jacobianBundle(
      denseJacobianInput(new Float64Array(300 * 200).fill(1), [300], [200]),
    );
    const bigSvg = big["image/svg+xml"] as string;
    const cells = bigSvg.match(/<rect x="[\d.]+" y="[\d.]+" width="\d+" height="\d+" fill="#/g)!;
    expect(cells.length).toBeLessThanOrEqual(SVG_MAX_CELLS * SVG_MAX_CELLS);
    expect(bigSvg).toContain("blocks of 8×5 (max |·|)");
    expect(bigSvg.length).toBeLessThan(200_000);
    expect(jacobianText(big[MIME.jacobian] as JacobianPayload)).toContain("300×200");
  });

  it("SVG of a downsampled payload states the combined block size", () => {
    const n = 2000;
    const source = { rows: n, cols: n, row: () => new Float64Array(n).fill(1) };
    const p = jacobianBundle({ source, outShape: [n], inShape: [n] })[
      MIME.jacobian
    ] as JacobianPayload;
    expect(p.downsampled?.blockRows).toBe(5); // a 400×400 grid within 1 MB
    expect(jacobianSvg(p)).toContain("blocks of 50×50");
  });
});

describe("trace and chain fallbacks", () => {
  const trace = {
    title: `loss ${XSS}`,
    steps: [0, 1, 2],
    series: new Map([
      ["loss", [3, 2, NaN]],
      ["lr", [0.1, 0.1, 0.05]],
    ]),
    done: false,
  };

  it("trace: SVG line chart with escaped title and a text summary of the last values", () => {
    const bundle = traceBundle(trace);
    expect(Object.keys(bundle)).toEqual([MIME.trace, "image/svg+xml", "image/png", "text/plain"]);
    const svg = bundle["image/svg+xml"] as string;
    expect(svg).not.toContain("<img");
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(duplicateAttributes(svg)).toEqual([]);
    expect(traceText(trace)).toBe(
      `trace "loss ${XSS}": 3 steps (running); last at step 2: loss=2 lr=0.05`,
    );
  });

  it("a trace that has no steps yet still gives a valid payload, SVG and text", () => {
    const empty = {
      title: "starting",
      steps: [],
      series: new Map<string, number[]>(),
      done: false,
    };
    const bundle = traceBundle(empty);
    expect(validatePayload(MIME.trace, bundle[MIME.trace]).ok).toBe(true);
    expect(duplicateAttributes(bundle["image/svg+xml"] as string)).toEqual([]);
    expect(bundle["image/svg+xml"]).not.toContain("NaN");
    expect(bundle["text/plain"]).toBe('trace "starting": 0 steps (running)');
  });

  it("decimates long series to per-bucket min and max", () => {
    const xs = Float64Array.from({ length: 1000 }, (_, k) => k);
    const ys = Float64Array.from({ length: 1000 }, (_, k) =>
      k % 10 === 3 ? 5 : k % 10 === 7 ? -5 : 0,
    );
    const points = decimate(xs, ys, 100);
    expect(points.length).toBe(200);
    expect(points.slice(0, 2)).toEqual([
      [3, 5],
      [7, -5],
    ]);
  });

  const chain: ChainInput = {
    stages: [
      {
        name: "double",
        input: { data: [1, 2], shape: [2] },
        output: { data: [2, 4], shape: [2] },
        jacobian: [2, 0, 0, 2],
        cotangentIn: { data: [2, 8], shape: [2] },
        cotangentOut: { data: [4, 16], shape: [2] },
      },
      {
        name: XSS,
        input: { data: [2, 4], shape: [2] },
        output: { data: [20], shape: [] },
        jacobian: [4, 8],
        cotangentIn: { data: [1], shape: [] },
        cotangentOut: { data: [4, 8], shape: [2] },
      },
    ],
    v: { data: [1], shape: [] },
    result: { data: [8, 32], shape: [2] },
  };

  it("chain: payload, HTML boxes with escaped names, and the backward pass in text", () => {
    const bundle = chainBundle(chain);
    expect(Object.keys(bundle)).toEqual([MIME.chain, "text/html", "image/png", "text/plain"]);
    expect(validatePayload(MIME.chain, bundle[MIME.chain]).ok).toBe(true);
    expect(bundle["text/html"]).not.toContain("<img");
    expect(duplicateAttributes(bundle["text/html"] as string)).toEqual([]);
    const text = chainText(chain);
    expect(text).toContain(`f = ${XSS} ∘ double`);
    expect(text).toContain("vjp(double, [2, 8]) = [4, 16]");
    expect(text).toContain("Jᵀv = J_doubleᵀ");
  });

  it("chain: names stages that do not fit together", () => {
    const broken = {
      ...chain,
      stages: [chain.stages[0], { ...chain.stages[1], input: { data: [1, 2, 3], shape: [3] } }],
    };
    expect(() => chainBundle(broken)).toThrow(
      /stage "double" outputs \[2\] but stage .* takes \[3\]/,
    );
  });
});
