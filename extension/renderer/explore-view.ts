/**
 * The explore view's shell: title, notes, a status line, one slider per ExploreInput and the
 * frame view of its kind (Jacobian, curve, surface). Moves of the sliders or of the point on the
 * canvas go through the flow (explore-flow.ts) to the host; the host's messages come back through
 * `receive`. Without a channel (a saved notebook without a kernel, the HTML report) the view
 * draws its first frame with the inputs disabled.
 */
import { formatNumber } from "../../kernel/shared/format.js";
import type {
  ExploreFrame,
  ExploreHostMessage,
  ExploreInput,
  ExplorePayload,
  ExploreRendererMessage,
} from "../../kernel/shared/payloads.js";
import { validateExploreFrame, validateHostMessage } from "../../kernel/shared/validate.js";
import { createCurveView } from "./curve-view.js";
import { el } from "./dom.js";
import { createExploreFlow, type ExploreFlow, type FlowState } from "./explore-flow.js";
import { createJacobianExplorer } from "./explore-jacobian.js";
import type { FrameView, MoveHandler } from "./frame-view.js";
import type { ViewHooks } from "./jacobian-view.js";
import { createSurfaceView } from "./surface-view.js";

/** The way to the extension host (VS Code: ctx.postMessage); null when there is none. */
export interface ExploreChannel {
  post(message: ExploreRendererMessage): void;
  /**
   * The host answers `exploreAttach` (VS Code): the view mounts with its inputs disabled and
   * comes alive on `exploreAttached`. Without it, a channel's view starts live.
   */
  attach?: boolean;
}

export interface ExploreHandle {
  readonly viewId: string;
  readonly element: HTMLElement;
  readonly flow: ExploreFlow<ExploreFrame>;
  /** The frame drawn last (the first frame until a move is answered). */
  readonly frame: ExploreFrame;
  /** Every state the view has shown, from its first (tests check a stale view never was live). */
  readonly states: readonly FlowState[];
  /** A message from the host (checked here: a bad one shows in the status line). */
  receive(message: unknown): void;
  /** The output is gone: tell the host once. */
  release(): void;
  /** The `traceId` of the live trace drawn as the path (surface view), if any. */
  readonly pathTrace: string | undefined;
  /** Draw a newer state of that path. */
  setPath(path: [number, number][]): void;
}

export const STATIC_TEXT = "Run the cell to explore.";

const VIEW_NAMES = { jacobian: "Jacobian", curve: "curve", surface: "surface" } as const;

function frameView(
  payload: ExplorePayload,
  hooks: ViewHooks,
  onMove: MoveHandler,
  position: () => readonly number[],
): FrameView<ExploreFrame> {
  const { frame } = payload;
  const data = payload.static;
  if (frame.kind === "curve" && data?.kind === "curve")
    return createCurveView(data, payload.inputs, frame, onMove, position);
  if (frame.kind === "surface" && data?.kind === "surface")
    return createSurfaceView(data, payload.inputs, frame, onMove, position);
  if (frame.kind === "jacobian") return createJacobianExplorer(frame, hooks);
  throw new Error(`the ${payload.view} view has no ${frame.kind} frame`);
}

interface Slider {
  input: ExploreInput;
  range: HTMLInputElement;
  output: HTMLOutputElement;
}

function slider(input: ExploreInput, value: number): Slider {
  const range = el("input", {
    type: "range",
    class: "ct-slider",
    min: input.min,
    max: input.max,
    step: input.step,
    "aria-label": input.label,
    "data-index": input.index,
  });
  range.value = String(value);
  const output = el("output", { class: "ct-slider-value ct-mono" }, formatNumber(value, 5));
  return { input, range, output };
}

function statusText(state: FlowState, detail: string): string {
  if (state === "static") return STATIC_TEXT;
  if (state === "attaching") return "Connecting to the kernel…";
  if (state === "waiting") return "Waiting for the running cell…";
  if (state === "error") return `Error: ${detail}`;
  if (state === "closed") {
    // the host's reason may already say what to do ("…: run the cell to explore")
    const reason = detail.replace(/\.$/, "");
    return `This view is closed: ${reason}.${/run the cell/i.test(reason) ? "" : ` ${STATIC_TEXT}`}`;
  }
  return "";
}

/** Inputs move only in a view the kernel knows (not before it answered, not once closed). */
function inputsEnabled(state: FlowState): boolean {
  return state !== "static" && state !== "closed" && state !== "attaching";
}

class ExploreShell implements ExploreHandle {
  readonly element = el("div", { class: "ct-view ct-explore" });
  readonly flow: ExploreFlow<ExploreFrame>;
  private readonly status = el("div", {
    class: "ct-explore-status",
    role: "status",
    "aria-live": "polite",
  });
  private readonly sliders: Slider[];
  private readonly view: FrameView<ExploreFrame>;
  private current: number[];
  frame: ExploreFrame;
  readonly states: FlowState[] = [];

