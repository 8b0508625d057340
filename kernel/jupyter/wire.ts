/**
 * The Jupyter wire format: a message travels as ZeroMQ frames
 *   [identities…, "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers…]
 * where the signature is an HMAC over the four JSON frames with the connection file's key.
 * Pure functions over Buffers: no sockets here, so all of it is testable without ZeroMQ.
 */
import { createHmac, getHashes, randomUUID, timingSafeEqual } from "node:crypto";

export const DELIMITER = "<IDS|MSG>";
export const PROTOCOL_VERSION = "5.3";

export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

/** A decoded message. `parent_header` is `{}` for messages that answer nothing. */
export interface JupyterMessage {
  identities: Buffer[];
  header: MessageHeader;
  parent_header: MessageHeader | Record<string, never>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
  buffers: Buffer[];
}

/** Signs and checks the four JSON frames of a message. */
export interface Signer {
  /** False when the connection file has an empty key (authentication disabled, per spec). */
  readonly enabled: boolean;
  sign(frames: readonly Buffer[]): string;
  verify(signature: string, frames: readonly Buffer[]): boolean;
}

/**
 * A signer for `signature_scheme` (e.g. "hmac-sha256") and `key` from the connection file.
 * With an empty key, messages are sent unsigned and incoming signatures are not checked.
 */
export function createSigner(scheme: string, key: string): Signer {
  const match = /^hmac-(.+)$/.exec(scheme);
  const algorithm = match?.[1];
  if (algorithm === undefined || !getHashes().includes(algorithm)) {
    throw new Error(
      `unsupported signature_scheme "${scheme}" (expected hmac-<hash>, e.g. hmac-sha256)`,
    );
  }
  if (key === "") {
    return { enabled: false, sign: () => "", verify: () => true };
  }
  const sign = (frames: readonly Buffer[]): string => {
    const hmac = createHmac(algorithm, key);
    for (const frame of frames) hmac.update(frame);
    return hmac.digest("hex");
  };
  return {
    enabled: true,
    sign,
    verify(signature, frames) {
      const expected = Buffer.from(sign(frames), "utf8");
      const given = Buffer.from(signature, "utf8");
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

export type DecodeResult =
  { ok: true; message: JupyterMessage; signature: string } | { ok: false; reason: string };

function parseJsonFrame(frame: Buffer, name: string): Record<string, unknown> {
  const value: unknown = JSON.parse(frame.toString("utf8"));
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`${name} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

function checkHeader(header: Record<string, unknown>): MessageHeader {
  for (const field of ["msg_id", "msg_type"] as const) {
    if (typeof header[field] !== "string") throw new Error(`header.${field} is missing`);
  }
  return {
    msg_id: header["msg_id"] as string,
    msg_type: header["msg_type"] as string,
    session: typeof header["session"] === "string" ? header["session"] : "",
    username: typeof header["username"] === "string" ? header["username"] : "",
    date: typeof header["date"] === "string" ? header["date"] : "",
    version: typeof header["version"] === "string" ? header["version"] : PROTOCOL_VERSION,
  };
}

/**
 * Split the frames of an incoming message and check its signature. A message whose signature
 * is missing or wrong is refused (`ok: false`) before any JSON is parsed.
 */
export function decodeMessage(frames: readonly Buffer[], signer: Signer): DecodeResult {
  const at = frames.findIndex((frame) => frame.toString("latin1") === DELIMITER);
  if (at < 0) return { ok: false, reason: `no "${DELIMITER}" delimiter frame` };
  if (frames.length < at + 6) {
    return {
      ok: false,
      reason: `expected 5 frames after the delimiter, got ${frames.length - at - 1}`,
    };
  }
  const signature = frames[at + 1].toString("utf8");
  const signed = frames.slice(at + 2, at + 6);
  if (signer.enabled) {
    if (signature === "") return { ok: false, reason: "missing signature" };
    if (!signer.verify(signature, signed)) return { ok: false, reason: "invalid signature" };
  }
  try {
    const message: JupyterMessage = {
      identities: frames.slice(0, at),
      header: checkHeader(parseJsonFrame(signed[0], "header")),
      parent_header: parseJsonFrame(signed[1], "parent_header") as JupyterMessage["parent_header"],
      metadata: parseJsonFrame(signed[2], "metadata"),
      content: parseJsonFrame(signed[3], "content"),
      buffers: frames.slice(at + 6),
    };
    return { ok: true, message, signature };
  } catch (error) {
    return { ok: false, reason: `malformed message: ${(error as Error).message}` };
  }
}

/** The frames of an outgoing message, signed. */
export function encodeMessage(message: JupyterMessage, signer: Signer): Buffer[] {
  const signed = [message.header, message.parent_header, message.metadata, message.content].map(
    (part) => Buffer.from(JSON.stringify(part), "utf8"),
  );
  return [
    ...message.identities,
    Buffer.from(DELIMITER, "latin1"),
    Buffer.from(signer.sign(signed), "utf8"),
    ...signed,
    ...message.buffers,
  ];
}

/** A fresh header for a message this kernel sends. */
export function makeHeader(msgType: string, session: string, username = "kernel"): MessageHeader {
  return {
    msg_id: randomUUID(),
    session,
    username,
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION,
  };
}

/**
 * Remembers the signatures of recent messages so that a captured message replayed to the
 * kernel is refused (the Jupyter spec's advice against replay). Bounded: oldest forgotten first.
 */
export class ReplayGuard {
  private readonly seen = new Set<string>();
  constructor(private readonly capacity = 4096) {}

  /** True the first time a signature is offered, false for a replay. */
  accept(signature: string): boolean {
    if (signature === "") return true;
    if (this.seen.has(signature)) return false;
    this.seen.add(signature);
    if (this.seen.size > this.capacity) {
      const oldest = this.seen.values().next().value as string;
      this.seen.delete(oldest);
    }
    return true;
  }
}
