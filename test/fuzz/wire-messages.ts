/**
 * Hostile Jupyter messages for the wire fuzz suite: random frames, bad and missing signatures,
 * invalid JSON under a good signature, wrong field types, unknown message types and oversized
 * messages. Each is a list of ZeroMQ frames as a client would send them on shell or control.
 */
import fc from "fast-check";
import { createSigner, DELIMITER, makeHeader, type Signer } from "../../kernel/jupyter/wire.js";

/** Message types a fuzzed request may claim; shutdown_request is left out (it ends the kernel). */
const TYPES = [
  "execute_request",
  "complete_request",
  "inspect_request",
  "is_complete_request",
  "history_request",
  "comm_info_request",
  "kernel_info_request",
  "interrupt_request",
  "comm_open",
  "comm_msg",
  "input_reply",
  "debug_request",
  "no_such_request",
  "",
];

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value) ?? "null", "utf8");

/** The frames of a message whose four JSON parts are `parts`, signed by `signer`. */
export function framesOf(parts: readonly Buffer[], signer: Signer, identity = "fuzz"): Buffer[] {
  return [Buffer.from(identity), Buffer.from(DELIMITER), Buffer.from(signer.sign(parts)), ...parts];
}

/** Content with fields of the right names and (often) the wrong types. */
const content: fc.Arbitrary<unknown> = fc.record(
  {
    code: fc.oneof(fc.string({ maxLength: 20 }), fc.anything({ maxDepth: 1 })),
    cursor_pos: fc.oneof(fc.integer({ min: -5, max: 50 }), fc.anything({ maxDepth: 1 })),
    silent: fc.anything({ maxDepth: 1 }),
    store_history: fc.anything({ maxDepth: 1 }),
    user_expressions: fc.anything({ maxDepth: 2 }),
    allow_stdin: fc.boolean(),
    stop_on_error: fc.anything({ maxDepth: 1 }),
    detail_level: fc.anything({ maxDepth: 1 }),
    hist_access_type: fc.oneof(fc.constantFrom("tail", "range", "search"), fc.anything()),
    n: fc.anything({ maxDepth: 1 }),
    pattern: fc.anything({ maxDepth: 1 }),
    output: fc.anything({ maxDepth: 1 }),
  },
  { requiredKeys: [] },
);

/** A header: often a good one, sometimes missing fields or with fields of the wrong types. */
const header = (type: string): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(null).map(() => makeHeader(type, "fuzz", "fuzz")) },
    {
      weight: 1,
      arbitrary: fc.record(
        {
          msg_id: fc.anything({ maxDepth: 1 }),
          msg_type: fc.oneof(fc.constant(type), fc.anything({ maxDepth: 1 })),
          session: fc.anything({ maxDepth: 1 }),
          version: fc.anything({ maxDepth: 1 }),
        },
        { requiredKeys: [] },
      ),
    },
  );

/** Correctly signed messages whose parts are wrong in type or meaning. */
const wellSigned = (signer: Signer): fc.Arbitrary<Buffer[]> =>
  fc
    .constantFrom(...TYPES)
    .chain((type) =>
      fc.tuple(
        header(type),
        fc.oneof(
          { weight: 4, arbitrary: fc.constant({}) },
          { weight: 1, arbitrary: fc.anything() },
        ),
        fc.oneof({ weight: 4, arbitrary: content }, { weight: 1, arbitrary: fc.anything() }),
      ),
    )
    .map(([h, parent, body]) => framesOf([json(h), json(parent), json({}), json(body)], signer));

/** Signed frames that are not JSON at all (or not objects). */
const badJson = (signer: Signer): fc.Arbitrary<Buffer[]> =>
  fc
    .tuple(
      fc.nat({ max: 3 }),
      fc.oneof(
        fc.string({ maxLength: 30 }).map((s) => Buffer.from(s)),
        fc.uint8Array({ maxLength: 30 }).map((b) => Buffer.from(b)),
        fc.constantFrom("[]", "null", "1", '"x"', "{", '{"a":').map((s) => Buffer.from(s)),
      ),
    )
    .map(([at, garbage]) => {
      const parts = [json(makeHeader("kernel_info_request", "fuzz")), json({}), json({}), json({})];
      parts[at] = garbage;
      return framesOf(parts, signer);
    });

/** A good message under a wrong, truncated, empty or missing signature. */
const badSignature = (signer: Signer): fc.Arbitrary<Buffer[]> =>
  fc
    .tuple(fc.constantFrom("wrong key", "empty", "truncated", "missing", "flipped"), fc.string())
    .map(([how, text]) => {
      const parts = [
        json(makeHeader("execute_request", "fuzz")),
        json({}),
        json({}),
        json({ code: text }),
      ];
      const good = signer.sign(parts);
      const signatures: Record<string, string> = {
        "wrong key": createSigner("hmac-sha256", "not the key").sign(parts),
        empty: "",
        truncated: good.slice(0, 10),
        missing: "",
        flipped: (good[0] === "a" ? "b" : "a") + good.slice(1),
      };
      const frames = [
        Buffer.from("fuzz"),
        Buffer.from(DELIMITER),
        Buffer.from(signatures[how]),
        ...parts,
      ];
      if (how === "missing") frames.splice(2, 1);
      return frames;
    });

/** Random frames, sometimes with the delimiter among them. */
const randomFrames: fc.Arbitrary<Buffer[]> = fc.array(
  fc.oneof(
    { weight: 5, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) },
    { weight: 1, arbitrary: fc.constant(Buffer.from(DELIMITER)) },
  ),
  { minLength: 1, maxLength: 9 },
);

let big: Buffer | undefined;
/** 8 MiB of text, made once. */
const bigText = (): string => (big ??= Buffer.alloc(8 * 1024 * 1024, "x")).toString("latin1");

/** An oversized message: 8 MiB of code, signed or not, or 8 MiB of frames. */
const oversized = (signer: Signer): fc.Arbitrary<Buffer[]> =>
  fc.constantFrom("signed code", "unsigned", "frame").map((how) => {
    if (how === "frame")
      return [Buffer.from("fuzz"), Buffer.from(DELIMITER), Buffer.from(bigText())];
    const parts = [
      json(makeHeader("is_complete_request", "fuzz")),
      json({}),
      json({}),
      json({ code: bigText() }),
    ];
    const frames = framesOf(parts, signer);
    if (how === "unsigned") frames[2] = Buffer.from("0".repeat(64));
    return frames;
  });

/** One hostile message of any kind; oversized ones are rare (they are slow to sign and send). */
export const hostileMessage = (signer: Signer): fc.Arbitrary<Buffer[]> =>
  fc.oneof(
    { weight: 60, arbitrary: randomFrames },
    { weight: 60, arbitrary: badSignature(signer) },
    { weight: 60, arbitrary: badJson(signer) },
    { weight: 100, arbitrary: wellSigned(signer) },
    { weight: 1, arbitrary: oversized(signer) },
  );
