/**
 * The I/O thread's check of each request from the front end (fd 3) before it acts on one: a
 * known type with fields of the right types. A request that fails is refused with a reason
 * instead of reaching the checker or the main thread with `undefined` where code should be.
 */
import type { ExecutorRequest } from "../protocol.js";

type Kind = "string" | "number" | "boolean" | "numbers";
/** Each request type's fields: the kind, and "?" when it may be left out. */
const FIELDS: Record<ExecutorRequest["type"], Record<string, `${Kind}${"" | "?"}`>> = {
  execute: { id: "string", code: "string", silent: "boolean?" },
  complete: { id: "string", code: "string", cursor: "number" },
  inspect: { id: "string", code: "string", cursor: "number", detailLevel: "number" },
  isComplete: { id: "string", code: "string" },
  diagnose: { id: "string", code: "string" },
  interrupt: {},
  shutdown: {},
  inputReply: { id: "string", value: "string?", reason: "string?" },
  exploreMove: { id: "string", viewId: "string", seq: "number", x: "numbers" },
  exploreRelease: { viewId: "string" },
};

function hasKind(value: unknown, kind: Kind): boolean {
  if (kind === "numbers") return Array.isArray(value) && value.every((v) => typeof v === "number");
  if (kind === "number") return typeof value === "number" && Number.isFinite(value);
  return typeof value === kind;
}

export type CheckedRequest =
  { ok: true; request: ExecutorRequest } | { ok: false; reason: string; id: string | undefined };

/** Check one decoded message (already an object with a string `type`, see transport.ts). */
export function checkRequest(message: { type: string } & Record<string, unknown>): CheckedRequest {
  const id = typeof message["id"] === "string" ? message["id"] : undefined;
  const fields = Object.hasOwn(FIELDS, message.type)
    ? FIELDS[message.type as ExecutorRequest["type"]]
    : undefined;
  if (fields === undefined) {
    return {
      ok: false,
      reason: `unknown request type ${JSON.stringify(message.type).slice(0, 60)}`,
      id,
    };
  }
  for (const [name, spec] of Object.entries(fields)) {
    const optional = spec.endsWith("?");
    const kind = spec.replace("?", "") as Kind;
    const value = message[name];
    if (value === undefined && optional) continue;
    if (!hasKind(value, kind)) {
      return {
        ok: false,
        reason: `${message.type} request: "${name}" must be ${describe(kind)}`,
        id,
      };
    }
  }
  if (message.type === "inspect" && message["detailLevel"] !== 0 && message["detailLevel"] !== 1) {
    return { ok: false, reason: 'inspect request: "detailLevel" must be 0 or 1', id };
  }
  return { ok: true, request: message as unknown as ExecutorRequest };
}

function describe(kind: Kind): string {
  return kind === "numbers" ? "an array of numbers" : `a ${kind}`;
}
