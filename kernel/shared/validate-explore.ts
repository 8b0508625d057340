/**
 * Validation of the explore view's payload, its frames and the extension host's messages: a bad
 * one gives a short error naming the field, never an exception in the view. Pure functions.
 */
import type {
  ExploreFrame,
  ExploreHostMessage,
  ExploreInput,
  ExplorePayload,
  ExploreStatic,
  ExploreView,
} from "./payloads.js";
import {
  brief,
  checkArray,
  checkHeader,
  checkJacobian,
  checkString,
  fail,
  isRecord,
  size,
} from "./checks.js";

const VIEWS: readonly ExploreView[] = ["jacobian", "curve", "surface"];

function checkCount(value: unknown, where: string, min = 0): number {
  if (!Number.isInteger(value) || (value as number) < min)
    fail(where, min > 0 ? "must be a positive integer" : "must be a non-negative integer");
  return value as number;
}

function checkFinite(value: unknown, where: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) fail(where, "must be a finite number");
  return value;
}

/** A scalar of a frame: a number, or null (JSON's NaN/±∞), which becomes NaN. */
function scalar(value: unknown, where: string): number {
  if (value === null) return NaN;
  if (typeof value !== "number") fail(where, "must be a number");
  return value;
}

function scalars(value: unknown, where: string, length?: number): number[] {
  if (!Array.isArray(value)) fail(where, "must be an array of numbers");
  if (length !== undefined && value.length !== length)
    fail(where, `has ${value.length} numbers, expected ${length}`);
  return value.map((v: unknown, k) => scalar(v, `${where}[${k}]`));
}

function finiteList(value: unknown, where: string, length?: number): number[] {
  if (!Array.isArray(value)) fail(where, "must be an array of numbers");
  if (length !== undefined && value.length !== length)
    fail(where, `has ${value.length} numbers, expected ${length}`);
  value.forEach((v: unknown, k) => checkFinite(v, `${where}[${k}]`));
  return value as number[];
}

function checkRange(value: unknown, where: string): [number, number] {
  const [lo, hi] = finiteList(value, where, 2) as [number, number];
  if (!(lo < hi)) fail(where, `must be increasing, got [${lo}, ${hi}]`);
  return [lo, hi];
}

function checkInput(value: unknown, where: string, n: number): ExploreInput {
  if (!isRecord(value)) fail(where, "must be an object");
  const index = checkCount(value["index"], `${where}.index`);
  if (index >= n) fail(`${where}.index`, `is ${index}, but x has ${n} coordinates`);
  checkString(value["label"], `${where}.label`);
  const min = checkFinite(value["min"], `${where}.min`);
  const max = checkFinite(value["max"], `${where}.max`);
  if (!(min < max)) fail(where, `min ${min} is not below max ${max}`);
  const step = checkFinite(value["step"], `${where}.step`);
  if (!(step > 0)) fail(`${where}.step`, "must be positive");
  return value as unknown as ExploreInput;
}

function checkCurveStatic(s: Record<string, unknown>, where: string): void {
  checkRange(s["domain"], `${where}.domain`);
  const xs = checkArray(s["xs"], `${where}.xs`);
  if (xs.shape.length !== 1 || (xs.shape[0] ?? 0) < 2)
    fail(`${where}.xs.shape`, "must be one dimension of at least 2 points");
  for (const key of ["f", "df", "d2f"]) checkArray(s[key], `${where}.${key}`, xs.shape);
}

function checkSurfaceStatic(s: Record<string, unknown>, where: string): void {
  const domain = s["domain"];
  if (!Array.isArray(domain) || domain.length !== 2) fail(`${where}.domain`, "must be two ranges");
  domain.forEach((range: unknown, k) => checkRange(range, `${where}.domain[${k}]`));
  const xs = checkArray(s["xs"], `${where}.xs`);
  const ys = checkArray(s["ys"], `${where}.ys`);
  for (const [axis, a] of [
    ["xs", xs],
    ["ys", ys],
  ] as const) {
    if (a.shape.length !== 1 || (a.shape[0] ?? 0) < 2)
      fail(`${where}.${axis}.shape`, "must be one dimension of at least 2 points");
  }
  checkArray(s["values"], `${where}.values`, [ys.shape[0] ?? 0, xs.shape[0] ?? 0]);
  checkString(s["pathTrace"], `${where}.pathTrace`, true);
  const path = s["path"];
  if (path === undefined) return;
  if (!Array.isArray(path)) fail(`${where}.path`, "must be an array of [x, y] points");
  path.forEach((p: unknown, k) => scalars(p, `${where}.path[${k}]`, 2));
}

function checkStatic(value: unknown, view: ExploreView, where: string): ExploreStatic {
  if (!isRecord(value)) fail(where, `must be an object (the ${view} view needs it)`);
  if (value["kind"] !== view)
    fail(`${where}.kind`, `is ${brief(value["kind"])}, expected "${view}"`);
  if (view === "curve") checkCurveStatic(value, where);
  else checkSurfaceStatic(value, where);
  return value as unknown as ExploreStatic;
}

