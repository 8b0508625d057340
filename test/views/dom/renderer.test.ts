// @vitest-environment happy-dom
/**
 * The renderer's DOM in happy-dom. happy-dom has no canvas, so a stand-in 2D context is installed
 * at that boundary: it keeps what putImageData drew, so pixels can still be checked.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { NAN_COLOR, makeColorScale } from "../../../kernel/shared/colorscale.js";
import { denseJacobianInput, jacobianPayload } from "../../../kernel/display/jacobian.js";
import { MIME, PAYLOAD_VERSION } from "../../../kernel/shared/payloads.js";
import { activate, renderInto } from "../../../extension/renderer/index.js";
import { XSS_LABEL, smallChain, smallJacobian, trace } from "../../browser/fixtures.js";

interface FakeContext {
  image: ImageData | null;
}

const drawn = new WeakMap<HTMLCanvasElement, FakeContext>();

/** uPlot builds its lines as Path2D objects; happy-dom has none, so every path call is ignored. */
class FakePath2D {
  constructor() {
    return new Proxy(this, { get: () => () => undefined });
  }
}

function installFakeCanvas(): void {
  (globalThis as { Path2D?: unknown }).Path2D ??= FakePath2D;
  HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement) {
    const state: FakeContext = drawn.get(this) ?? { image: null };
    drawn.set(this, state);
    const known: Record<string, unknown> = {
      createImageData: (w: number, h: number) => ({
        width: w,
        height: h,
        data: new Uint8ClampedArray(w * h * 4),
      }),
      putImageData: (image: ImageData) => {
        state.image = image;
      },
    };
    // every other drawing call (uPlot's paths, text, …) is accepted and ignored
    return new Proxy(known, {
      get: (target, name: string) => (name in target ? target[name] : () => ({ width: 0 })),
      set: (target, name: string, value) => {
        target[name] = value;
        return true;
      },
    }) as unknown as CanvasRenderingContext2D;
  } as unknown as typeof HTMLCanvasElement.prototype.getContext;
}

function pixel(canvas: HTMLCanvasElement, row: number, col: number): number[] {
  const image = drawn.get(canvas)!.image!;
  const k = (row * image.width + col) * 4;
  return Array.from(image.data.slice(k, k + 3));
}

let out: HTMLElement;
beforeEach(() => {
  installFakeCanvas();
  document.body.replaceChildren();
  out = document.createElement("div");
  document.body.append(out);
});

const heatmap = (): HTMLCanvasElement =>
  out.querySelector<HTMLCanvasElement>(".ct-canvas-wrap canvas")!;
const key = (target: Element, k: string, shiftKey = false): void => {
  target.dispatchEvent(new KeyboardEvent("keydown", { key: k, shiftKey, bubbles: true }));
};

