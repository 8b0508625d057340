/**
 * Hostile traffic for the executor channel (fd 3, newline-delimited JSON): lines that are not
 * JSON, JSON that is not a message, unknown message types, known types with fields of the wrong
 * types, requests and events for ids nobody sent, oversized lines; delivered torn into chunks
 * at random byte offsets (inside multi-byte characters too).
 */
import fc from "fast-check";

const json = (value: unknown): string => JSON.stringify(value) ?? "null";

/** A field value of any JSON type. */
const anyField = fc.oneof(
  // never a real request id (the client numbers its requests r1, r2, …)
  fc.string({ maxLength: 12 }).map((s) => (s.startsWith("r") ? `x${s}` : s)),
  fc.integer({ min: -3, max: 1e6 }),
  fc.constantFrom<unknown>(null, true, [], {}, 1.5, -1, "∂f/∂x"),
);

/** Messages of the given types with each field present, absent or of the wrong type. */
const messageOf = (types: readonly string[], fields: readonly string[]): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...types) },
        { weight: 1, arbitrary: anyField },
      ),
      fc.dictionary(fc.constantFrom(...fields), anyField, { maxKeys: fields.length }),
    )
    .map(([type, rest]) => json({ ...rest, type }));

/** Lines that are not protocol messages at all. */
const notMessages: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }).map((s) => s.replace(/\n/g, " ")),
  fc.constantFrom(
    "null",
    "1",
    "[]",
    '"execute"',
    "{",
    '{"type":',
    "{}",
    "true",
    "[1,2]",
    "\u0000\u0001",
  ),
  fc.jsonValue({ maxDepth: 2 }).map(json),
);

/** Requests a front end might send to the executor, malformed or for unknown ids. */
export const hostileRequest: fc.Arbitrary<string> = fc.oneof(
  notMessages,
  messageOf(
    [
      "complete",
      "inspect",
      "isComplete",
      "diagnose",
      "inputReply",
      "exploreMove",
      "exploreRelease",
      "execute",
      "nonsense",
      "ready",
      "done",
    ],
    ["id", "code", "cursor", "detailLevel", "silent", "value", "reason", "viewId", "seq", "x"],
  ),
);

/** Events an executor might send to a front end, malformed or for unknown ids. */
export const hostileEvent: fc.Arbitrary<string> = fc.oneof(
  notMessages,
  messageOf(
    [
      "stream",
      "display",
      "result",
      "error",
      "clear",
      "done",
      "input",
      "completeReply",
      "inspectReply",
      "exploreFrame",
      "ready",
      "nonsense",
    ],
    [
      "id",
      "name",
      "text",
      "data",
      "metadata",
      "ename",
      "evalue",
      "traceback",
      "status",
      "executionCount",
      "wait",
      "prompt",
      "update",
      "displayId",
    ],
  ),
);

/** An oversized line: 2 MiB of JSON string (or of no JSON at all). */
export const oversizedLine: fc.Arbitrary<string> = fc
  .constantFrom("json", "garbage")
  .map((kind) =>
    kind === "json" ? json({ type: "stream", text: "x".repeat(2 ** 21) }) : "y".repeat(2 ** 21),
  );

/** `lines` as bytes cut into chunks at random offsets. */
export const torn = (lines: string[]): fc.Arbitrary<Buffer[]> => {
  const bytes = Buffer.from(lines.map((l) => `${l}\n`).join(""), "utf8");
  return fc
    .uniqueArray(fc.integer({ min: 1, max: Math.max(1, bytes.length - 1) }), { maxLength: 6 })
    .map((cuts) => {
      const at = [0, ...cuts.filter((c) => c < bytes.length).sort((a, b) => a - b), bytes.length];
      return at.slice(1).map((end, i) => bytes.subarray(at[i], end));
    });
};
