/**
 * The explore views in a real browser: the Jacobian, curve and surface explorers drawn from
 * hand-built payloads, static (no kernel) and live against a host in the test that answers each
 * move with a frame computed by the runtime (jacobian, grad, hessian). Drags with the mouse,
 * arrow keys, the waiting / error / closed states; screenshots in test-results/views.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { makeColorScale } from "../../kernel/shared/colorscale.js";
import {
  MIME,
  type ExploreFrame,
  type ExploreRendererMessage,
} from "../../kernel/shared/payloads.js";
import {
  curveExplore,
  curveFrame,
  jacobianExplore,
  jacobianFrame,
  surfaceExplore,
  surfaceFrame,
} from "./explore-fixtures.js";
import { RESULTS, launch, openPage, render, type Theme } from "./page.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

interface Host {
  moves: { seq: number; x: number[] }[];
  released: string[];
  /** How the host answers a move (default: the frame at x, at once). */
  answer: (move: { viewId: string; seq: number; x: number[] }) => Promise<void> | void;
}

interface ExploreGlobal {
  CotangentRenderer: {
    renderInto(
      e: HTMLElement,
      m: string,
      p: unknown,
      h: unknown,
      c: unknown,
    ): { ok: boolean; error?: string };
    deliverToExplorers(message: unknown): void;
    disposeElement(e: HTMLElement): void;
    exploreTimings(viewId: string): { movedAt: number; drawnAt: number }[];
  };
  __hostPost(message: unknown): Promise<void>;
}

/** A page whose renderer talks to a host in this test (through an exposed function). */
async function livePage(
  theme: Theme,
  frameAt: (x: number[]) => ExploreFrame,
): Promise<{ page: Page; host: Host }> {
  const page = await openPage(browser, theme);
  const host: Host = {
    moves: [],
    released: [],
    answer: async (move) => {
      await deliver(page, { ...move, type: "exploreFrame", payload: frameAt(move.x), ms: 0.1 });
    },
  };
  await page.exposeFunction("__hostPost", async (message: ExploreRendererMessage) => {
    if (message.type === "exploreRelease") host.released.push(message.viewId);
    else if (message.type === "exploreMove") {
      host.moves.push({ seq: message.seq, x: message.x });
      await host.answer(message);
    }
  });
  return { page, host };
}

async function deliver(page: Page, message: unknown): Promise<void> {
  await page.evaluate(
    (m) => (globalThis as unknown as ExploreGlobal).CotangentRenderer.deliverToExplorers(m),
    message,
  );
}

async function renderLive(page: Page, payload: unknown): Promise<void> {
  const result = await page.evaluate(
    ([m, p]) => {
      const g = globalThis as unknown as ExploreGlobal;
      const channel = { post: (message: unknown) => void g.__hostPost(message) };
      return g.CotangentRenderer.renderInto(
        document.getElementById("out")!,
        m,
        p,
        { post: () => undefined },
        channel,
      );
    },
    [MIME.explore, payload] as const,
  );
  expect(result).toMatchObject({ ok: true });
}

/** The x of the frame drawn last (the view's data-x), once the view has settled. */
async function drawnX(page: Page): Promise<number[]> {
  return JSON.parse((await page.getAttribute("#out .ct-explore", "data-x"))!) as number[];
}

/** Drag with the mouse from fraction `from` to `to` of the element's width (at mid-height). */
async function drag(
  page: Page,
  selector: string,
  from: [number, number],
  to: [number, number],
  steps = 25,
): Promise<void> {
  const box = (await page.locator(selector).boundingBox())!;
  const at = ([fx, fy]: [number, number]): [number, number] => [
    box.x + box.width * fx,
    box.y + box.height * fy,
  ];
  await page.mouse.move(...at(from));
  await page.mouse.down();
  for (let k = 1; k <= steps; k++) {
    const t = k / steps;
    await page.mouse.move(
      ...at([from[0] + (to[0] - from[0]) * t, from[1] + (to[1] - from[1]) * t]),
    );
  }
  await page.mouse.up();
}

/** Wait until the frame drawn last is the one of the last move sent. */
async function settled(page: Page, host: Host): Promise<void> {
  await expect
    .poll(() => page.getAttribute("#out .ct-explore", "data-x"))
    .toBe(JSON.stringify(host.moves.at(-1)?.x));
}