describe("Jacobian view", () => {
  it("draws one pixel per cell on the diverging scale", () => {
    expect(renderInto(out, MIME.jacobian, smallJacobian()).ok).toBe(true);
    const scale = makeColorScale(4);
    expect(pixel(heatmap(), 0, 0)).toEqual([...scale.rgb(4)]);
    expect(pixel(heatmap(), 2, 1)).toEqual([...scale.rgb(3)]);
    expect([heatmap().width, heatmap().height]).toEqual([4, 3]);
  });

  it("shows labels and the title as text, never as markup", () => {
    renderInto(out, MIME.jacobian, smallJacobian());
    expect(out.querySelectorAll("img")).toHaveLength(0);
    const labels = [...out.querySelectorAll(".ct-rowlabels .ct-label")].map((l) =>
      l.getAttribute("title"),
    );
    expect(labels).toEqual(["loss", "penalty", XSS_LABEL]);
    expect(out.querySelector(".ct-title")!.textContent).toBe("∂(loss terms)/∂(params)");
    expect(out.querySelector(".ct-summary")!.textContent).toContain("nnz 11 of 12");
  });

  it("moves a cursor with the arrow keys and selects a row (Enter) or column (Shift+Enter)", () => {
    renderInto(out, MIME.jacobian, smallJacobian());
    key(heatmap(), "ArrowDown");
    key(heatmap(), "ArrowDown");
    key(heatmap(), "ArrowRight");
    expect(out.querySelector(".ct-readout")!.textContent).toBe(`∂${XSS_LABEL}/∂b = 3`);
    key(heatmap(), "Enter");
    expect(out.querySelector(".ct-caption")!.textContent).toBe(
      `Row 2 of J = vjp(f, e2) = ∇${XSS_LABEL}: how ${XSS_LABEL} changes with each input.`,
    );
    key(heatmap(), "Enter", true);
    expect(out.querySelector(".ct-caption")!.textContent).toContain("Column 1 of J = jvp(f, e1)");
  });

  it("copies CSV, LaTeX and JSON to the clipboard", async () => {
    const writeText = vi.fn((_text: string) => Promise.resolve());
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    const posted: unknown[] = [];
    renderInto(out, MIME.jacobian, smallJacobian(), { post: (m) => posted.push(m) });
    out.querySelector<HTMLButtonElement>('button[data-copy="CSV"]')!.click();
    out.querySelector<HTMLButtonElement>('button[data-copy="LaTeX"]')!.click();
    await vi.waitFor(() => expect(writeText).toHaveBeenCalledTimes(2));
    expect(writeText.mock.calls[0][0]).toMatch(/^,w,b,scale,shift\nloss,4,-1,0.5,2\n/);
    expect(writeText.mock.calls[1][0]).toMatch(/^\\begin\{bmatrix\}/);
    await vi.waitFor(() =>
      expect(posted).toContainEqual({
        type: "copied",
        format: "LaTeX",
        length: expect.any(Number) as number,
      }),
    );
  });

  it("draws a Jacobian with NaN entries after a JSON round trip, saying how many", () => {
    const input = denseJacobianInput(Float64Array.from([1, NaN, 0, 2]), [2], [2], {
      singularValues: () => [2, 0],
    });
    const payload = JSON.parse(JSON.stringify(jacobianPayload(input))) as unknown;
    expect(renderInto(out, MIME.jacobian, payload).ok).toBe(true);
    const summary = out.querySelector(".ct-summary")!.textContent;
    expect(summary).toContain("NaN/∞ 1 entries");
    expect(summary).toContain("cond ∞");
    expect(pixel(heatmap(), 0, 1)).toEqual([...NAN_COLOR]);
    expect(pixel(heatmap(), 1, 1)).toEqual([...makeColorScale(2).rgb(2)]);
  });

  it("switches colour modes and toggles the numeric table", () => {
    renderInto(out, MIME.jacobian, smallJacobian());
    out.querySelector<HTMLButtonElement>('button[data-mode="sparsity"]')!.click();
    expect(out.querySelector('button[data-mode="sparsity"]')!.getAttribute("aria-pressed")).toBe(
      "true",
    );
    expect(out.querySelector('button[data-mode="linear"]')!.getAttribute("aria-pressed")).toBe(
      "false",
    );
    expect(pixel(heatmap(), 1, 2)).toEqual([...makeColorScale(1, "sparsity").rgb(0)]);
    out.querySelector<HTMLButtonElement>('button[data-toggle="table"]')!.click();
    expect(out.querySelectorAll(".ct-table tbody tr")).toHaveLength(3);
  });
});

