/**
 * The views in a real browser: each view rendered from fixture payloads, in light and dark
 * themes, with screenshots in test-results/views and assertions on pixels and DOM.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { makeColorScale, NONZERO_COLOR, ZERO_COLOR } from "../../kernel/shared/colorscale.js";
import { MIME, PAYLOAD_VERSION } from "../../kernel/shared/payloads.js";
import { denseJacobianInput, jacobianBundle } from "../../kernel/display/jacobian.js";
import { traceBundle, tracePayload } from "../../kernel/display/trace.js";
import {
  XSS_LABEL,
  downsampledJacobian,
  smallChain,
  smallChainHtml,
  smallJacobian,
  squareJacobian,
  trace,
} from "./fixtures.js";
import { RESULTS, launch, openPage, render, type Theme } from "./page.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** RGBA of the heatmap's pixel for cell (row, col) — the canvas holds one pixel per cell. */
async function cellPixel(
  page: Page,
  row: number,
  col: number,
  selector = "#out .ct-canvas-wrap canvas",
): Promise<number[]> {
  return page.$eval(
    selector,
    (canvas, [r, c]) =>
      Array.from((canvas as HTMLCanvasElement).getContext("2d")!.getImageData(c, r, 1, 1).data),
    [row, col],
  );
}

const themes: Theme[] = ["light", "dark", "high-contrast"];

describe.each(themes)("Jacobian view (%s theme)", (theme) => {
  let page: Page;
  beforeAll(async () => {
    page = await openPage(browser, theme);
  });
  afterAll(async () => page.close());

  it("draws known entries in their colours, labels as text, and a hover read-out", async () => {
    const payload = smallJacobian();
    const result = await render(page, MIME.jacobian, payload);
    expect(result.ok).toBe(true);
    const scale = makeColorScale(4);
    expect((await cellPixel(page, 0, 0)).slice(0, 3)).toEqual([...scale.rgb(4)]); // the max, dark red
    expect((await cellPixel(page, 1, 1)).slice(0, 3)).toEqual([...scale.rgb(-4)]); // the min, dark blue
    // labels are text, never markup
    const labels = await page.$$eval("#out .ct-rowlabels .ct-label", (ls) =>
      ls.map((l) => l.getAttribute("title")),
    );
    expect(labels).toEqual(["loss", "penalty", XSS_LABEL]);
    expect(await page.$$eval("#out img", (imgs) => imgs.length)).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
    // hover the centre of cell (1, 0): ∂penalty/∂w = 0.25
    const box = (await page.locator("#out .ct-canvas-wrap canvas").boundingBox())!;
    const cell = box.width / 4;
    await page.mouse.move(box.x + cell * 0.5, box.y + cell * 1.5);
    await expect.poll(() => page.textContent("#out .ct-readout")).toBe("∂penalty/∂w = 0.25");
    await page.mouse.move(box.x + cell * 0.5, box.y + cell * 2.5);
    expect(await page.textContent("#out .ct-readout")).toBe(`∂${XSS_LABEL}/∂w = -2`);
    await page.screenshot({ path: `${RESULTS}/jacobian-${theme}.png` });
  });

  it("selects a row as the gradient vjp(f, eᵢ) and a column as jvp(f, eⱼ)", async () => {
    await render(page, MIME.jacobian, smallJacobian());
    await page.click('#out .ct-rowlabels .ct-label[data-index="1"]');
    expect(await page.textContent("#out .ct-caption")).toContain("vjp(f, e1) = ∇penalty");
    expect(await page.$$eval("#out .ct-barchart canvas", (c) => c.length)).toBe(1);
    await page.click('#out .ct-collabels .ct-label[data-index="2"]');
    expect(await page.textContent("#out .ct-caption")).toContain("jvp(f, e2)");
    expect(await page.textContent("#out .ct-caption")).toContain("scale");
    await page.screenshot({ path: `${RESULTS}/jacobian-selected-${theme}.png` });
  });

  it("shows exact zeros apart from tiny values in the sparsity pattern, and a numeric table", async () => {
    await render(page, MIME.jacobian, smallJacobian());
    await page.click('#out button[data-mode="sparsity"]');
    expect((await cellPixel(page, 1, 2)).slice(0, 3)).toEqual([...ZERO_COLOR]); // exactly 0
    expect((await cellPixel(page, 2, 3)).slice(0, 3)).toEqual([...NONZERO_COLOR]); // 1e-9
    await page.click('#out button[data-mode="log"]');
    const log = makeColorScale(4, "log");
    expect((await cellPixel(page, 2, 3)).slice(0, 3)).toEqual([...log.rgb(1e-9)]);
    await page.click('#out button[data-toggle="table"]');
    const cells = await page.$$eval("#out .ct-table tbody tr:first-child td", (tds) =>
      tds.map((t) => t.textContent),
    );
    expect(cells).toEqual(["4", "-1", "0.5", "2"]);
    await page.screenshot({ path: `${RESULTS}/jacobian-log-table-${theme}.png`, fullPage: true });
  });

  it("reaches the controls and cells by keyboard", async () => {
    await render(page, MIME.jacobian, smallJacobian());
    await page.focus("#out .ct-canvas-wrap canvas");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowDown");
    expect(await page.textContent("#out .ct-readout")).toBe("∂penalty/∂scale = 0");
    await page.keyboard.press("Enter");
    expect(await page.textContent("#out .ct-caption")).toContain("Row 1 of J");
  });
});

