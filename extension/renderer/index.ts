/**
 * Cotangent's notebook renderer: draws the Jacobian, chain and trace payloads.
 *
 * In VS Code: `activate(ctx)` per the notebook renderer API (contributes.notebookRenderer, entry
 * dist/renderer/index.js). After drawing, it posts `{ type: "rendered", mime, outputId, ... }`
 * through `ctx.postMessage` when messaging is available.
 *
 * Explore views talk to the extension host through the same messaging: moves go out with
 * `ctx.postMessage`, frames come back through `ctx.onDidReceiveMessage`, addressed by `viewId`;
 * a view mounts with its inputs disabled and asks whether the kernel knows it (`exploreAttach`),
 * so a view of a reopened notebook says "run the cell" from the start; it is released when its
 * output is disposed.
 *
 * Standalone (the HTML report, test pages): `renderInto(element, mime, payload)` draws one
 * payload into an element (an explore view statically, unless a channel is given). When the bundle is loaded as a plain script (inlined), the same
 * function is reachable as `globalThis.CotangentRenderer.renderInto`.
 */
import type {
  ActivationFunction,
  OutputItem,
  RendererApi,
  RendererContext,
} from "vscode-notebook-renderer";
import {
  MIME,
  PAYLOAD_VERSION,
  type CotangentMime,
  type CotangentPayload,
  type ExploreFrame,
  type ExplorePayload,
  type TracePayload,
  decodeArray,
} from "../../kernel/shared/payloads.js";
import { validatePayload } from "../../kernel/shared/validate.js";
import { renderChain } from "./chain-view.js";
import { renderBatchedJacobian } from "./batch-view.js";
import { el } from "./dom.js";
import type { MoveTiming } from "./explore-flow.js";
import { mountExplore, type ExploreChannel, type ExploreHandle } from "./explore-view.js";
import { renderJacobian, type ViewHooks } from "./jacobian-view.js";
import { ensureStyles } from "./styles.js";
import { createTraceView, type TraceView } from "./trace-view.js";

export { MIME, PAYLOAD_VERSION };

/** What renderInto reports: whether it drew, and for heatmaps how long drawing took. */
export interface RenderResult {
  ok: boolean;
  error?: string;
  /** Milliseconds from payload to pixels (decode, validate, build, draw). */
  ms: number;
  /** What was drawn: the view and its size (for the host's tests and logs). */
  info?: Record<string, number | string | boolean>;
}

interface Mounted {
  mime: string;
  trace?: TraceView;
  explore?: ExploreHandle;
}

const mounted = new WeakMap<HTMLElement, Mounted>();
/** Surface views whose path is a live trace, by the trace's id; the latest path of each trace. */
const pathViews = new Map<string, Set<ExploreHandle>>();
const latestPaths = new Map<string, [number, number][]>();

/** The [x, y] points of a trace's series named x and y (in step order), or undefined. */
function tracePath(payload: TracePayload): [number, number][] | undefined {
  const xs = payload.series.find((s) => s.name === "x");
  const ys = payload.series.find((s) => s.name === "y");
  if (!xs || !ys) return undefined;
  const [x, y] = [decodeArray(xs.values), decodeArray(ys.values)];
  const points: [number, number][] = [];
  for (let i = 0; i < Math.min(x.length, y.length); i++)
    if (Number.isFinite(x[i]) && Number.isFinite(y[i])) points.push([x[i], y[i]]);
  return points;
}

/** A trace was drawn: the surface views that follow it draw its newest path. */
function followTrace(payload: TracePayload): void {
  if (payload.traceId === undefined) return;
  const path = tracePath(payload);
  if (!path) return;
  latestPaths.set(payload.traceId, path);
  for (const handle of pathViews.get(payload.traceId) ?? []) handle.setPath(path);
}

/** A surface view whose path is a live trace: follow it, from its newest state seen so far. */
function followPath(handle: ExploreHandle): void {
  const id = handle.pathTrace;
  if (id === undefined) return;
  const set = pathViews.get(id) ?? new Set<ExploreHandle>();
  set.add(handle);
  pathViews.set(id, set);
  const latest = latestPaths.get(id);
  if (latest) handle.setPath(latest);
}

/** Live explore views by viewId (a view may show in more than one element). */
const explorers = new Map<string, Set<ExploreHandle>>();

function forget(element: HTMLElement): void {
  const previous = mounted.get(element);
  previous?.trace?.dispose();
  const handle = previous?.explore;
  if (handle) {
    handle.release();
    if (handle.pathTrace !== undefined) pathViews.get(handle.pathTrace)?.delete(handle);
    explorers.get(handle.viewId)?.delete(handle);
    if (explorers.get(handle.viewId)?.size === 0) explorers.delete(handle.viewId);
  }
  mounted.delete(element);
}

/**
 * An output drawn again into a new element (VS Code re-renders an output it had shown
 * elsewhere): a live explore view moves there with its state, so it stays one view per viewId.
 */