async function timings(page: Page, viewId: string): Promise<number[]> {
  return page.evaluate(
    (id) =>
      (globalThis as unknown as ExploreGlobal).CotangentRenderer.exploreTimings(id).map(
        (t) => t.drawnAt - t.movedAt,
      ),
    viewId,
  );
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

describe.each(["light", "dark"] as Theme[])("explore views (%s theme)", (theme) => {
  it("static without a kernel: the first frame, inputs disabled, 'Run the cell to explore'", async () => {
    const page = await openPage(browser, theme);
    for (const [name, payload] of [
      ["jacobian", jacobianExplore()],
      ["curve", curveExplore()],
      ["surface", surfaceExplore()],
    ] as const) {
      expect(await render(page, MIME.explore, payload)).toMatchObject({ ok: true });
      expect(await page.textContent("#out .ct-explore-status")).toBe("Run the cell to explore.");
      const disabled = await page.$$eval("#out .ct-slider", (s) =>
        s.map((r) => (r as HTMLInputElement).disabled),
      );
      expect(disabled.length).toBeGreaterThan(0);
      expect(disabled.every(Boolean)).toBe(true);
      await page.screenshot({
        path: `${RESULTS}/explore-${name}-static-${theme}.png`,
        fullPage: true,
      });
    }
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
    await page.close();
  });

  it("Jacobian explorer: a slider dragged with the mouse ends on the frame of its final value", async () => {
    const { page, host } = await livePage(theme, (x) => jacobianFrame(x));
    const payload = jacobianExplore(`jac-${theme}`);
    await renderLive(page, payload);
    await drag(page, '#out .ct-slider[data-index="0"]', [0.55, 0.5], [0.95, 0.5], 40);
    const final = Number(await page.inputValue('#out .ct-slider[data-index="0"]'));
    const expected = [final, -1, 2];
    await expect.poll(() => drawnX(page)).toEqual(expected);
    expect(host.moves.at(-1)!.x).toEqual(expected);
    // at most one move per input event (the press, 40 moves, the release's final value)
    expect(host.moves.length).toBeLessThanOrEqual(42);
    // the heatmap keeps the first frame's colour scale: J[0,0] = sin x + x cos x at the final x
    const j00 = Math.sin(final) + final * Math.cos(final);
    const first = payload.frame;
    if (first.kind !== "jacobian") throw new Error("a Jacobian frame was expected");
    const scale = makeColorScale(first.jacobian.stats.maxAbs);
    const pixel = await page.$eval("#out .ct-canvas-wrap canvas", (c) =>
      Array.from((c as HTMLCanvasElement).getContext("2d")!.getImageData(0, 0, 1, 1).data),
    );
    expect(pixel.slice(0, 3)).toEqual([...scale.rgb(j00)]);
    expect(await page.textContent("#out .ct-explore-value")).toContain(
      `f(x) = [${(Math.sin(final) * final).toPrecision(5).replace(/0+$/, "").replace(/\.$/, "")}`,
    );
    const t = await timings(page, payload.viewId);
    console.log(
      `jacobian explorer (${theme}): ${host.moves.length} moves, ${t.length} frames drawn, move→redraw p50 ${percentile(t, 50).toFixed(1)} ms, p95 ${percentile(t, 95).toFixed(1)} ms`,
    );
    await page.click('#out button[data-toggle="rescale"]');
    expect(await page.textContent("#out .ct-scale-note")).toContain("(this frame)");
    await page.screenshot({ path: `${RESULTS}/explore-jacobian-${theme}.png`, fullPage: true });
    await page.evaluate(() =>
      (globalThis as unknown as ExploreGlobal).CotangentRenderer.disposeElement(
        document.getElementById("out")!,
      ),
    );
    await expect.poll(() => host.released).toEqual([payload.viewId]);
    await page.close();
  });

  it("curve view: drag the point, arrow keys, f″ toggle, the tangent at the final point", async () => {
    const { page, host } = await livePage(theme, (x) => curveFrame(x[0]));
    const payload = curveExplore(`curve-${theme}`);
    await renderLive(page, payload);
    await drag(page, "#out .ct-curve canvas", [0.6, 0.5], [0.85, 0.3]);
    await settled(page, host);
    await page.focus("#out .ct-curve canvas");
    const before = Number(await page.inputValue("#out .ct-slider"));
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    // two steps of 0.01 to the right; the last frame drawn is the one of that point
    const final = Number((before + 0.02).toFixed(2));
    expect(Number(await page.inputValue("#out .ct-slider"))).toBe(final);
    await expect.poll(() => drawnX(page)).toEqual([final]);
    expect(host.moves.at(-1)!.x).toEqual([final]);
    const [x] = await drawnX(page);
    const expected = curveFrame(x);
    const readout = await page.textContent("#out .ct-curve .ct-readout");
    expect(readout).toContain(`f′ = ${Number(expected.slope.toPrecision(4))}`);
    await page.click('#out button[data-toggle="d2f"]');
    await page.mouse.move(...(await center(page, "#out .ct-curve canvas")));
    expect(await page.textContent("#out .ct-curve .ct-readout.ct-muted")).toMatch(/^at t = /);
    const t = await timings(page, payload.viewId);
    console.log(
      `curve view (${theme}): ${host.moves.length} moves, move→redraw p50 ${percentile(t, 50).toFixed(1)} ms, p95 ${percentile(t, 95).toFixed(1)} ms`,
    );
    await page.screenshot({ path: `${RESULTS}/explore-curve-${theme}.png`, fullPage: true });
    await page.close();
  });

  it("surface view: drag the point on the contour map; gradient, eigen-directions, Newton step", async () => {
    const { page, host } = await livePage(theme, (x) => surfaceFrame(x as [number, number]));
    const payload = surfaceExplore(`surface-${theme}`);
    await renderLive(page, payload);
    await drag(page, "#out .ct-surface canvas", [0.3, 0.4], [0.62, 0.55]);
    await settled(page, host);
    await page.focus("#out .ct-surface canvas");
    const [bx, by] = await drawnX(page);
    await page.keyboard.press("ArrowUp");
    // one step of 0.01 up; the last frame drawn is the one of that point
    const final = [bx, Number((by + 0.01).toFixed(2))];
    await expect.poll(() => drawnX(page)).toEqual(final);
    expect(host.moves.at(-1)!.x).toEqual(final);
    const x = (await drawnX(page)) as [number, number];
    const expected = surfaceFrame(x);
    const readout = (await page.textContent("#out .ct-surface .ct-readout"))!;
    expect(readout).toContain(`f = ${Number(expected.value.toPrecision(4))}`);
    const sliders = await page.$$eval("#out .ct-slider", (s) =>
      s.map((r) => Number((r as HTMLInputElement).value)),
    );
    expect(sliders).toEqual(x);
    console.log(
      `surface view (${theme}): ${host.moves.length} moves, final point (${x.join(", ")})`,
    );
    await page.screenshot({ path: `${RESULTS}/explore-surface-${theme}.png`, fullPage: true });
    await page.close();
  });
});

async function center(page: Page, selector: string): Promise<[number, number]> {
  const box = (await page.locator(selector).boundingBox())!;
  return [box.x + box.width / 2, box.y + box.height / 2];
}

describe("explore flow states", () => {
  it("waits for a running cell, shows an error in the view, and closes", async () => {
    const { page, host } = await livePage("light", (x) => curveFrame(x[0]));
    const payload = curveExplore("states");
    const parked: { viewId: string; seq: number; x: number[] }[] = [];
    host.answer = async (move) => {
      parked.push(move);
      await deliver(page, { type: "exploreWaiting", viewId: move.viewId, seq: move.seq });
    };
    await renderLive(page, payload);
    await page.focus("#out .ct-curve canvas");
    for (let k = 0; k < 5; k++) await page.keyboard.press("ArrowRight");
    await expect
      .poll(() => page.textContent("#out .ct-explore-status"))
      .toBe("Waiting for the running cell…");
    await page.screenshot({ path: `${RESULTS}/explore-waiting.png` });
    // the cell ends: the kernel computes only the latest move
    const last = parked.at(-1)!;
    await deliver(page, { ...last, type: "exploreFrame", payload: curveFrame(last.x[0]), ms: 1 });
    await expect.poll(() => drawnX(page)).toEqual([Number((0.5 + 5 * 0.01).toFixed(2))]);
    expect(await page.isHidden("#out .ct-explore-status")).toBe(true);
    await deliver(page, {
      type: "exploreError",
      viewId: "states",
      seq: last.seq,
      ename: "Interrupted",
      evalue: "<b>the cell</b> was stopped",
    });
    expect(await page.textContent("#out .ct-explore-status")).toBe(
      "Error: Interrupted: <b>the cell</b> was stopped",
    );
    expect(await page.$$eval("#out b", (b) => b.length)).toBe(0);
    await page.screenshot({ path: `${RESULTS}/explore-error.png` });
    await deliver(page, {
      type: "exploreFrame",
      viewId: "states",
      seq: 99,
      x: [1],
      payload: { kind: "surface" },
      ms: 0,
    });
    expect(await page.textContent("#out .ct-explore-status")).toMatch(
      /^Error: a frame could not be read \(frame.kind/,
    );
    await deliver(page, {
      type: "exploreClosed",
      viewId: "states",
      reason: "the kernel restarted",
    });
    expect(await page.textContent("#out .ct-explore-status")).toBe(
      "This view is closed: the kernel restarted. Run the cell to explore.",
    );
    expect(await page.$eval("#out .ct-slider", (s) => (s as HTMLInputElement).disabled)).toBe(true);
    await page.screenshot({ path: `${RESULTS}/explore-closed.png` });
    await page.close();
  });

  it("a bad payload shows a short message, not an exception", async () => {
    const page = await openPage(browser, "light");
    const result = await render(page, MIME.explore, { ...surfaceExplore(), x0: [1] });
    expect(result).toMatchObject({ ok: false, error: "payload.x0: has 1 numbers, expected 2" });
    expect(await page.textContent("#out .ct-error")).toContain("payload.x0");
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
    await page.close();
  });
});