describe("large Jacobians (on a 2× display)", () => {
  let page: Page;
  beforeAll(async () => {
    page = await openPage(browser, "light", 2);
  });
  afterAll(async () => page.close());

  it("draws 1,000×1,000 entries in full, one pixel per cell", async () => {
    const payload = squareJacobian(1000);
    expect(payload.values.dtype).toBe("float32");
    expect((await render(page, MIME.jacobian, payload)).ok).toBe(true);
    const size = await page.$eval("#out .ct-canvas-wrap canvas", (c) => [
      (c as HTMLCanvasElement).width,
      (c as HTMLCanvasElement).height,
    ]);
    expect(size).toEqual([1000, 1000]);
    const limit = payload.stats.maxAbs;
    const v = Math.sin((500 * 7) / 1000) * Math.cos((250 * 5) / 1000);
    const expected = makeColorScale(limit).rgb(Math.fround(v));
    expect((await cellPixel(page, 500, 250)).slice(0, 3)).toEqual([...expected]);
    await page.screenshot({ path: `${RESULTS}/jacobian-1000.png` });
  });
});

describe("downsampled Jacobians", () => {
  let page: Page;
  beforeAll(async () => {
    page = await openPage(browser, "dark");
  });
  afterAll(async () => page.close());

  it("say so with the block size and read out a block's max |·|", async () => {
    const payload = downsampledJacobian(3000);
    expect(payload.downsampled).toMatchObject({ blockRows: 3, blockCols: 3 });
    expect((await render(page, MIME.jacobian, payload)).ok).toBe(true);
    expect(await page.textContent("#out .ct-note")).toBe(
      "Downsampled: 3000×3000 shown as 1000×1000 blocks of 3×3 (signed max |·| per block).",
    );
    await page.focus("#out .ct-canvas-wrap canvas");
    await page.keyboard.press("ArrowDown");
    expect(await page.textContent("#out .ct-readout")).toBe(
      "block f[3 … 5] × x[0 … 2]: max |·| -1",
    );
    // 1,000 blocks on 560 screen pixels: each pixel keeps the largest entry, so the diagonal (+2)
    // stays dark red rather than blending with its -1 neighbours
    const size = await page.$eval("#out .ct-canvas-wrap canvas", (c) => [
      (c as HTMLCanvasElement).width,
      (c as HTMLCanvasElement).height,
    ]);
    expect(size).toEqual([560, 560]);
    const red = [...makeColorScale(2).rgb(2)];
    for (const k of [0, 100, 333, 559])
      expect((await cellPixel(page, k, k)).slice(0, 3)).toEqual(red);
    await page.screenshot({ path: `${RESULTS}/jacobian-downsampled.png` });
  });
});

