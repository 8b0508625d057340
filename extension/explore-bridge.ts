/**
 * Explore views in VS Code, on the extension host: a renderer's `exploreAttach` is answered at
 * once — `exploreAttached` when the notebook's running kernel shows the view (the client keeps
 * the viewIds of its executor's outputs), else `exploreClosed` — and its
 * `exploreMove`/`exploreRelease` (ExploreRendererMessage) go to the notebook's kernel client; the executor's frames,
 * errors and closes go back to the editor that shows the view (ExploreHostMessage), with
 * `exploreWaiting` while a cell runs and `exploreClosed` when the kernel restarts or stops.
 * I/O is passed in: testable with a fake kernel and plain editors.
 */
import type { KernelClient, KernelState } from "../kernel/client.js";
import type { ExploreEvent } from "../kernel/protocol.js";
import type { ExploreHostMessage, ExploreRendererMessage } from "../kernel/shared/payloads.js";

export interface NotebookKey {
  toString(): string;
}

export interface ExploreBridgeOptions<E> {
  /** The notebook's running kernel (a move never starts one). */
  kernelFor(notebook: NotebookKey): KernelClient | undefined;
  post(message: ExploreHostMessage, editor: E): void;
}

export interface ExploreBridge<E> {
  /** A message a renderer posted (anything that is not an explore message is ignored). */
  receive(message: unknown, notebook: NotebookKey, editor: E): void;
  /** The notebook's kernel changed state: a restart or a stop closes its views. */
  kernelChanged(notebook: NotebookKey, state: KernelState | undefined): void;
  dispose(): void;
}

interface View<E> {
  notebook: string;
  editor: E;
}

export const NO_KERNEL_REASON = "the kernel is not running: run the cell to explore";
export const STALE_VIEW_REASON =
  "the running kernel did not show this view (it restarted, or the view was released): run the cell again to explore";

/** A well-formed explore message from a renderer, or undefined. */
export function exploreRendererMessage(message: unknown): ExploreRendererMessage | undefined {
  if (typeof message !== "object" || message === null) return undefined;
  const m = message as Record<string, unknown>;
  if (typeof m["viewId"] !== "string") return undefined;
  if (m["type"] === "exploreRelease") return { type: "exploreRelease", viewId: m["viewId"] };
  if (m["type"] === "exploreAttach") return { type: "exploreAttach", viewId: m["viewId"] };
  if (m["type"] !== "exploreMove" || typeof m["seq"] !== "number") return undefined;
  const x = m["x"];
  if (!Array.isArray(x) || !x.every((v) => typeof v === "number" && Number.isFinite(v))) {
    return undefined;
  }
  return { type: "exploreMove", viewId: m["viewId"], seq: m["seq"], x: x as number[] };
}

function hostMessage(event: ExploreEvent): ExploreHostMessage {
  switch (event.type) {
    case "exploreFrame": {
      const { viewId, seq, x, payload, ms } = event;
      return { type: "exploreFrame", viewId, seq, x, payload, ms };
    }
    case "exploreError": {
      const { viewId, seq, ename, evalue } = event;
      return { type: "exploreError", viewId, seq, ename, evalue };
    }
    case "exploreClosed":
      return { type: "exploreClosed", viewId: event.viewId, reason: event.reason };
  }
}

export function createExploreBridge<E>(options: ExploreBridgeOptions<E>): ExploreBridge<E> {
  const views = new Map<string, View<E>>();
  const listening = new Map<KernelClient, () => void>();

  function answer(event: ExploreEvent): void {
    const view = views.get(event.viewId);
    if (!view) return;
    if (event.type === "exploreClosed") views.delete(event.viewId);
    options.post(hostMessage(event), view.editor);
  }

  function move(
    m: Extract<ExploreRendererMessage, { type: "exploreMove" }>,
    key: string,
    editor: E,
    client: KernelClient,
  ): void {
    views.set(m.viewId, { notebook: key, editor });
    if (!listening.has(client)) listening.set(client, client.onExplore(answer));
    if (client.state === "busy") {
      options.post({ type: "exploreWaiting", viewId: m.viewId, seq: m.seq }, editor);
    }
    client.exploreMove(m.viewId, m.seq, m.x);
  }

  /** A view mounted: alive when the notebook's kernel shows it, closed otherwise. */
  function attach(viewId: string, key: string, editor: E, client: KernelClient): void {
    if (!client.exploreKnows(viewId)) {
      options.post({ type: "exploreClosed", viewId, reason: STALE_VIEW_REASON }, editor);
      return;
    }
    views.set(viewId, { notebook: key, editor });
    if (!listening.has(client)) listening.set(client, client.onExplore(answer));
    options.post({ type: "exploreAttached", viewId }, editor);
  }

  function closeNotebook(key: string, reason: string): void {
    for (const [viewId, view] of [...views]) {
      if (view.notebook !== key) continue;
      views.delete(viewId);
      options.post({ type: "exploreClosed", viewId, reason }, view.editor);
    }
  }

  return {
    receive(message, notebook, editor) {
      const m = exploreRendererMessage(message);
      if (!m) return;
      const client = options.kernelFor(notebook);
      if (m.type === "exploreRelease") {
        views.delete(m.viewId);
        client?.exploreRelease(m.viewId);
        return;
      }
      if (!client) {
        options.post({ type: "exploreClosed", viewId: m.viewId, reason: NO_KERNEL_REASON }, editor);
        return;
      }
      if (m.type === "exploreAttach") attach(m.viewId, notebook.toString(), editor, client);
      else move(m, notebook.toString(), editor, client);
    },
    kernelChanged(notebook, state) {
      if (state === "idle" || state === "busy") return;
      const reason =
        state === undefined
          ? "the kernel was shut down: run the cell to explore"
          : "the kernel restarted: run the cell again to explore";
      closeNotebook(notebook.toString(), reason);
    },
    dispose() {
      for (const unsubscribe of listening.values()) unsubscribe();
      listening.clear();
      views.clear();
    },
  };
}
