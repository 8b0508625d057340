/**
 * Validation of payloads read from an output (the renderer, the HTML report): a payload of the
 * wrong schema or an unknown version gives a short, specific error instead of a crash. Pure
 * functions; runs in Node and in a webview.
 */
import {
  MIME,
  PAYLOAD_VERSION,
  type ChainPayload,
  type CotangentMime,
  type CotangentPayload,
  type EncodedArray,
  type JacobianPayload,
  type TracePayload,
} from "./payloads.js";

export type Validation<T> = { ok: true; payload: T } | { ok: false; error: string };

class PayloadError extends Error {}

function fail(where: string, what: string): never {
  throw new PayloadError(`${where}: ${what}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkShape(value: unknown, where: string): number[] {
  if (!Array.isArray(value) || value.some((d) => !Number.isInteger(d) || (d as number) < 0)) {
    fail(where, "must be an array of non-negative integers");
  }
  return value as number[];
}

function checkString(value: unknown, where: string, optional = false): void {
  if (value === undefined && optional) return;
  if (typeof value !== "string") fail(where, "must be a string");
}

function checkLabels(value: unknown, count: number, where: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.some((l) => typeof l !== "string")) {
    fail(where, "must be an array of strings");
  }
  if (value.length !== count) fail(where, `has ${value.length} labels for ${count} entries`);
}

function checkArray(value: unknown, where: string, shape?: number[]): EncodedArray {
  if (!isRecord(value)) fail(where, "must be an encoded array object");
  if (value["dtype"] !== "float64" && value["dtype"] !== "float32") {
    fail(`${where}.dtype`, `must be "float64" or "float32", got ${JSON.stringify(value["dtype"])}`);
  }
  const s = checkShape(value["shape"], `${where}.shape`);
  if (typeof value["data"] !== "string") fail(`${where}.data`, "must be a base64 string");
  if (shape && s.join(",") !== shape.join(",")) {
    fail(`${where}.shape`, `is [${s.join(",")}], expected [${shape.join(",")}]`);
  }
  const width = value["dtype"] === "float64" ? 8 : 4;
  const bytes = Math.floor((value["data"].replace(/=+$/, "").length * 3) / 4);
  const count = s.reduce((a, b) => a * b, 1);
  if (bytes !== count * width)
    fail(`${where}.data`, `holds ${bytes} bytes, not ${count} ${value["dtype"]} values`);
  return value as unknown as EncodedArray;
}

function checkHeader(value: unknown, kind: string): Record<string, unknown> {
  if (!isRecord(value)) fail("payload", "must be a JSON object");
  if (value["version"] !== PAYLOAD_VERSION) {
    fail(
      "payload",
      `unknown version ${JSON.stringify(value["version"])} (this view reads version ${PAYLOAD_VERSION})`,
    );
  }
  if (value["kind"] !== kind)
    fail("payload.kind", `is ${JSON.stringify(value["kind"])}, expected "${kind}"`);
  return value;
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function checkJacobian(value: unknown, where = "payload"): JacobianPayload {
  const p = checkHeader(value, "jacobian");
  checkString(p["title"], `${where}.title`, true);
  const outShape = checkShape(p["outShape"], `${where}.outShape`);
  const inShape = checkShape(p["inShape"], `${where}.inShape`);
  const rows = size(outShape);
  const cols = size(inShape);
  checkLabels(p["outputs"], rows, `${where}.outputs`);
  checkLabels(p["inputs"], cols, `${where}.inputs`);
  const values = checkArray(p["values"], `${where}.values`);
  if (values.shape.length !== 2) fail(`${where}.values.shape`, "must have two dimensions");
  const d = p["downsampled"];
  if (d === undefined) {
    if (values.shape[0] !== rows || values.shape[1] !== cols) {
      fail(
        `${where}.values.shape`,
        `is [${values.shape.join(",")}] for a ${rows}×${cols} Jacobian`,
      );
    }
  } else {
    if (!isRecord(d)) fail(`${where}.downsampled`, "must be an object");
    for (const key of ["fullRows", "fullCols", "blockRows", "blockCols"]) {
      if (!Number.isInteger(d[key]) || (d[key] as number) < 1)
        fail(`${where}.downsampled.${key}`, "must be a positive integer");
    }
    if (d["fullRows"] !== rows || d["fullCols"] !== cols)
      fail(`${where}.downsampled`, `full size does not match ${rows}×${cols}`);
    const gr = Math.ceil(rows / (d["blockRows"] as number));
    const gc = Math.ceil(cols / (d["blockCols"] as number));
    if (values.shape[0] !== gr || values.shape[1] !== gc)
      fail(`${where}.values.shape`, `is not the ${gr}×${gc} block grid`);
    checkArray(d["mean"], `${where}.downsampled.mean`, values.shape);
  }
  const stats = p["stats"];
  if (!isRecord(stats)) fail(`${where}.stats`, "must be an object");
  for (const key of ["frobenius", "maxAbs", "nnz"]) {
    if (typeof stats[key] !== "number") fail(`${where}.stats.${key}`, "must be a number");
  }
  for (const key of ["nonFinite", "rank", "cond"]) {
    if (stats[key] !== undefined && typeof stats[key] !== "number")
      fail(`${where}.stats.${key}`, "must be a number");
  }
  const sv = stats["singularValues"];
  if (sv !== undefined && (!Array.isArray(sv) || sv.some((s) => typeof s !== "number"))) {
    fail(`${where}.stats.singularValues`, "must be an array of numbers");
  }
  return p as unknown as JacobianPayload;
}

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
    return { ok: false, error: `unknown MIME type ${JSON.stringify(mime)}` };
  } catch (error) {
    if (error instanceof PayloadError) return { ok: false, error: error.message };
    throw error;
  }
}

/** True for the MIME types this module validates. */
export function isCotangentMime(mime: string): mime is CotangentMime {
  return mime === MIME.jacobian || mime === MIME.chain || mime === MIME.trace;
}
