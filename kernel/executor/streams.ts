/**
 * Coalesces a cell's stream writes (stdout, stderr) into few `stream` events, as ipykernel
 * batches its output: consecutive writes to one stream become one event, sent once the first of
 * them is `intervalMs` old (16 ms by default) or the text reaches `maxChars`. A write to the
 * other stream, any other event and the end of the cell send the pending text first, so the
 * order of everything a cell emits is kept exactly; only the number of messages changes.
 *
 * The executor's I/O thread runs it (never the main thread, which a cell may block: the text
 * printed before a `while (true) {}` must still go out): the age is checked on every write, and
 * a timer sends the last batch when no further write comes.
 */
import type { ExecutorEvent, StreamEvent } from "../protocol.js";

export interface StreamCoalescerOptions {
  /** Where events go, in order. */
  emit(event: ExecutorEvent): void;
  now?: () => number;
  intervalMs?: number;
  maxChars?: number;
}

export interface StreamCoalescer {
  /** Take any executor event: streams are batched, everything else flushes and passes. */
  emit(event: ExecutorEvent): void;
  /** Send the pending text now. */
  flush(): void;
}

export const STREAM_INTERVAL_MS = 16;
export const STREAM_MAX_CHARS = 256 * 1024;

interface Pending {
  id: string;
  name: StreamEvent["name"];
  parts: string[];
  chars: number;
  since: number;
}

export function createStreamCoalescer(options: StreamCoalescerOptions): StreamCoalescer {
  const now = options.now ?? (() => performance.now());
  const intervalMs = options.intervalMs ?? STREAM_INTERVAL_MS;
  const maxChars = options.maxChars ?? STREAM_MAX_CHARS;
  let pending: Pending | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function flush(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    if (batch === undefined) return;
    pending = undefined;
    options.emit({ type: "stream", id: batch.id, name: batch.name, text: batch.parts.join("") });
  }

  function stream(event: StreamEvent): void {
    if (event.text === "") return;
    if (pending !== undefined && (pending.id !== event.id || pending.name !== event.name)) flush();
    if (pending === undefined) {
      pending = { id: event.id, name: event.name, parts: [], chars: 0, since: now() };
      timer = setTimeout(flush, intervalMs);
      timer.unref?.();
    }
    pending.parts.push(event.text);
    pending.chars += event.text.length;
    if (pending.chars >= maxChars || now() - pending.since >= intervalMs) flush();
  }

  return {
    emit(event) {
      if (event.type === "stream") return stream(event);
      flush();
      options.emit(event);
    },
    flush,
  };
}
