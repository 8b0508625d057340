// @vitest-environment happy-dom
/**
 * The explore views' DOM in happy-dom, through the VS Code renderer API (`activate` with a
 * context whose messaging the test plays): sliders and keys post moves, frames from the host
 * redraw the view, the states show in its status line, disposing the output releases the view.
 * happy-dom has no canvas: a stand-in 2D context keeps what putImageData drew.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { makeColorScale } from "../../../kernel/shared/colorscale.js";
import { MIME, type ExplorePayload } from "../../../kernel/shared/payloads.js";
import {
  activate,
  deliverToElement,
  exploreState,
  renderInto,
  type CotangentRendererApi,
} from "../../../extension/renderer/index.js";
import { XSS_LABEL } from "../../browser/fixtures.js";
import {
  curveExplore,
  curveFrame,
  jacobianExplore,
  jacobianFrame,
  surfaceExplore,
  surfaceFrame,
} from "../../browser/explore-fixtures.js";

const images = new WeakMap<HTMLCanvasElement, ImageData>();

function installFakeCanvas(): void {
  HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement) {
    const known: Record<string, unknown> = {
      createImageData: (w: number, h: number) => ({
        width: w,
        height: h,
        data: new Uint8ClampedArray(w * h * 4),
      }),
      putImageData: (image: ImageData) => images.set(this, image),
    };
    return new Proxy(known, {
      get: (target, name: string) => (name in target ? target[name] : () => undefined),
      set: () => true,
    }) as unknown as CanvasRenderingContext2D;
  } as unknown as typeof HTMLCanvasElement.prototype.getContext;
}

interface Harness {
  api: CotangentRendererApi;
  posted: Record<string, unknown>[];
  host: (message: unknown) => void;
  out: HTMLElement;
}

/**
 * The renderer through `activate`, with a host that answers each view's `exploreAttach` as the
 * extension host does for a view its kernel showed ("attached"), or leaves it unanswered.
 */
function harness(
  payload: ExplorePayload,
  id = "out-1",
  attach: "attached" | "none" = "attached",
): Harness {
  const posted: Record<string, unknown>[] = [];
  let listener: (message: unknown) => void = () => undefined;
  const api = activate({
    postMessage: (m) => posted.push(m as Record<string, unknown>),
    onDidReceiveMessage: (l) => {
      listener = l;
      return { dispose: () => undefined };
    },
  });
  const out = document.createElement("div");
  document.body.append(out);
  api.renderOutputItem(
    { id, mime: MIME.explore, json: () => payload, text: () => JSON.stringify(payload) },
    out,
  );
  if (attach === "attached") {
    for (const m of posted.filter((m) => m["type"] === "exploreAttach"))
      listener({ type: "exploreAttached", viewId: m["viewId"] });
  }
  return { api, posted, host: (m) => listener(m), out };
}

const nextFrame = (): Promise<void> =>
  new Promise((resolve) => requestAnimationFrame(() => resolve()));
const moves = (h: Harness) => h.posted.filter((m) => m["type"] === "exploreMove");
const status = (out: HTMLElement): string =>
  out.querySelector(".ct-explore-status")!.textContent ?? "";
const key = (target: Element, k: string): void => {
  target.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
};

beforeEach(() => {
  installFakeCanvas();
  document.body.replaceChildren();
});