describe.each(themes)("chain view (%s theme)", (theme) => {
  let page: Page;
  beforeAll(async () => {
    page = await openPage(browser, theme);
  });
  afterAll(async () => page.close());

  it("shows each stage, the cotangent flowing back, and expands a stage's Jacobian", async () => {
    const payload = smallChain();
    expect((await render(page, MIME.chain, payload)).ok).toBe(true);
    expect(await page.$$eval("#out .ct-stage", (s) => s.length)).toBe(3);
    expect(await page.$$eval("#out .ct-cotangent", (s) => s.length)).toBe(3);
    const equation = (await page.textContent("#out .ct-equation"))!;
    expect(equation).toContain("Jᵀv = J₁ᵀ J₂ᵀ J₃ᵀ v");
    expect(await page.textContent("#out .ct-cotangent:last-of-type")).toContain("vjp(sumsq, v)");
    await page.locator("#out .ct-mini").first().click();
    expect(await page.$$eval("#out .ct-expanded .ct-jacobian", (j) => j.length)).toBe(1);
    expect(await page.textContent("#out .ct-expanded .ct-caption")).toContain(
      "J₁ = ∂linear/∂input",
    );
    await page.screenshot({ path: `${RESULTS}/chain-${theme}.png`, fullPage: true });
  });
});

describe.each(themes)("trace view (%s theme)", (theme) => {
  let page: Page;
  beforeAll(async () => {
    page = await openPage(browser, theme);
  });
  afterAll(async () => page.close());

  it("draws 100,000 points, reads out on hover, toggles log y and updates in place", async () => {
    expect((await render(page, MIME.trace, trace(1000))).ok).toBe(true);
    await page.evaluate(
      () =>
        ((document.querySelector("#out .ct-trace") as HTMLElement & { marker?: number }).marker =
          7),
    );
    const before = (await page.locator("#out .ct-trace").boundingBox())!;
    expect((await render(page, MIME.trace, trace(100_000))).ok).toBe(true);
    // same element (kept state), same height (no layout jump)
    expect(
      await page.evaluate(
        () =>
          (document.querySelector("#out .ct-trace") as HTMLElement & { marker?: number }).marker,
      ),
    ).toBe(7);
    const after = (await page.locator("#out .ct-trace").boundingBox())!;
    expect(after.height).toBe(before.height);
    expect(await page.textContent("#out .ct-toolbar .ct-muted")).toContain("100000 steps");
    const legend = await page.$$eval("#out .u-legend .u-series th", (ths) =>
      ths.map((t) => t.textContent?.trim()),
    );
    expect(legend).toEqual(["step", "loss", "gradNorm"]);
    const over = (await page.locator("#out .u-over").boundingBox())!;
    await page.mouse.move(over.x + over.width / 2, over.y + over.height / 2);
    await expect
      .poll(() =>
        page.$$eval("#out .u-legend .u-series td", (tds) => tds.map((t) => t.textContent)),
      )
      .not.toContain("—");
    const stepText = await page.$eval(
      "#out .u-legend .u-series:first-child td",
      (td) => td.textContent,
    );
    expect(Number(stepText)).toBeGreaterThan(40_000);
    expect(Number(stepText)).toBeLessThan(60_000);
    await page.screenshot({ path: `${RESULTS}/trace-${theme}.png` });
    await page.click('#out button[data-toggle="log"]');
    expect(await page.getAttribute('#out button[data-toggle="log"]', "aria-pressed")).toBe("true");
    await page.click("#out .u-legend .u-series:nth-child(3)");
    expect(await page.getAttribute("#out .u-legend .u-series:nth-child(3)", "class")).toContain(
      "u-off",
    );
    // the same toggle by keyboard
    const loss = "#out .u-legend .u-series:nth-child(2)";
    await page.focus(loss);
    await page.keyboard.press("Enter");
    expect(await page.getAttribute(loss, "class")).toContain("u-off");
    await page.keyboard.press("Enter");
    expect(await page.getAttribute(loss, "class")).not.toContain("u-off");
    await page.screenshot({ path: `${RESULTS}/trace-log-${theme}.png` });
  });
});