function moveExplore(from: HTMLElement, to: HTMLElement): void {
  const previous = mounted.get(from);
  if (!previous?.explore) return;
  to.replaceChildren(previous.explore.element);
  mounted.delete(from);
  mounted.set(to, previous);
}

function drawExplore(
  element: HTMLElement,
  payload: ExplorePayload,
  hooks: ViewHooks,
  channel: ExploreChannel | null,
): void {
  const previous = mounted.get(element)?.explore;
  // the same view drawn again into its element (an output re-rendered) keeps its state
  if (previous?.viewId === payload.viewId && element.contains(previous.element)) return;
  forget(element);
  const handle = mountExplore(element, payload, hooks, channel);
  mounted.set(element, { mime: MIME.explore, explore: handle });
  followPath(handle);
  if (!channel) return;
  const set = explorers.get(payload.viewId) ?? new Set<ExploreHandle>();
  set.add(handle);
  explorers.set(payload.viewId, set);
}

type Description = Record<string, number | string | boolean>;

/** A view of one payload kind: draws it into an element and says what it drew. */
interface View<P extends CotangentPayload> {
  draw(element: HTMLElement, payload: P, hooks: ViewHooks, channel: ExploreChannel | null): void;
  describe(payload: P): Description;
}

type KindOf<M extends CotangentMime> = {
  [K in keyof typeof MIME]: (typeof MIME)[K] extends M ? K : never;
}[keyof typeof MIME];
type PayloadOf<M extends CotangentMime> = Extract<CotangentPayload, { kind: KindOf<M> }>;

/** A view drawn once per payload: whatever the element showed before is forgotten. */
function drawnOnce<P extends CotangentPayload>(
  draw: (element: HTMLElement, payload: P, hooks: ViewHooks) => void,
): View<P>["draw"] {
  return (element, payload, hooks) => {
    forget(element);
    draw(element, payload, hooks);
    mounted.set(element, { mime: MIME[payload.kind] });
  };
}

/** MIME type → its view; every MIME type of kernel/shared/payloads.ts has a row. */
const VIEWS: { [M in CotangentMime]: View<PayloadOf<M>> } = {
  [MIME.jacobian]: {
    draw: drawnOnce((element, payload, hooks) =>
      payload.batch
        ? renderBatchedJacobian(element, payload, hooks)
        : renderJacobian(element, payload, hooks),
    ),
    describe: (payload) => {
      const d = payload.downsampled;
      return {
        view: payload.batch ? "jacobian-batch" : "jacobian",
        rows: d?.fullRows ?? payload.values.shape[0] ?? 0,
        cols: d?.fullCols ?? payload.values.shape[1] ?? 0,
        downsampled: d !== undefined,
      };
    },
  },
  [MIME.chain]: {
    draw: drawnOnce(renderChain),
    describe: (payload) => ({ view: "chain", stages: payload.stages.length }),
  },
  [MIME.trace]: {
    // a trace drawn again into its element updates in place
    draw: (element, payload, hooks) => {
      followTrace(payload);
      const previous = mounted.get(element);
      if (previous?.trace && element.contains(previous.trace.element)) {
        previous.trace.update(payload);
        return;
      }
      forget(element);
      mounted.set(element, { mime: MIME.trace, trace: createTraceView(element, payload, hooks) });
    },
    describe: (payload) => ({
      view: "trace",
      steps: payload.steps.shape[0] ?? 0,
      series: payload.series.length,
      done: payload.done,
    }),
  },
  [MIME.explore]: {
    draw: (element, payload, hooks, channel) => drawExplore(element, payload, hooks, channel),
    describe: (payload) => ({
      view: `explore-${payload.view}`,
      viewId: payload.viewId,
      n: payload.n,
      m: payload.m,
    }),
  },
};

function viewOf(payload: CotangentPayload): View<CotangentPayload> {
  return VIEWS[MIME[payload.kind]];
}

/** A short description of a valid payload: which view, and how big. */
export function describePayload(payload: CotangentPayload): Description {
  return viewOf(payload).describe(payload);
}

const HOST_TYPES = new Set([
  "exploreAttached",
  "exploreFrame",
  "exploreError",
  "exploreWaiting",
  "exploreClosed",
]);

/** Hand a host message to the explore views it is addressed to (by its viewId). */
export function deliverToExplorers(message: unknown): void {
  if (typeof message !== "object" || message === null) return;
  const { viewId, type } = message as { viewId?: unknown; type?: unknown };
  if (typeof viewId !== "string" || typeof type !== "string" || !HOST_TYPES.has(type)) return;
  for (const handle of explorers.get(viewId) ?? []) handle.receive(message);
}

/**
 * Hand a host message to the explore view drawn in `element` (a host that keeps one transport
 * per output, as JupyterLab does, delivers to that output alone).
 */
