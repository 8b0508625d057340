/**
 * Labels that read as written, in a real browser: short column labels (θ, ω) stand upright,
 * labels too long for their column turn; a Hessian and an all-NaN Jacobian say what they are.
 * Screenshots in test-results/views.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { readFileSync } from "node:fs";
import { MIME, type JacobianPayload, type TracePayload } from "../../kernel/shared/payloads.js";
import { surfaceExplore } from "./explore-fixtures.js";
import { denseJacobianInput, jacobianPayload } from "../../kernel/display/jacobian.js";
import { tracePayload } from "../../kernel/display/trace.js";
import { blockJacobianInput } from "../../kernel/display/blocks.js";
import { batchedJacobianPayload } from "../../kernel/display/batched.js";
import { RESULTS, launch, openPage, render, type RendererGlobal } from "./page.js";

let browser: Browser;
let page: Page;
beforeAll(async () => {
  browser = await launch();
  page = await openPage(browser, "light");
});
afterAll(async () => {
  await page?.close();
  await browser?.close();
});

function labelled(inputs: string[], extra: { derivative?: "hessian" } = {}): JacobianPayload {
  const n = inputs.length;
  const data = Float64Array.from({ length: 2 * n }, (_, k) => Math.sin(k + 1));
  return jacobianPayload(
    denseJacobianInput(data, [2], [n], { inputs, outputs: ["E", "L"], ...extra }),
  );
}

/** writing-mode and box of each column label. */
async function columnLabels(): Promise<{ mode: string; width: number; height: number }[]> {
  return page.$$eval("#out .ct-collabels .ct-label", (labels) =>
    labels.map((l) => {
      const box = l.getBoundingClientRect();
      return { mode: getComputedStyle(l).writingMode, width: box.width, height: box.height };
    }),
  );
}

describe("column labels", () => {
  it("θ and ω stand upright, centred over their columns", async () => {
    expect((await render(page, MIME.jacobian, labelled(["θ", "ω"]))).ok).toBe(true);
    const labels = await columnLabels();
    expect(labels).toHaveLength(2);
    for (const label of labels) {
      expect(label.mode).toBe("horizontal-tb");
      expect(label.height).toBeLessThan(20);
    }
    // each label's centre lies over its column's centre
    const centres = await page.$$eval("#out .ct-collabels .ct-label", (ls) =>
      ls.map((l) => {
        const b = l.getBoundingClientRect();
        return b.left + b.width / 2;
      }),
    );
    const canvas = (await page.locator("#out .ct-canvas-wrap canvas").boundingBox())!;
    const cell = canvas.width / 2;
    centres.forEach((c, j) => expect(Math.abs(c - (canvas.x + cell * (j + 0.5)))).toBeLessThan(8));
    await page.screenshot({ path: `${RESULTS}/labels-upright.png` });
  });

  it("labels too long for their columns turn, reading bottom to top", async () => {
    const names = Array.from({ length: 24 }, (_, j) => `angular_velocity_${j}`);
    expect((await render(page, MIME.jacobian, labelled(names))).ok).toBe(true);
    const labels = await columnLabels();
    expect(labels.length).toBeGreaterThan(0);
    for (const label of labels) {
      expect(label.mode).toBe("vertical-rl");
      expect(label.height).toBeGreaterThan(label.width);
    }
    await page.screenshot({ path: `${RESULTS}/labels-rotated.png` });
  });
});

describe("summaries", () => {
  it("a Hessian says ∂²f/∂xᵢ∂xⱼ", async () => {
    const H = labelled(["θ", "ω"], { derivative: "hessian" });
    expect((await render(page, MIME.jacobian, H)).ok).toBe(true);
    const summary = await page.textContent("#out .ct-summary");
    expect(summary).toContain("Hessian 2×2 ∂²f/∂xᵢ∂xⱼ");
    expect(summary).not.toContain("∂f/∂x ");
    await page.screenshot({ path: `${RESULTS}/hessian-summary.png` });
  });

  it("an all-NaN Jacobian says all entries NaN, not ‖J‖F 0", async () => {
    const payload = jacobianPayload(denseJacobianInput(new Float64Array(6).fill(NaN), [2], [3]));
    expect((await render(page, MIME.jacobian, payload)).ok).toBe(true);
    const summary = (await page.textContent("#out .ct-summary")) ?? "";
    expect(summary).toContain("all entries NaN");
    expect(summary).not.toContain("‖J‖F");
    await page.screenshot({ path: `${RESULTS}/jacobian-all-nan.png` });
  });
});

describe("a trace against θ₀", () => {
  it("names its x axis and draws points pushed out of order by x", async () => {
    const xs = [0.8, -0.4, 0.2, -1, 1, 0, -0.6, 0.6];
    const payload = tracePayload({
      title: "det J_flow",
      x: "θ₀",
      steps: xs,
      series: new Map([["det", xs.map((t) => Math.cos(2 * t))]]),
      done: true,
    });
    expect((await render(page, MIME.trace, payload)).ok).toBe(true);
    // the axis label is drawn on the canvas; the legend's first entry names the x column
    const legend = await page.textContent("#out .u-legend .u-series:first-child .u-label");
    expect(legend).toBe("θ₀");
    expect(await page.textContent("#out .ct-trace .ct-toolbar")).toContain("8 points against θ₀");
    await page.screenshot({ path: `${RESULTS}/trace-against-theta.png` });
  });
});