  constructor(
    private readonly payload: ExplorePayload,
    hooks: ViewHooks,
    channel: ExploreChannel | null,
  ) {
    this.current = [...payload.x0];
    this.frame = payload.frame;
    const messaging = channel && {
      send: (m: ExploreRendererMessage) => channel.post(m),
      schedule: (callback: () => void) => void requestAnimationFrame(() => callback()),
      now: () => performance.now(),
      attach: channel.attach === true,
    };
    this.flow = createExploreFlow<ExploreFrame>(payload.viewId, payload.x0, messaging, {
      draw: (frame, seq) => this.drawFrame(frame, seq),
      state: (state, detail) => this.showState(state, detail),
    });
    this.sliders = payload.inputs.map((input) =>
      slider(input, payload.x0[input.index] ?? input.min),
    );
    this.view = frameView(
      payload,
      hooks,
      (x, final) => this.moveTo(x, final),
      () => this.current,
    );
    this.assemble();
    this.element.dataset["viewId"] = payload.viewId;
    this.element.dataset["seq"] = "0";
    this.element.dataset["x"] = JSON.stringify(payload.frame.x);
    this.showState(this.flow.state, "");
  }

  get viewId(): string {
    return this.payload.viewId;
  }

  get pathTrace(): string | undefined {
    const data = this.payload.static;
    return data?.kind === "surface" ? data.pathTrace : undefined;
  }

  setPath(path: [number, number][]): void {
    this.view.setPath?.(path);
  }

  private assemble(): void {
    const { payload } = this;
    const kind = `Explore (${VIEW_NAMES[payload.view]}): f: ℝ${sup(payload.n)} → ℝ${sup(payload.m)}`;
    if (payload.title) this.element.append(el("div", { class: "ct-title" }, payload.title));
    this.element.append(el("div", { class: "ct-muted" }, kind));
    for (const note of payload.notes ?? [])
      this.element.append(el("div", { class: "ct-note", role: "note" }, note));
    const panel = el("div", { class: "ct-sliders" });
    for (const s of this.sliders) {
      s.range.addEventListener("input", () => this.slide(s, false));
      s.range.addEventListener("change", () => this.slide(s, true));
      panel.append(
        el(
          "label",
          { class: "ct-slider-row" },
          el("span", { class: "ct-slider-label" }, s.input.label),
          s.range,
          s.output,
        ),
      );
    }
    this.element.append(this.status, panel, this.view.element);
  }

  private slide(s: Slider, final: boolean): void {
    const x = [...this.current];
    x[s.input.index] = Number(s.range.value);
    this.moveTo(x, final);
  }

  private moveTo(x: number[], final: boolean): void {
    if (!inputsEnabled(this.flow.state)) return;
    this.current = [...x];
    for (const s of this.sliders) {
      const v = x[s.input.index] ?? NaN;
      if (Number(s.range.value) !== v) s.range.value = String(v);
      s.output.textContent = formatNumber(v, 5);
    }
    this.flow.move(x, final);
  }

  private drawFrame(frame: ExploreFrame, seq: number): void {
    this.frame = frame;
    this.view.draw(frame);
    this.element.dataset["seq"] = String(seq);
    this.element.dataset["x"] = JSON.stringify(frame.x);
  }

  private showState(state: FlowState, detail: string): void {
    if (this.states.at(-1) !== state) this.states.push(state);
    this.element.dataset["state"] = state;
    this.status.textContent = statusText(state, detail);
    this.status.classList.toggle("ct-error", state === "error");
    this.status.hidden = state === "live";
    const enabled = inputsEnabled(state);
    for (const s of this.sliders) s.range.disabled = !enabled;
    this.view.setEnabled(enabled);
  }

  receive(message: unknown): void {
    const checked = validateHostMessage(message);
    if (!checked.ok) {
      this.showState("error", `a message from the host could not be read (${checked.error})`);
      return;
    }
    const m: ExploreHostMessage = checked.payload;
    if (m.type !== "exploreFrame") return this.flow.receive(m, undefined);
    const frame = validateExploreFrame(m.payload, this.payload);
    this.flow.receive(m, frame.ok ? frame.payload : frame.error);
  }

  release(): void {
    this.flow.release();
  }
}

const SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹";
function sup(n: number): string {
  return n === 1 ? "" : [...String(n)].map((d) => SUPERSCRIPTS[Number(d)]).join("");
}

/** Draw an explore payload into `root`; live when `channel` is given, static otherwise. */
export function mountExplore(
  root: HTMLElement,
  payload: ExplorePayload,
  hooks: ViewHooks,
  channel: ExploreChannel | null,
): ExploreHandle {
  const shell = new ExploreShell(payload, hooks, channel);
  root.replaceChildren(shell.element);
  return shell;
}
