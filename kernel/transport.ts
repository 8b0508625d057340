/**
 * Framing of protocol messages over a byte pipe: newline-delimited JSON. `JSON.stringify` never
 * emits a raw newline, so one line is one message. The executor talks over a dedicated pipe
 * (fd 3 of the executor process), never over stdout/stdin, which user code may write to.
 *
 * The framing is separate from any process: `FrameDecoder` turns chunks into messages and
 * `attachChannel` connects a decoder and an encoder to any readable/writable stream pair.
 */
import { StringDecoder } from "node:string_decoder";
import type { Readable, Writable } from "node:stream";

/** The file descriptor of the executor's message pipe. */
export const CHANNEL_FD = 3;

/** One message as one frame: its JSON and a newline. */
export function encodeFrame(message: unknown): string {
  return JSON.stringify(message) + "\n";
}

/** A line that is not valid JSON: reported with (a prefix of) the offending text. */
export class FrameError extends Error {
  constructor(
    readonly line: string,
    cause: unknown,
  ) {
    const shown = line.length > 200 ? `${line.slice(0, 200)}…` : line;
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`transport: a frame is not valid JSON (${reason}): ${shown}`);
  }
}

/** A line that is JSON but not a message: not an object with a string `type`. */
export class NotAMessageError extends Error {
  constructor(readonly line: string) {
    const shown = line.length > 200 ? `${line.slice(0, 200)}…` : line;
    super(`transport: a frame is not a message (an object with a string "type"): ${shown}`);
  }
}

function isMessage(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { type?: unknown }).type === "string"
  );
}

/**
 * Splits a byte or text stream into JSON messages. Chunks may end anywhere, even inside a
 * multi-byte UTF-8 character; a partial line waits for the next chunk.
 */
export class FrameDecoder {
  private readonly text = new StringDecoder("utf8");
  private pending = "";

  /**
   * Feed a chunk; returns the complete messages it finished, and the frames that failed. Only
   * the new text is searched for newlines, so a long line arriving in many chunks costs time
   * linear in its length.
   */
  push(chunk: Buffer | string): { messages: unknown[]; errors: Error[] } {
    const text = typeof chunk === "string" ? chunk : this.text.write(chunk);
    const messages: unknown[] = [];
    const errors: Error[] = [];
    let newline = text.indexOf("\n");
    if (newline < 0) {
      this.pending += text;
      return { messages, errors };
    }
    let line = this.pending + text.slice(0, newline);
    let from = newline + 1;
    for (;;) {
      this.decodeLine(line, messages, errors);
      newline = text.indexOf("\n", from);
      if (newline < 0) break;
      line = text.slice(from, newline);
      from = newline + 1;
    }
    this.pending = text.slice(from);
    return { messages, errors };
  }

  private decodeLine(line: string, messages: unknown[], errors: Error[]): void {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line) as unknown;
    } catch (error) {
      errors.push(new FrameError(line, error));
      return;
    }
    if (isMessage(value)) messages.push(value);
    else errors.push(new NotAMessageError(line));
  }

  /** Text received after the last newline (an unfinished frame). */
  get buffered(): string {
    return this.pending;
  }
}

/** A framed message channel on a stream pair. */
export interface Channel<Out> {
  send(message: Out): void;
  /** Stop listening and stop writing. */
  close(): void;
}

export interface ChannelHandlers<In> {
  onMessage(message: In): void;
  onError?(error: Error): void;
  /** The readable side ended (the peer closed the pipe or died). */
  onClose?(): void;
}

/**
 * Connect framing to a stream pair (both may be the same duplex, e.g. a socket on fd 3).
 * Messages are objects with a string `type` (anything else is reported to `onError`); the
 * receiver checks the type and the fields.
 */
export function attachChannel<In, Out>(
  readable: Readable,
  writable: Writable,
  handlers: ChannelHandlers<In>,
): Channel<Out> {
  const decoder = new FrameDecoder();
  let open = true;
  const onData = (chunk: Buffer | string): void => {
    const { messages, errors } = decoder.push(chunk);
    for (const error of errors) handlers.onError?.(error);
    for (const message of messages) handlers.onMessage(message as In);
  };
  const onEnd = (): void => {
    if (!open) return;
    open = false;
    handlers.onClose?.();
  };
  const onStreamError = (error: Error): void => handlers.onError?.(error);
  readable.on("data", onData);
  readable.on("end", onEnd);
  readable.on("close", onEnd);
  readable.on("error", onStreamError);
  writable.on("error", onStreamError);
  return {
    send(message: Out): void {
      if (!open || writable.destroyed || !writable.writable) return;
      writable.write(encodeFrame(message));
    },
    close(): void {
      open = false;
      readable.off("data", onData);
      readable.off("end", onEnd);
      readable.off("close", onEnd);
    },
  };
}
