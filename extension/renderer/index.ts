/**
 * Cotangent's notebook renderer: draws the Jacobian, chain and trace payloads.
 *
 * In VS Code: `activate(ctx)` per the notebook renderer API (contributes.notebookRenderer, entry
 * dist/renderer/index.js). After drawing, it posts `{ type: "rendered", mime, outputId, ... }`
 * through `ctx.postMessage` when messaging is available.
 *
 * Standalone (the HTML report, test pages): `renderInto(element, mime, payload)` draws one
 * payload into an element. When the bundle is loaded as a plain script (inlined), the same
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
} from "../../kernel/shared/payloads.js";
import { validatePayload } from "../../kernel/shared/validate.js";
import { renderChain } from "./chain-view.js";
import { el } from "./dom.js";
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
  trace?: TraceView;
}

type Description = Record<string, number | string | boolean>;

/** A view of one payload kind: draws it (a live view updates `previous` in place) and says what it drew. */
interface View<P extends CotangentPayload> {
  draw(element: HTMLElement, payload: P, hooks: ViewHooks, previous: Mounted | undefined): Mounted;
  describe(payload: P): Description;
}

type KindOf<M extends CotangentMime> = {
  [K in keyof typeof MIME]: (typeof MIME)[K] extends M ? K : never;
}[keyof typeof MIME];
type PayloadOf<M extends CotangentMime> = Extract<CotangentPayload, { kind: KindOf<M> }>;

/** MIME type → its view; every MIME type of kernel/shared/payloads.ts has a row. */
const VIEWS: { [M in CotangentMime]: View<PayloadOf<M>> | null } = {
  [MIME.jacobian]: {
    draw: (element, payload, hooks) => {
      renderJacobian(element, payload, hooks);
      return {};
    },
    describe: (payload) => {
      const d = payload.downsampled;
      return {
        view: "jacobian",
        rows: d?.fullRows ?? payload.values.shape[0] ?? 0,
        cols: d?.fullCols ?? payload.values.shape[1] ?? 0,
        downsampled: d !== undefined,
      };
    },
  },
  [MIME.chain]: {
    draw: (element, payload, hooks) => {
      renderChain(element, payload, hooks);
      return {};
    },
    describe: (payload) => ({ view: "chain", stages: payload.stages.length }),
  },
  [MIME.trace]: {
    draw: (element, payload, hooks, previous) => {
      if (previous?.trace && element.contains(previous.trace.element)) {
        previous.trace.update(payload);
        return previous;
      }
      return { trace: createTraceView(element, payload, hooks) };
    },
    describe: (payload) => ({
      view: "trace",
      steps: payload.steps.shape[0] ?? 0,
      series: payload.series.length,
      done: payload.done,
    }),
  },
  // The explore view is written in its own files; its row goes here. Until then validatePayload
  // refuses explore payloads like any unknown type, and this row is never reached.
  [MIME.explore]: null,
};

function viewOf(payload: CotangentPayload): View<CotangentPayload> | null {
  return VIEWS[MIME[payload.kind]];
}

/** A short description of a valid payload: which view, and how big. */
export function describePayload(payload: CotangentPayload): Description {
  return viewOf(payload)?.describe(payload) ?? { view: payload.kind };
}

const mounted = new WeakMap<HTMLElement, Mounted>();

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
): RenderResult {
  const started = performance.now();
  try {
    ensureStyles(element);
    const checked = validatePayload(mime, payload);
    if (!checked.ok) {
      mounted.delete(element);
      showError(element, checked.error);
      return { ok: false, error: checked.error, ms: performance.now() - started };
    }
    const view = viewOf(checked.payload);
    if (view === null) throw new Error(`no view for ${mime}`);
    const previous = mounted.get(element);
    const next = view.draw(element, checked.payload, hooks, previous);
    if (next.trace === undefined) previous?.trace?.dispose();
    mounted.set(element, next);
    return { ok: true, ms: performance.now() - started, info: describePayload(checked.payload) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    showError(element, message);
    return { ok: false, error: message, ms: performance.now() - started };
  }
}

/** Forget an element's view (disposes a trace chart). */
export function disposeElement(element: HTMLElement): void {
  mounted.get(element)?.trace?.dispose();
  mounted.delete(element);
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

/** Entry point called by VS Code with the renderer context (of which it uses `postMessage`). */
export const activate = ((
  ctx: Pick<RendererContext<unknown>, "postMessage">,
): CotangentRendererApi => {
  const elements = new Map<string, HTMLElement>();
  const owner = new WeakMap<HTMLElement, string>();
  const post = (message: Record<string, unknown>): void => ctx.postMessage?.(message);
  return {
    renderOutputItem(item, element) {
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
      const result = renderInto(element, item.mime, payload, {
        post: (m) => post({ ...m, outputId: item.id }),
      });
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
  MIME,
  PAYLOAD_VERSION,
};
