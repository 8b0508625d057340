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
  /** Send every deferred update now (the cell ended). */
  flush(): void;
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

  return {
    show(value, displayId) {
      const id = options.currentId();
      if (id === undefined) return;
      if (displayId !== undefined) lastSent.set(displayId, now());
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