describe("payload strings are text", () => {
  let page: Page;
  beforeAll(async () => {
    page = await openPage(browser, "light");
  });
  afterAll(async () => page.close());

  it("a trace title and series name with markup show as text", async () => {
    const payload = tracePayload({
      title: XSS_LABEL,
      steps: [0, 1, 2],
      series: new Map([[XSS_LABEL, [3, 2, 1]]]),
      done: true,
    });
    expect((await render(page, MIME.trace, payload)).ok).toBe(true);
    expect(await page.textContent("#out .ct-title")).toBe(XSS_LABEL);
    const legend = await page.$$eval("#out .u-legend .u-series th", (ths) =>
      ths.map((t) => t.textContent?.trim()),
    );
    expect(legend).toEqual(["step", XSS_LABEL]);
    expect(await page.$$eval("#out img", (imgs) => imgs.length)).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
  });
});

describe("bad payloads", () => {
  let page: Page;
  beforeAll(async () => {
    page = await openPage(browser, "light");
  });
  afterAll(async () => page.close());

  it.each([
    [
      "an unknown version",
      MIME.jacobian,
      { ...smallJacobian(), version: PAYLOAD_VERSION + 98 },
      "unknown version 99",
    ],
    [
      "a wrong schema",
      MIME.chain,
      { version: PAYLOAD_VERSION, kind: "chain", stages: "x" },
      "payload.stages",
    ],
    ["a wrong kind", MIME.trace, smallJacobian(), 'payload.kind: is "jacobian"'],
    ["not an object", MIME.jacobian, 42, "payload: must be a JSON object"],
  ])("shows %s as a short error inside the output", async (_what, mime, payload, message) => {
    const result = await render(page, mime, payload);
    expect(result.ok).toBe(false);
    expect(await page.textContent("#out .ct-error")).toContain(message);
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
  });
});

describe("static fallbacks (what JupyterLab and GitHub show)", () => {
  let page: Page;
  beforeAll(async () => {
    page = await openPage(browser, "light");
  });
  afterAll(async () => page.close());

  it("the SVG heatmap, SVG trace chart and chain HTML load as images and text, labels inert", async () => {
    const jac = jacobianBundle(
      denseJacobianInput(
        Float64Array.from([4, -1, 0.5, 2, 0.25, -4, 0, 1, -2, 3, 1.5, 1e-9]),
        [3],
        [4],
        {
          outputs: ["loss", "penalty", XSS_LABEL],
          inputs: ["w", "b", "scale", "shift"],
          title: "fallback",
        },
      ),
    );
    const tr = traceBundle({
      title: "loss",
      steps: Array.from({ length: 500 }, (_, k) => k),
      series: new Map([["loss", Array.from({ length: 500 }, (_, k) => 10 * Math.exp(-k / 60))]]),
      done: true,
    });
    const images = [jac["image/svg+xml"] as string, tr["image/svg+xml"] as string];
    const sizes = await page.evaluate(async (svgs) => {
      const out = document.getElementById("out")!;
      const loaded = svgs.map((svg) => {
        const img = new Image();
        img.src = `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(svg)))}`;
        out.append(img);
        return img.decode().then(() => [img.naturalWidth, img.naturalHeight]);
      });
      return Promise.all(loaded);
    }, images);
    for (const [w, h] of sizes) {
      expect(w).toBeGreaterThan(100);
      expect(h).toBeGreaterThan(100);
    }
    await page.evaluate((html) => {
      const host = document.createElement("div");
      host.innerHTML = html; // what a notebook front end does with text/html
      document.getElementById("out")!.append(host);
    }, smallChainHtml());
    expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
    await page.screenshot({ path: `${RESULTS}/fallbacks.png`, fullPage: true });
  });
});