function checkSurfaceFrame(f: Record<string, unknown>, where: string): ExploreFrame {
  const eigen = f["eigen"];
  if (!isRecord(eigen)) fail(`${where}.eigen`, "must be an object");
  const vectors = eigen["vectors"];
  if (!Array.isArray(vectors) || vectors.length !== 2)
    fail(`${where}.eigen.vectors`, "must be two vectors");
  const newton = f["newton"];
  return {
    kind: "surface",
    x: scalars(f["x"], `${where}.x`, 2),
    value: scalar(f["value"], `${where}.value`),
    grad: scalars(f["grad"], `${where}.grad`, 2) as [number, number],
    hessian: scalars(f["hessian"], `${where}.hessian`, 4) as [number, number, number, number],
    eigen: {
      values: scalars(eigen["values"], `${where}.eigen.values`, 2) as [number, number],
      vectors: vectors.map(
        (v: unknown, k) => scalars(v, `${where}.eigen.vectors[${k}]`, 2) as [number, number],
      ) as [[number, number], [number, number]],
    },
    newton: newton === null ? null : (scalars(newton, `${where}.newton`, 2) as [number, number]),
  };
}

/** A frame for `view`: its kind, x of length n, and (Jacobian) f(x) of m values and an m×n J. */
export function checkExploreFrame(
  value: unknown,
  view: Pick<ExplorePayload, "view" | "n" | "m">,
  where: string,
): ExploreFrame {
  if (!isRecord(value)) fail(where, "must be an object");
  if (value["kind"] !== view.view)
    fail(`${where}.kind`, `is ${brief(value["kind"])}, expected "${view.view}"`);
  if (view.view === "surface") return checkSurfaceFrame(value, where);
  const x = scalars(value["x"], `${where}.x`, view.n);
  if (view.view === "curve") {
    return {
      kind: "curve",
      x,
      value: scalar(value["value"], `${where}.value`),
      slope: scalar(value["slope"], `${where}.slope`),
      second: scalar(value["second"], `${where}.second`),
    };
  }
  const fx = checkArray(value["value"], `${where}.value`);
  if (size(fx.shape) !== view.m) fail(`${where}.value`, `holds ${size(fx.shape)} of ${view.m}`);
  const jacobian = checkJacobian(value["jacobian"], `${where}.jacobian`);
  const rows = size(jacobian.outShape);
  const cols = size(jacobian.inShape);
  if (rows !== view.m || cols !== view.n)
    fail(`${where}.jacobian`, `is ${rows}×${cols}, expected ${view.m}×${view.n}`);
  return { kind: "jacobian", x, value: fx, jacobian };
}

/** The explore MIME type's payload. */
export function checkExplore(value: unknown): ExplorePayload {
  const p = checkHeader(value, "explore");
  checkString(p["viewId"], "payload.viewId");
  if (p["viewId"] === "") fail("payload.viewId", "must not be empty");
  const view = p["view"] as ExploreView;
  if (!VIEWS.includes(view))
    fail("payload.view", `is ${brief(view)}, expected one of ${VIEWS.join(", ")}`);
  checkString(p["title"], "payload.title", true);
  const n = checkCount(p["n"], "payload.n", 1);
  const m = checkCount(p["m"], "payload.m", 1);
  if (view === "curve" && (n !== 1 || m !== 1)) fail("payload", `the curve view needs f: ℝ → ℝ`);
  if (view === "surface" && (n !== 2 || m !== 1))
    fail("payload", `the surface view needs f: ℝ² → ℝ`);
  const inputs = p["inputs"];
  if (!Array.isArray(inputs)) fail("payload.inputs", "must be an array");
  inputs.forEach((input: unknown, k) => checkInput(input, `payload.inputs[${k}]`, n));
  finiteList(p["x0"], "payload.x0", n);
  const notes = p["notes"];
  if (notes !== undefined && (!Array.isArray(notes) || notes.some((t) => typeof t !== "string")))
    fail("payload.notes", "must be an array of strings");
  const stat = view === "jacobian" ? undefined : checkStatic(p["static"], view, "payload.static");
  const frame = checkExploreFrame(p["frame"], { view, n, m }, "payload.frame");
  return { ...(p as unknown as ExplorePayload), frame, ...(stat ? { static: stat } : {}) };
}

function checkSeq(value: unknown, where: string): void {
  checkCount(value, where);
}

/** A host → renderer message; an `exploreFrame`'s payload is checked against its view later. */
export function checkHostMessage(value: unknown): ExploreHostMessage {
  if (!isRecord(value)) fail("message", "must be an object");
  checkString(value["viewId"], "message.viewId");
  const type = value["type"];
  if (type === "exploreAttached") return value as unknown as ExploreHostMessage;
  if (type === "exploreClosed") checkString(value["reason"], "message.reason");
  else if (type === "exploreWaiting") checkSeq(value["seq"], "message.seq");
  else if (type === "exploreError") {
    checkSeq(value["seq"], "message.seq");
    checkString(value["ename"], "message.ename");
    checkString(value["evalue"], "message.evalue");
  } else if (type === "exploreFrame") {
    checkSeq(value["seq"], "message.seq");
    scalars(value["x"], "message.x");
    if (typeof value["ms"] !== "number") fail("message.ms", "must be a number");
    if (!isRecord(value["payload"])) fail("message.payload", "must be an object");
  } else fail("message.type", `is ${brief(type)}, not an explore message`);
  return value as unknown as ExploreHostMessage;
}
