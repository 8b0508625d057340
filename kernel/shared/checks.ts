/**
 * The field checks every payload validator shares: each throws a PayloadError naming the field
 * that is wrong. Pure functions; run in Node and in a webview.
 */
import { LIMITS, PAYLOAD_VERSION, type EncodedArray, type JacobianPayload } from "./payloads.js";

export class PayloadError extends Error {}

export function fail(where: string, what: string): never {
  throw new PayloadError(`${where}: ${what}`);
}

/** A value as errors quote it: JSON, cut to a few dozen characters (payloads may be huge). */
export function brief(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** A shape as errors quote it. */
function briefShape(shape: readonly number[]): string {
  return shape.length > 8 ? `[${shape.slice(0, 8).join(",")},…]` : `[${shape.join(",")}]`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function checkShape(value: unknown, where: string): number[] {
  if (!Array.isArray(value) || value.some((d) => !Number.isInteger(d) || (d as number) < 0)) {
    fail(where, "must be an array of non-negative integers");
  }
  return value as number[];
}

export function checkString(value: unknown, where: string, optional = false): void {
  if (value === undefined && optional) return;
  if (typeof value !== "string") fail(where, "must be a string");
}

export function checkLabels(value: unknown, count: number, where: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.some((l) => typeof l !== "string")) {
    fail(where, "must be an array of strings");
  }
  if (value.length !== count) fail(where, `has ${value.length} labels for ${count} entries`);
}

export function checkArray(value: unknown, where: string, shape?: number[]): EncodedArray {
  if (!isRecord(value)) fail(where, "must be an encoded array object");
  if (value["dtype"] !== "float64" && value["dtype"] !== "float32") {
    fail(`${where}.dtype`, `must be "float64" or "float32", got ${brief(value["dtype"])}`);
  }
  const s = checkShape(value["shape"], `${where}.shape`);
  if (typeof value["data"] !== "string") fail(`${where}.data`, "must be a base64 string");
  if (shape && s.join(",") !== shape.join(",")) {
    fail(`${where}.shape`, `is ${briefShape(s)}, expected ${briefShape(shape)}`);
  }
  const width = value["dtype"] === "float64" ? 8 : 4;
  const bytes = Math.floor((value["data"].replace(/=+$/, "").length * 3) / 4);
  const count = s.reduce((a, b) => a * b, 1);
  if (bytes !== count * width)
    fail(`${where}.data`, `holds ${bytes} bytes, not ${count} ${value["dtype"]} values`);
  return value as unknown as EncodedArray;
}

export function checkHeader(value: unknown, kind: string): Record<string, unknown> {
  if (!isRecord(value)) fail("payload", "must be a JSON object");
  if (value["version"] !== PAYLOAD_VERSION) {
    fail(
      "payload",
      `unknown version ${brief(value["version"])} (this view reads version ${PAYLOAD_VERSION})`,
    );
  }
  if (value["kind"] !== kind)
    fail("payload.kind", `is ${brief(value["kind"])}, expected "${kind}"`);
  return value;
}

export function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function checkJacobian(value: unknown, where = "payload"): JacobianPayload {
  const p = checkHeader(value, "jacobian");
  checkString(p["title"], `${where}.title`, true);
  if (p["derivative"] !== undefined && p["derivative"] !== "hessian")
    fail(`${where}.derivative`, `must be "hessian" when given`);
  const outShape = checkShape(p["outShape"], `${where}.outShape`);
  const inShape = checkShape(p["inShape"], `${where}.inShape`);
  const rows = size(outShape);
  const cols = size(inShape);
  checkLabels(p["outputs"], rows, `${where}.outputs`);
  checkLabels(p["inputs"], cols, `${where}.inputs`);
  const values = checkArray(p["values"], `${where}.values`);
  if (values.shape.length !== 2) fail(`${where}.values.shape`, "must have two dimensions");
  // An empty grid passes the byte count with any other side: a view draws at most this many.
  if (values.shape.some((side) => side > LIMITS.float32Entries))
    fail(`${where}.values.shape`, `has a side over the ${LIMITS.float32Entries} a view can draw`);
  const d = p["downsampled"];
  if (d === undefined) {
    if (values.shape[0] !== rows || values.shape[1] !== cols) {
      fail(
        `${where}.values.shape`,
        `is ${briefShape(values.shape)} for a ${rows}×${cols} Jacobian`,
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
    if (d["mean"] !== undefined) checkArray(d["mean"], `${where}.downsampled.mean`, values.shape);
  }
  checkBlocks(p["blocks"], rows, cols, `${where}.blocks`);
  checkBatch(p["batch"], outShape, inShape, `${where}.batch`);
  const stats = p["stats"];
  if (!isRecord(stats)) fail(`${where}.stats`, "must be an object");
  for (const key of ["frobenius", "maxAbs", "nnz"]) {
    if (typeof stats[key] !== "number") fail(`${where}.stats.${key}`, "must be a number");
  }
  for (const key of ["nonFinite", "nan", "rank", "cond"]) {
    if (stats[key] !== undefined && typeof stats[key] !== "number")
      fail(`${where}.stats.${key}`, "must be a number");
  }
  const sv = stats["singularValues"];
  if (sv !== undefined && (!Array.isArray(sv) || sv.some((s) => typeof s !== "number"))) {
    fail(`${where}.stats.singularValues`, "must be an array of numbers");
  }
  return p as unknown as JacobianPayload;
}

/** A pytree Jacobian's block axes: leaves in order, each covering the next `size` rows/columns. */
function checkBlocks(value: unknown, rows: number, cols: number, where: string): void {
  if (value === undefined) return;
  if (!isRecord(value)) fail(where, "must be an object");
  for (const [key, total] of [
    ["rows", rows],
    ["cols", cols],
  ] as const) {
    const parts = value[key];
    if (!Array.isArray(parts)) fail(`${where}.${key}`, "must be an array");
    let at = 0;
    parts.forEach((part: unknown, k) => {
      const w = `${where}.${key}[${k}]`;
      if (!isRecord(part)) fail(w, "must be an object");
      checkString(part["path"], `${w}.path`);
      const shape = checkShape(part["shape"], `${w}.shape`);
      if (part["start"] !== at || part["size"] !== size(shape))
        fail(w, `must cover ${size(shape)} entries from ${at}`);
      at += size(shape);
    });
    if (at !== total) fail(`${where}.${key}`, `cover ${at} of ${total}`);
  }
}

/** A batch: its length, and items that are Jacobians of the same shapes as the top level. */
function checkBatch(value: unknown, outShape: number[], inShape: number[], where: string): void {
  if (value === undefined) return;
  if (!isRecord(value)) fail(where, "must be an object");
  const items = value["items"];
  if (!Array.isArray(items) || items.length === 0)
    fail(`${where}.items`, "must be a non-empty array");
  if (!Number.isInteger(value["size"]) || (value["size"] as number) < items.length)
    fail(`${where}.size`, `must be an integer of at least ${items.length}`);
  items.forEach((item: unknown, k) => {
    const w = `${where}.items[${k}]`;
    if (isRecord(item) && item["batch"] !== undefined) fail(`${w}.batch`, "must be left out");
    const checked = checkJacobian(item, w);
    if (
      checked.outShape.join(",") !== outShape.join(",") ||
      checked.inShape.join(",") !== inShape.join(",")
    )
      fail(w, "must have the shapes of the batch's first item");
  });
}
