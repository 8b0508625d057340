/**
 * Validation of payloads read from an output (the renderer, the HTML report): a payload of the
 * wrong schema or an unknown version gives a short, specific error instead of a crash. Pure
 * functions; runs in Node and in a webview.
 */
import {
  MIME,
  type ChainPayload,
  type CotangentMime,
  type CotangentPayload,
  type ExploreFrame,
  type ExploreHostMessage,
  type ExplorePayload,
  type TracePayload,
} from "./payloads.js";
import {
  PayloadError,
  brief,
  checkArray,
  checkHeader,
  checkJacobian,
  checkShape,
  checkString,
  fail,
  isRecord,
} from "./checks.js";
import { checkExplore, checkExploreFrame, checkHostMessage } from "./validate-explore.js";

export type Validation<T> = { ok: true; payload: T } | { ok: false; error: string };

function checkChain(value: unknown): ChainPayload {
  const p = checkHeader(value, "chain");
  checkString(p["title"], "payload.title", true);
  const stages = p["stages"];
  if (!Array.isArray(stages) || stages.length === 0)
    fail("payload.stages", "must be a non-empty array");
  stages.forEach((stage: unknown, k) => {
    const where = `payload.stages[${k}]`;
    if (!isRecord(stage)) fail(where, "must be an object");
    checkString(stage["name"], `${where}.name`);
    const inShape = checkShape(stage["inShape"], `${where}.inShape`);
    const outShape = checkShape(stage["outShape"], `${where}.outShape`);
    checkArray(stage["input"], `${where}.input`, inShape);
    checkArray(stage["output"], `${where}.output`, outShape);
    checkArray(stage["cotangentIn"], `${where}.cotangentIn`, outShape);
    checkArray(stage["cotangentOut"], `${where}.cotangentOut`, inShape);
    checkJacobian(stage["jacobian"], `${where}.jacobian`);
  });
  checkArray(p["v"], "payload.v");
  checkArray(p["result"], "payload.result");
  return p as unknown as ChainPayload;
}

function checkTrace(value: unknown): TracePayload {
  const p = checkHeader(value, "trace");
  checkString(p["title"], "payload.title");
  checkString(p["xLabel"], "payload.xLabel", true);
  checkString(p["traceId"], "payload.traceId", true);
  const steps = checkArray(p["steps"], "payload.steps");
  if (steps.shape.length !== 1) fail("payload.steps.shape", "must have one dimension");
  const series = p["series"];
  if (!Array.isArray(series)) fail("payload.series", "must be an array");
  series.forEach((s: unknown, k) => {
    if (!isRecord(s)) fail(`payload.series[${k}]`, "must be an object");
    checkString(s["name"], `payload.series[${k}].name`);
    checkArray(s["values"], `payload.series[${k}].values`, steps.shape);
  });
  if (typeof p["done"] !== "boolean") fail("payload.done", "must be true or false");
  if (p["interrupted"] !== undefined && typeof p["interrupted"] !== "boolean") {
    fail("payload.interrupted", "must be true or false when given");
  }
  return p as unknown as TracePayload;
}

/** Check a payload of the given MIME type; the error names the first field that is wrong. */
export function validatePayload(mime: string, value: unknown): Validation<CotangentPayload> {
  try {
    if (mime === MIME.jacobian) return { ok: true, payload: checkJacobian(value) };
    if (mime === MIME.chain) return { ok: true, payload: checkChain(value) };
    if (mime === MIME.trace) return { ok: true, payload: checkTrace(value) };
    if (mime === MIME.explore) return { ok: true, payload: checkExplore(value) };
    return { ok: false, error: `unknown MIME type ${brief(mime)}` };
  } catch (error) {
    if (error instanceof PayloadError) return { ok: false, error: error.message };
    throw error;
  }
}

function guarded<T>(check: () => T): Validation<T> {
  try {
    return { ok: true, payload: check() };
  } catch (error) {
    if (error instanceof PayloadError) return { ok: false, error: error.message };
    throw error;
  }
}

/**
 * Check a frame (a host's `exploreFrame` payload) against the view it is for: its kind, the
 * length of x, the Jacobian's size. Non-finite scalars (JSON null) come back as NaN.
 */
export function validateExploreFrame(
  value: unknown,
  view: ExplorePayload,
): Validation<ExploreFrame> {
  return guarded(() => checkExploreFrame(value, view, "frame"));
}

/** Check a message from the extension host to an explore view (its frame is checked apart). */
export function validateHostMessage(value: unknown): Validation<ExploreHostMessage> {
  return guarded(() => checkHostMessage(value));
}

/** True for the MIME types this module validates. */
export function isCotangentMime(mime: string): mime is CotangentMime {
  return mime in MIME_SET;
}

const MIME_SET: Record<string, true> = Object.fromEntries(
  Object.values(MIME).map((m) => [m, true]),
);
