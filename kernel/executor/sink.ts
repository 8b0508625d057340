/**
 * The executor's display sink (src/display.ts `DisplaySink`): turns `display(...)`, `trace(...)`
 * and `display.clear()` into protocol events for the running cell.
 *
 * Live updates are throttled per display id: at most one every `intervalMs` (150 ms by default,
 * so ≥ 6 per second); a deferred update is sent by the next `update` call after the interval —
 * which works inside a synchronous loop, where timers cannot fire — or by a timer when the cell
 * awaits, and `flush()` sends what is left when the cell ends.
 */
import { inspect } from "node:util";
import type { DisplaySink, MimeBundle } from "../../src/display.js";
import type { DisplayEvent, ExecutorEvent } from "../protocol.js";

export interface SinkOptions {
  /** The running cell's request id, or undefined between cells. */
  currentId(): string | undefined;
  emit(event: ExecutorEvent): void;
  /** The rich bundle of a value, or undefined for a plain-text fallback. */
  toMimeBundle: (value: unknown) => MimeBundle | undefined;
  now?: () => number;
  intervalMs?: number;
}

export interface ExecutorSink extends DisplaySink {
  /** Send every deferred update now. */
  flush(): void;
  /**
   * If `value` is shown in the running cell under a display id (a live trace), update it when
   * the cell ends and answer true: the cell's result is then that display, not a second one.
   */
  refresh(value: unknown): boolean;
  /**
   * The cell ended: each live display it showed that is not done (a trace never finished) is
   * marked done — `interrupted` unless the cell ended well — and every deferred update is sent.
   */
  endCell(status: "ok" | "error" | "interrupted"): void;
}

/** A live value as the sink sees it: a runtime trace has `done` (the views read both). */
interface LiveValue {
  done?: unknown;
  interrupted?: unknown;
}

/** A value's MIME bundle, falling back to util.inspect text. */
export function bundleOf(
  value: unknown,
  toMimeBundle: (value: unknown) => MimeBundle | undefined,
): MimeBundle {
  let rich: MimeBundle | undefined;
  try {
    rich = toMimeBundle(value);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { "text/plain": `${inspect(value, { depth: 4 })}\n(rich display failed: ${reason})` };
  }
  return rich ?? { "text/plain": inspect(value, { depth: 4, maxArrayLength: 200 }) };
}

export function createExecutorSink(options: SinkOptions): ExecutorSink {
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? 150;
  const lastSent = new Map<string, number>();
  const deferred = new Map<string, { value: unknown; id: string }>();
  /** Values shown under a display id in the running cell. */
  const live = new Map<string, { value: unknown; id: string }>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  function send(
    id: string,
    data: MimeBundle,
    displayId: string | undefined,
    update: boolean,
  ): void {
    const event: DisplayEvent = { type: "display", id, data, metadata: {}, update };
    if (displayId !== undefined) event.displayId = displayId;
    options.emit(event);
  }

  function sendUpdate(displayId: string, value: unknown, id: string): void {
    lastSent.set(displayId, now());
    deferred.delete(displayId);
    send(id, bundleOf(value, options.toMimeBundle), displayId, true);
  }

  function flush(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    for (const [displayId, { value, id }] of [...deferred]) sendUpdate(displayId, value, id);
  }

  function scheduleFlush(): void {
    if (timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      flush();
    }, intervalMs);
    timer.unref?.();
  }

  function refresh(value: unknown): boolean {
    if (typeof value !== "object" || value === null) return false;
    for (const [displayId, entry] of live) {
      if (entry.value !== value || entry.id !== options.currentId()) continue;
      deferred.set(displayId, entry);
      return true;
    }
    return false;
  }

  function endCell(status: "ok" | "error" | "interrupted"): void {
    for (const [displayId, { value, id }] of live) {
      const state = value as LiveValue;
      if (typeof value !== "object" || value === null || state.done !== false) continue;
      state.done = true;
      if (status !== "ok") state.interrupted = true;
      deferred.set(displayId, { value, id });
    }
    live.clear();
    flush();
  }

  return {
    refresh,
    endCell,
    show(value, displayId) {
      const id = options.currentId();
      if (id === undefined) return;
      if (displayId !== undefined) {
        lastSent.set(displayId, now());
        live.set(displayId, { value, id });
      }
      send(id, bundleOf(value, options.toMimeBundle), displayId, false);
    },
    showBundle(bundle, displayId) {
      const id = options.currentId();
      if (id === undefined) return;
      send(id, bundle, displayId, false);
    },
    update(value, displayId) {
      const id = options.currentId();
      if (id === undefined) return;
      const last = lastSent.get(displayId) ?? -Infinity;
      if (now() - last >= intervalMs) {
        sendUpdate(displayId, value, id);
      } else {
        deferred.set(displayId, { value, id });
        scheduleFlush();
      }
    },
    clear(wait) {
      const id = options.currentId();
      if (id === undefined) return;
      options.emit({ type: "clear", id, wait });
    },
    flush,
  };
}
