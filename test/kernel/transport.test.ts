import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { attachChannel, encodeFrame, FrameDecoder, FrameError } from "../../kernel/transport.js";

describe("FrameDecoder", () => {
  it("decodes one frame per line, whatever the chunk boundaries", () => {
    const messages = [{ type: "a", text: "line\nbreak" }, { type: "b", n: 2 }, { type: "c" }];
    const wire = Buffer.from(messages.map(encodeFrame).join(""));
    for (const size of [1, 2, 3, 7, wire.length]) {
      const decoder = new FrameDecoder();
      const seen: unknown[] = [];
      for (let i = 0; i < wire.length; i += size) {
        seen.push(...decoder.push(wire.subarray(i, i + size)).messages);
      }
      expect(seen).toEqual(messages);
      expect(decoder.buffered).toBe("");
    }
  });

  it("keeps a multi-byte character split across chunks intact", () => {
    const wire = Buffer.from(encodeFrame({ type: "stream", text: "∂f/∂x — λ" }));
    const decoder = new FrameDecoder();
    const cut = wire.indexOf(0x88); // inside the 3-byte encoding of ∂
    expect(decoder.push(wire.subarray(0, cut)).messages).toEqual([]);
    expect(decoder.push(wire.subarray(cut)).messages).toEqual([
      { type: "stream", text: "∂f/∂x — λ" },
    ]);
  });

  it("reports a line that is not JSON and keeps decoding the next ones", () => {
    const decoder = new FrameDecoder();
    const { messages, errors } = decoder.push(
      '{"type":"ok","n":1}\nnot json\n{"type":"ok","n":2}\n',
    );
    expect(messages).toEqual([
      { type: "ok", n: 1 },
      { type: "ok", n: 2 },
    ]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(FrameError);
    expect(errors[0].message).toContain("not json");
  });
});

describe("attachChannel", () => {
  it("sends framed messages and receives them on the other side", async () => {
    const wire = new PassThrough();
    const received: unknown[] = [];
    const channel = attachChannel<unknown, unknown>(wire, wire, {
      onMessage: (m) => received.push(m),
    });
    channel.send({ type: "ping", id: "1" });
    channel.send({ type: "ping", id: "2" });
    await new Promise((resolve) => setImmediate(resolve));
    expect(received).toEqual([
      { type: "ping", id: "1" },
      { type: "ping", id: "2" },
    ]);
  });

  it("tells when the peer closes the pipe", () => {
    const wire = new PassThrough();
    let closed = 0;
    attachChannel(wire, wire, { onMessage: () => undefined, onClose: () => (closed += 1) });
    wire.end();
    wire.resume();
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        expect(closed).toBe(1);
        resolve();
      }),
    );
  });
});
