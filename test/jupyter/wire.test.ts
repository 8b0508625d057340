import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  createSigner,
  decodeMessage,
  DELIMITER,
  encodeMessage,
  makeHeader,
  ReplayGuard,
  type JupyterMessage,
} from "../../kernel/jupyter/wire.js";

const KEY = "3d9a1b2c-secret";

function sample(): JupyterMessage {
  return {
    identities: [Buffer.from("client-identity")],
    header: makeHeader("execute_request", "session-1", "alice"),
    parent_header: {},
    metadata: { tag: "x" },
    content: { code: "1 + 1", silent: false, text: "naïve ∂y/∂x 𝑥" },
    buffers: [Buffer.from([1, 2, 3])],
  };
}

describe("createSigner", () => {
  it("signs the four JSON frames with HMAC-SHA256 of the key", () => {
    const frames = ["{}", "{}", "{}", '{"a":1}'].map((s) => Buffer.from(s));
    const expected = createHmac("sha256", KEY)
      .update(frames[0])
      .update(frames[1])
      .update(frames[2])
      .update(frames[3])
      .digest("hex");
    const signer = createSigner("hmac-sha256", KEY);
    expect(signer.sign(frames)).toBe(expected);
    expect(signer.verify(expected, frames)).toBe(true);
    expect(
      signer.verify(
        expected.replace(/.$/, (c) => (c === "0" ? "1" : "0")),
        frames,
      ),
    ).toBe(false);
    expect(signer.verify("", frames)).toBe(false);
  });

  it("supports other HMAC hashes named in signature_scheme", () => {
    const frames = [Buffer.from("{}")];
    const expected = createHmac("sha512", KEY).update(frames[0]).digest("hex");
    expect(createSigner("hmac-sha512", KEY).sign(frames)).toBe(expected);
  });

  it.each(["sha256", "hmac-nosuchhash", ""])(
    "refuses the scheme %j with a clear error",
    (scheme) => {
      expect(() => createSigner(scheme, KEY)).toThrow(/unsupported signature_scheme/);
    },
  );

  it("disables signing with an empty key, as the spec says", () => {
    const signer = createSigner("hmac-sha256", "");
    expect(signer.enabled).toBe(false);
    expect(signer.sign([Buffer.from("{}")])).toBe("");
  });
});

describe("encodeMessage / decodeMessage", () => {
  const signer = createSigner("hmac-sha256", KEY);

  it("round-trips identities, JSON parts, unicode and buffers", () => {
    const message = sample();
    const frames = encodeMessage(message, signer);
    expect(frames[1].toString()).toBe(DELIMITER);
    const decoded = decodeMessage(frames, signer);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.message.identities.map(String)).toEqual(["client-identity"]);
    expect(decoded.message.header).toEqual(message.header);
    expect(decoded.message.content).toEqual(message.content);
    expect(decoded.message.metadata).toEqual({ tag: "x" });
    expect([...decoded.message.buffers[0]]).toEqual([1, 2, 3]);
    expect(decoded.signature).toBe(frames[2].toString());
  });

  it("rejects a message whose content was changed after signing", () => {
    const frames = encodeMessage(sample(), signer);
    frames[6] = Buffer.from(JSON.stringify({ code: "process.exit(1)" }));
    expect(decodeMessage(frames, signer)).toEqual({ ok: false, reason: "invalid signature" });
  });

  it("rejects a message signed with another key", () => {
    const frames = encodeMessage(sample(), createSigner("hmac-sha256", "another key"));
    expect(decodeMessage(frames, signer)).toEqual({ ok: false, reason: "invalid signature" });
  });

  it("rejects an unsigned message when a key is set", () => {
    const frames = encodeMessage(sample(), createSigner("hmac-sha256", ""));
    expect(decodeMessage(frames, signer)).toEqual({ ok: false, reason: "missing signature" });
  });

  it.each([
    ["no delimiter", [Buffer.from("id"), Buffer.from("{}")], /delimiter/],
    [
      "too few frames",
      [Buffer.from(DELIMITER), Buffer.from(""), Buffer.from("{}")],
      /expected 5 frames/,
    ],
  ])("rejects %s", (_name, frames, reason) => {
    const result = decodeMessage(frames, createSigner("hmac-sha256", ""));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it("rejects a signed message whose header is not a message header", () => {
    const bad: JupyterMessage = {
      ...sample(),
      header: { nope: 1 } as unknown as JupyterMessage["header"],
    };
    const result = decodeMessage(encodeMessage(bad, signer), signer);
    expect(result).toEqual({ ok: false, reason: "malformed message: header.msg_id is missing" });
  });

  it("makes protocol 5.3 headers with fresh ids", () => {
    const a = makeHeader("status", "s");
    const b = makeHeader("status", "s");
    expect(a.version).toBe("5.3");
    expect(a.msg_id).not.toBe(b.msg_id);
    expect(Number.isNaN(Date.parse(a.date))).toBe(false);
  });
});

describe("ReplayGuard", () => {
  it("accepts a signature once and refuses it after", () => {
    const guard = new ReplayGuard(2);
    expect(guard.accept("a")).toBe(true);
    expect(guard.accept("a")).toBe(false);
    expect(guard.accept("b")).toBe(true);
    expect(guard.accept("c")).toBe(true);
    // capacity 2: "a" was forgotten
    expect(guard.accept("a")).toBe(true);
    expect(guard.accept("c")).toBe(false);
  });
});