describe("explore views (happy-dom)", () => {
  it("mount with inputs disabled and ask the host whether the kernel knows the view", () => {
    const h = harness(curveExplore(), "out-a", "none");
    const viewId = curveExplore().viewId;
    expect(h.posted).toContainEqual({ type: "exploreAttach", viewId });
    const sliders = [...h.out.querySelectorAll<HTMLInputElement>(".ct-slider")];
    expect(sliders.every((s) => s.disabled)).toBe(true);
    expect(status(h.out)).toBe("Connecting to the kernel…");
    h.host({ type: "exploreAttached", viewId });
    expect(sliders.every((s) => !s.disabled)).toBe(true);
    expect(h.out.querySelector(".ct-explore")!.getAttribute("data-state")).toBe("live");
  });

  it("a stale view (a reopened notebook) is disabled from the start and says run the cell", () => {
    const h = harness(surfaceExplore(), "out-b", "none");
    const viewId = surfaceExplore().viewId;
    const reason = "the kernel is not running: run the cell to explore";
    h.host({ type: "exploreClosed", viewId, reason });
    const sliders = [...h.out.querySelectorAll<HTMLInputElement>(".ct-slider")];
    expect(sliders.every((s) => s.disabled)).toBe(true);
    expect(status(h.out)).toMatch(/run the cell to explore/i);
    expect(h.out.querySelector(".ct-explore")!.getAttribute("data-state")).toBe("closed");
    expect(h.posted.filter((m) => m["type"] === "exploreMove")).toEqual([]);
  });

  it("draw statically without messaging: inputs disabled, 'Run the cell to explore.'", () => {
    for (const payload of [jacobianExplore(), curveExplore(), surfaceExplore()]) {
      const out = document.createElement("div");
      expect(renderInto(out, MIME.explore, payload)).toMatchObject({ ok: true });
      expect(status(out)).toBe("Run the cell to explore.");
      const sliders = [...out.querySelectorAll<HTMLInputElement>(".ct-slider")];
      expect(sliders).toHaveLength(payload.inputs.length);
      expect(sliders.every((s) => s.disabled)).toBe(true);
      expect(out.querySelector(".ct-explore")!.getAttribute("data-state")).toBe("static");
    }
  });

  it("shows labels, titles and notes as text", () => {
    const payload = jacobianExplore();
    payload.title = XSS_LABEL;
    payload.notes = [XSS_LABEL];
    payload.inputs[0].label = XSS_LABEL;
    if (payload.frame.kind === "jacobian") payload.frame.jacobian.title = XSS_LABEL;
    const out = document.createElement("div");
    renderInto(out, MIME.explore, payload);
    expect(out.querySelectorAll("img")).toHaveLength(0);
    expect(out.querySelectorAll(".ct-title")).toHaveLength(1); // the title once, above
    expect(out.querySelector(".ct-title")!.textContent).toBe(XSS_LABEL);
    expect(out.querySelector(".ct-note")!.textContent).toBe(XSS_LABEL);
    expect(out.querySelector(".ct-slider")!.getAttribute("aria-label")).toBe(XSS_LABEL);
  });

  it("Jacobian explorer: a slider posts a move, the frame redraws on the fixed colour scale", async () => {
    const payload = jacobianExplore("j1");
    const h = harness(payload);
    const range = h.out.querySelector<HTMLInputElement>('.ct-slider[data-index="0"]')!;
    range.value = "2.5";
    range.dispatchEvent(new Event("input"));
    range.dispatchEvent(new Event("change"));
    await nextFrame();
    expect(moves(h)).toEqual([{ type: "exploreMove", viewId: "j1", seq: 1, x: [2.5, -1, 2] }]);
    h.host({
      type: "exploreFrame",
      viewId: "j1",
      seq: 1,
      x: [2.5, -1, 2],
      payload: jacobianFrame([2.5, -1, 2]),
      ms: 1,
    });
    expect(h.out.querySelector(".ct-explore")!.getAttribute("data-x")).toBe("[2.5,-1,2]");
    expect(exploreState("j1")).toMatchObject({
      state: "live",
      sent: 1,
      frame: { x: [2.5, -1, 2] },
    });
    expect(h.out.querySelector(".ct-explore-value")!.textContent).toBe(
      `f(x) = [${[2.5 * Math.sin(2.5), Math.sin(-1) * -1, 2 * Math.sin(2)].map((v) => Number(v.toPrecision(5))).join(", ")}]`,
    );
    const first = payload.frame.kind === "jacobian" ? payload.frame.jacobian.stats.maxAbs : NaN;
    const j00 = Math.sin(2.5) + 2.5 * Math.cos(2.5);
    const canvas = h.out.querySelector<HTMLCanvasElement>(".ct-canvas-wrap canvas")!;
    const pixel = (): number[] => Array.from(images.get(canvas)!.data.slice(0, 3));
    expect(pixel()).toEqual([...makeColorScale(first).rgb(j00)]);
    expect(h.out.querySelector(".ct-scale-note")!.textContent).toContain("saturates");
    h.out.querySelector<HTMLButtonElement>('button[data-toggle="rescale"]')!.click();
    const own = Math.max(
      Math.abs(j00),
      Math.abs(Math.sin(-1) - Math.cos(-1)),
      Math.abs(Math.sin(2) + 2 * Math.cos(2)),
    );
    expect(pixel()).toEqual([...makeColorScale(own).rgb(j00)]);
    expect(h.out.querySelectorAll(".ct-sigma")).toHaveLength(3);
  });

  it("curve view: the arrow keys move the point by its step; the frame's read-out", async () => {
    const h = harness(curveExplore("c1"));
    const canvas = h.out.querySelector<HTMLCanvasElement>(".ct-curve canvas")!;
    key(canvas, "ArrowRight");
    key(canvas, "ArrowRight");
    await nextFrame();
    expect(moves(h)).toEqual([{ type: "exploreMove", viewId: "c1", seq: 1, x: [0.52] }]);
    h.host({
      type: "exploreFrame",
      viewId: "c1",
      seq: 1,
      x: [0.52],
      payload: curveFrame(0.52),
      ms: 1,
    });
    const f = curveFrame(0.52);
    expect(h.out.querySelector(".ct-curve .ct-readout")!.textContent).toBe(
      `t = 0.52   f = ${Number(f.value.toPrecision(4))}   f′ = ${Number(f.slope.toPrecision(4))}   f″ = ${Number(f.second.toPrecision(4))}`,
    );
    expect(h.out.querySelector<HTMLInputElement>(".ct-slider")!.value).toBe("0.52");
  });

  it("surface view: up and left move y and x; the status shows waiting, errors and closing", async () => {
    const h = harness(surfaceExplore("s1"));
    const canvas = h.out.querySelector<HTMLCanvasElement>(".ct-surface canvas")!;
    key(canvas, "ArrowUp");
    key(canvas, "ArrowLeft");
    await nextFrame();
    expect(moves(h)).toEqual([{ type: "exploreMove", viewId: "s1", seq: 1, x: [-1.21, 1.01] }]);
    h.host({ type: "exploreWaiting", viewId: "s1", seq: 1 });
    expect(status(h.out)).toBe("Waiting for the running cell…");
    h.host({
      type: "exploreFrame",
      viewId: "s1",
      seq: 1,
      x: [-1.21, 1.01],
      payload: surfaceFrame([-1.21, 1.01]),
      ms: 2,
    });
    expect(h.out.querySelector<HTMLElement>(".ct-explore-status")!.hidden).toBe(true);
    expect(h.out.querySelector(".ct-surface .ct-readout")!.textContent).toMatch(
      /^x = \(-1\.21, 1\.01\)/,
    );
    h.host({ type: "exploreError", viewId: "s1", seq: 1, ename: "Interrupted", evalue: "stopped" });
    expect(status(h.out)).toBe("Error: Interrupted: stopped");
    h.host({ type: "exploreFrame", viewId: "s1", seq: "x" });
    expect(status(h.out)).toMatch(
      /^Error: a message from the host could not be read \(message.seq/,
    );
    h.host({ type: "exploreClosed", viewId: "s1", reason: "released: 64 views are live" });
    expect(status(h.out)).toBe(
      "This view is closed: released: 64 views are live. Run the cell to explore.",
    );
    expect(h.out.querySelector<HTMLInputElement>(".ct-slider")!.disabled).toBe(true);
    const other = harness(surfaceExplore("s2"), "out-s2");
    other.host({
      type: "exploreClosed",
      viewId: "s2",
      reason: "the kernel is not running: run the cell to explore",
    });
    expect(status(other.out)).toBe(
      "This view is closed: the kernel is not running: run the cell to explore.",
    );
  });

  it("deliverToElement hands a host message to that element's view only (one transport per output)", () => {
    const sent: unknown[] = [];
    const channel = { post: (m: unknown) => sent.push(m) };
    const [a, b] = [document.createElement("div"), document.createElement("div")];
    document.body.append(a, b);
    renderInto(a, MIME.explore, jacobianExplore("same"), undefined, channel);
    renderInto(b, MIME.explore, jacobianExplore("same"), undefined, channel);
    const frame = {
      type: "exploreFrame",
      viewId: "same",
      seq: 1,
      x: [1, -1, 2],
      payload: jacobianFrame([1, -1, 2]),
      ms: 1,
    };
    deliverToElement(a, frame);
    expect(a.querySelector(".ct-explore")!.getAttribute("data-x")).toBe("[1,-1,2]");
    expect(b.querySelector(".ct-explore")!.getAttribute("data-x")).not.toBe("[1,-1,2]");
    deliverToElement(b, { type: "exploreClosed", viewId: "same", reason: "gone" });
    expect(status(b)).toContain("gone");
    expect(status(a)).not.toContain("gone");
  });

  it("releases the view when its output is disposed, and not for another view's output", async () => {
    const h = harness(curveExplore("c2"), "out-a");
    h.api.disposeOutputItem("unrelated");
    expect(h.posted.filter((m) => m["type"] === "exploreRelease")).toEqual([]);
    h.api.disposeOutputItem("out-a");
    expect(h.posted.filter((m) => m["type"] === "exploreRelease")).toEqual([
      { type: "exploreRelease", viewId: "c2" },
    ]);
    // a released view is deaf to its old frames
    h.host({ type: "exploreFrame", viewId: "c2", seq: 1, x: [1], payload: curveFrame(1), ms: 1 });
    await nextFrame();
    expect(moves(h)).toEqual([]);
  });

  it("an output drawn again into a new element takes its live view along", async () => {
    const payload = curveExplore("c4");
    const h = harness(payload, "out-c");
    const canvas = h.out.querySelector<HTMLCanvasElement>(".ct-curve canvas")!;
    key(canvas, "ArrowRight");
    await nextFrame();
    const moved = document.createElement("div");
    document.body.append(moved);
    h.api.renderOutputItem(
      { id: "out-c", mime: MIME.explore, json: () => payload, text: () => "" },
      moved,
    );
    expect(moved.querySelector(".ct-curve canvas")).toBe(canvas);
    expect(exploreState("c4")).toMatchObject({ views: 1, sent: 1 });
    h.host({
      type: "exploreFrame",
      viewId: "c4",
      seq: 1,
      x: [0.51],
      payload: curveFrame(0.51),
      ms: 1,
    });
    expect(moved.querySelector(".ct-explore")!.getAttribute("data-x")).toBe("[0.51]");
    expect(h.posted.filter((m) => m["type"] === "exploreRelease")).toEqual([]);
    h.api.disposeOutputItem("out-c");
    expect(h.posted.filter((m) => m["type"] === "exploreRelease")).toHaveLength(1);
  });

  it("the same output rendered again keeps its view (no release, no second view)", () => {
    const payload = curveExplore("c3");
    const h = harness(payload, "out-b");
    const view = h.out.querySelector(".ct-explore");
    h.api.renderOutputItem(
      { id: "out-b", mime: MIME.explore, json: () => payload, text: () => "" },
      h.out,
    );
    expect(h.out.querySelector(".ct-explore")).toBe(view);
    expect(h.posted.filter((m) => m["type"] === "exploreRelease")).toEqual([]);
    expect(h.posted.filter((m) => m["type"] === "rendered")).toHaveLength(2);
  });
});