describe("a pytree Jacobian (jacobian(net)(p, x) with p = { W, b })", () => {
  it("draws one view with a line between the W and b blocks, labelled with leaf paths", async () => {
    const W = Float64Array.from({ length: 18 }, (_, k) => Math.sin(k));
    const b = Float64Array.from({ length: 9 }, (_, k) => (k % 4 === 0 ? 1 - k / 10 : 0));
    const payload = jacobianPayload(
      blockJacobianInput(
        [
          { output: "", input: "W", outShape: [3], inShape: [3, 2], data: W },
          { output: "", input: "b", outShape: [3], inShape: [3], data: b },
        ],
        "∂net/∂p",
      ),
    );
    expect((await render(page, MIME.jacobian, payload)).ok).toBe(true);
    expect(await page.textContent("#out .ct-blocks")).toBe(
      "Blocks 1×2: rows f 3; columns W 3×2 · b 3",
    );
    const lines = await page.$$eval("#out .ct-blockline-col", (ls) =>
      ls.map((l) => ({ path: l.getAttribute("data-path"), left: parseFloat(l.style.left) })),
    );
    const canvas = (await page.locator("#out .ct-canvas-wrap canvas").boundingBox())!;
    expect(lines).toHaveLength(1);
    expect(lines[0].path).toBe("b");
    expect(Math.abs(lines[0].left - (canvas.width * 6) / 9)).toBeLessThan(1);
    const titles = await page.$$eval("#out .ct-collabels .ct-label", (ls) =>
      ls.map((l) => l.getAttribute("title")),
    );
    expect(titles).toContain("W[1,0]");
    expect(titles).toContain("b[2]");
    await page.screenshot({ path: `${RESULTS}/jacobian-pytree.png` });
  });
});

describe("batched Jacobians (vmap(jacobian(f)))", () => {
  it("show one item at a time; the selector moves through the batch on one colour scale", async () => {
    const items = [1, 2, 3].map((s) => Float64Array.from([s, 0, 0, -s]));
    const data = new Float64Array(12);
    items.forEach((item, k) => data.set(item, k * 4));
    const payload = batchedJacobianPayload({ data, size: 3, itemOutShape: [2], inShape: [2] });
    expect((await render(page, MIME.jacobian, payload)).ok).toBe(true);
    expect(await page.textContent("#out .ct-batch-index")).toBe("item 0 (0…2)");
    const pixel = (): Promise<number[]> =>
      page.$eval("#out .ct-canvas-wrap canvas", (c) =>
        Array.from((c as HTMLCanvasElement).getContext("2d")!.getImageData(0, 0, 1, 1).data),
      );
    const first = await pixel();
    await page.click('#out button[aria-label="Next item"]');
    await page.click('#out button[aria-label="Next item"]');
    expect(await page.textContent("#out .ct-batch-index")).toBe("item 2 (0…2)");
    expect(await page.textContent("#out .ct-summary")).toContain("max |J| 3");
    const last = await pixel();
    // one scale for the batch: entry 1 of item 0 is lighter than entry 3 of item 2
    expect(last).not.toEqual(first);
    expect(first.slice(0, 3).reduce((a, b) => a + b)).toBeGreaterThan(
      last.slice(0, 3).reduce((a, b) => a + b),
    );
    await page.screenshot({ path: `${RESULTS}/jacobian-batched.png` });
  });
});

describe("a live trace as the surface view's path", () => {
  it("the path on the contour map grows with the trace", async () => {
    const view = surfaceExplore("s-live-path");
    if (view.static?.kind !== "surface") throw new Error("fixture");
    view.static.pathTrace = "path-trace";
    const walk: [number, number][] = [[-1.2, 1]];
    for (let k = 1; k <= 12; k++) walk.push([-1.2 + 0.18 * k, 1 - 0.05 * k + 0.02 * k * k * 0.1]);
    const traceAt = (n: number): TracePayload =>
      tracePayload({
        title: "path",
        steps: walk.slice(0, n).map((_, k) => k),
        series: new Map([
          ["x", walk.slice(0, n).map((p) => p[0])],
          ["y", walk.slice(0, n).map((p) => p[1])],
        ]),
        done: false,
        displayId: "path-trace",
      });
    await page.setContent(
      '<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:12px"><div id="surface" style="width:940px"></div><div id="trace" style="width:940px"></div></body></html>',
    );
    await page.addScriptTag({
      content: readFileSync("dist/renderer/index.js", "utf8"),
      type: "module",
    });
    await page.waitForFunction(() => "CotangentRenderer" in globalThis);
    const draw = (id: string, mime: string, payload: unknown) =>
      page.evaluate(
        ([i, m, p]) =>
          (globalThis as unknown as RendererGlobal).CotangentRenderer.renderInto(
            document.getElementById(i)!,
            m,
            p,
          ),
        [id, mime, payload] as const,
      );
    expect((await draw("surface", MIME.explore, view)).ok).toBe(true);
    expect((await draw("trace", MIME.trace, traceAt(3))).ok).toBe(true);
    const count = () =>
      page.$eval("#surface .ct-surface", (e) => (e as HTMLElement).dataset["pathPoints"]);
    expect(await count()).toBe("3");
    await draw("trace", MIME.trace, traceAt(13));
    expect(await count()).toBe("13");
    await page.locator("#surface").screenshot({ path: `${RESULTS}/surface-live-path.png` });
  });
});