describe("chain view", () => {
  it("draws the stages, the cotangents and expands a stage's Jacobian", () => {
    expect(renderInto(out, MIME.chain, smallChain()).ok).toBe(true);
    expect(out.querySelectorAll(".ct-stage")).toHaveLength(3);
    expect(out.querySelector(".ct-equation")!.textContent).toMatch(/^Jᵀv = J₁ᵀ J₂ᵀ J₃ᵀ v = \[/);
    const mini = out.querySelectorAll<HTMLCanvasElement>(".ct-mini")[1];
    key(mini, "Enter");
    expect(out.querySelector(".ct-expanded .ct-caption")!.textContent).toBe(
      "J₂ = ∂tanh/∂input (2 × 2)",
    );
    key(mini, "Enter");
    expect(out.querySelector(".ct-expanded")!.childElementCount).toBe(0);
  });
});

describe("chain view strings", () => {
  it("shows stage names and the title with markup as text", () => {
    const payload = smallChain();
    payload.stages[2].name = XSS_LABEL;
    payload.title = XSS_LABEL;
    expect(renderInto(out, MIME.chain, payload).ok).toBe(true);
    expect(out.querySelectorAll("img")).toHaveLength(0);
    expect(out.querySelector(".ct-title")!.textContent).toBe(XSS_LABEL);
    expect(out.querySelectorAll(".ct-stage h4")[2].textContent).toBe(`${XSS_LABEL} (f₃)`);
  });
});

describe("trace view", () => {
  it("starts empty and updates in place, keeping its element and log setting", () => {
    expect(renderInto(out, MIME.trace, trace(0, "live")).ok).toBe(true);
    const first = out.querySelector(".ct-trace");
    expect(out.querySelector(".ct-toolbar .ct-muted")!.textContent).toBe("0 steps");
    out.querySelector<HTMLButtonElement>('button[data-toggle="log"]')!.click();
    expect(renderInto(out, MIME.trace, trace(50, "live")).ok).toBe(true);
    expect(out.querySelector(".ct-trace")).toBe(first);
    expect(out.querySelector(".ct-toolbar .ct-muted")!.textContent).toBe("50 steps");
    expect(out.querySelector('button[data-toggle="log"]')!.getAttribute("aria-pressed")).toBe(
      "true",
    );
  });
});

describe("errors and the VS Code entry point", () => {
  it.each([
    ["unknown version", { ...smallJacobian(), version: PAYLOAD_VERSION + 1 }, "unknown version"],
    ["missing values", { ...smallJacobian(), values: undefined }, "payload.values"],
    ["null", null, "must be a JSON object"],
  ])("shows %s as a short error inside the output", (_what, payload, message) => {
    const result = renderInto(out, MIME.jacobian, payload);
    expect(result.ok).toBe(false);
    expect(out.querySelector(".ct-error")!.textContent).toContain(message);
  });

  it("posts rendered after drawing and error for a bad payload", () => {
    const messages: Record<string, unknown>[] = [];
    const api = activate({ postMessage: (m) => messages.push(m as Record<string, unknown>) });
    const item = (id: string, mime: string, value: unknown) => ({
      id,
      mime,
      json: () => value,
      text: () => JSON.stringify(value),
    });
    api.renderOutputItem(item("a", MIME.jacobian, smallJacobian()), out);
    const second = document.createElement("div");
    api.renderOutputItem(item("b", MIME.chain, { version: 7 }), second);
    expect(messages).toContainEqual(
      expect.objectContaining({
        type: "rendered",
        mime: MIME.jacobian,
        outputId: "a",
        view: "jacobian",
        rows: 3,
        cols: 4,
      }),
    );
    expect(messages).toContainEqual(
      expect.objectContaining({ type: "error", mime: MIME.chain, outputId: "b" }),
    );
    expect(second.textContent).toContain("unknown version 7");
    api.disposeOutputItem("a");
    api.disposeOutputItem();
  });

  it("keeps a live trace when an older output of the same element is disposed after an update", () => {
    const api = activate({});
    const item = (id: string, steps: number) => ({
      id,
      mime: MIME.trace,
      json: () => trace(steps),
      text: () => "",
    });
    api.renderOutputItem(item("old", 10), out);
    api.renderOutputItem(item("new", 20), out);
    expect(out.querySelectorAll(".uplot")).toHaveLength(1);
    api.disposeOutputItem("old");
    expect(out.querySelectorAll(".uplot")).toHaveLength(1);
    api.disposeOutputItem("new");
    expect(out.querySelectorAll(".uplot")).toHaveLength(0);
  });

  it("works without messaging (ctx.postMessage absent)", () => {
    const api = activate({});
    api.renderOutputItem(
      { id: "c", mime: MIME.jacobian, json: () => smallJacobian(), text: () => "" },
      out,
    );
    expect(out.querySelector(".ct-jacobian")).not.toBeNull();
  });
});