export function deliverToElement(element: HTMLElement, message: unknown): void {
  mounted.get(element)?.explore?.receive(message);
}

/** The move → redraw timings of a live explore view (for tests and the benchmark). */
export function exploreTimings(viewId: string): MoveTiming[] {
  return [...(explorers.get(viewId) ?? [])].flatMap((handle) => [...handle.flow.timings]);
}

/** What a live explore view shows: its state, the moves sent and the frame drawn last. */
export function exploreState(
  viewId: string,
):
  | { state: string; sent: number; frame: ExploreFrame; views: number; states: string[] }
  | undefined {
  const handles = [...(explorers.get(viewId) ?? [])];
  const handle = handles.at(-1);
  if (!handle) return undefined;
  const { state, sent } = handle.flow;
  return { state, sent, frame: handle.frame, views: handles.length, states: [...handle.states] };
}

function showError(element: HTMLElement, message: string): void {
  element.replaceChildren(
    el(
      "div",
      { class: "ct-view ct-error", role: "alert" },
      `Cannot show this Cotangent output: ${message}`,
    ),
  );
}

/**
 * Draw `payload` (of MIME type `mime`) into `element`. Rendering again into the same element
 * updates a trace in place. Never throws: a bad payload shows a short error in the element.
 */
export function renderInto(
  element: HTMLElement,
  mime: string,
  payload: unknown,
  hooks: ViewHooks = { post: () => undefined },
  channel: ExploreChannel | null = null,
): RenderResult {
  const started = performance.now();
  try {
    ensureStyles(element);
    const checked = validatePayload(mime, payload);
    if (!checked.ok) {
      forget(element);
      showError(element, checked.error);
      return { ok: false, error: checked.error, ms: performance.now() - started };
    }
    viewOf(checked.payload).draw(element, checked.payload, hooks, channel);
    return { ok: true, ms: performance.now() - started, info: describePayload(checked.payload) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    showError(element, message);
    return { ok: false, error: message, ms: performance.now() - started };
  }
}

/** Forget an element's view (disposes a trace chart, releases an explore view). */
export function disposeElement(element: HTMLElement): void {
  forget(element);
}

// ------------------------------------------------------------------ VS Code notebook renderer API

/**
 * The renderer's API: VS Code's `RendererApi`, both methods present, reading of each output item
 * only what it uses.
 */
export interface CotangentRendererApi extends RendererApi {
  renderOutputItem(
    item: Pick<OutputItem, "id" | "mime" | "json" | "text">,
    element: HTMLElement,
    signal?: AbortSignal,
  ): void;
  disposeOutputItem(id?: string): void;
}

/** Entry point called by VS Code with the renderer context (of which it uses the messaging). */
export const activate = ((
  ctx: Pick<RendererContext<unknown>, "postMessage" | "onDidReceiveMessage">,
): CotangentRendererApi => {
  const elements = new Map<string, HTMLElement>();
  const owner = new WeakMap<HTMLElement, string>();
  const post = (message: Record<string, unknown>): void => ctx.postMessage?.(message);
  const channel: ExploreChannel | null = ctx.postMessage
    ? { post: (message) => ctx.postMessage?.(message), attach: true }
    : null;
  ctx.onDidReceiveMessage?.(deliverToExplorers);
  return {
    renderOutputItem(item, element) {
      const before = elements.get(item.id);
      if (before && before !== element) moveExplore(before, element);
      elements.set(item.id, element);
      owner.set(element, item.id);
      let payload: unknown;
      try {
        payload = item.json();
      } catch (error) {
        showError(
          element,
          `the output is not JSON (${error instanceof Error ? error.message : String(error)})`,
        );
        post({ type: "error", mime: item.mime, outputId: item.id });
        return;
      }
      const hooks = { post: (m: Record<string, unknown>) => post({ ...m, outputId: item.id }) };
      const result = renderInto(element, item.mime, payload, hooks, channel);
      post({
        type: result.ok ? "rendered" : "error",
        mime: item.mime,
        outputId: item.id,
        ms: Math.round(result.ms * 10) / 10,
        ...(result.error === undefined ? {} : { error: result.error }),
        ...(result.info ?? {}),
      });
    },
    disposeOutputItem(id) {
      const targets =
        id === undefined ? [...elements.entries()] : [[id, elements.get(id)] as const];
      // an element that now shows a newer output (an in-place update) keeps its view
      for (const [key, element] of targets)
        if (element && owner.get(element) === key) disposeElement(element);
      if (id === undefined) elements.clear();
      else elements.delete(id);
    },
  };
}) satisfies ActivationFunction;

(globalThis as { CotangentRenderer?: unknown }).CotangentRenderer = {
  renderInto,
  activate,
  deliverToExplorers,
  deliverToElement,
  disposeElement,
  exploreTimings,
  exploreState,
  MIME,
  PAYLOAD_VERSION,
};
