/**
 * The trace payload (series over steps) and its fallbacks: an SVG line chart and a text summary
 * with the last value of every series.
 */
import {
  LIMITS,
  MIME,
  PAYLOAD_VERSION,
  encodeArray,
  type EncodedArray,
  type MimeBundle,
  type TracePayload,
} from "../shared/payloads.js";
import { formatNumber } from "../shared/format.js";
import { traceSvg } from "./svg.js";
import { tracePng } from "./png-views.js";

/** What a trace looks like to the views (the runtime's `LiveTrace` has this shape). */
export interface TraceInput {
  title: string;
  steps: readonly number[];
  series: ReadonlyMap<string, readonly number[]>;
  done: boolean;
  /** The x axis's name ("step" when left out). */
  x?: string;
  /** The display id the trace updates under (the runtime's `LiveTrace.displayId`). */
  displayId?: string;
  /** Set by the kernel when the trace's cell ended before `finish()` (an error, an interrupt). */
  interrupted?: boolean;
}

function encodeSeries(values: ArrayLike<number>): EncodedArray {
  const dtype = values.length <= LIMITS.float64Entries ? "float64" : "float32";
  return encodeArray(values, [values.length], dtype);
}

/** Every `stride`-th point (and always the last), so at most `max` points travel. */
function strided(values: readonly number[], stride: number): number[] {
  if (stride === 1) return [...values];
  const out: number[] = [];
  for (let i = 0; i < values.length; i += stride) out.push(values[i]);
  if ((values.length - 1) % stride !== 0) out.push(values[values.length - 1]);
  return out;
}

/**
 * The steps every series has a value for: a push that an interrupt stopped halfway leaves some
 * arrays one longer than the others, and that step is left out.
 */
function complete(trace: TraceInput): TraceInput {
  let n = trace.steps.length;
  for (const values of trace.series.values()) n = Math.min(n, values.length);
  const series = new Map([...trace.series].map(([name, v]) => [name, v.slice(0, n)] as const));
  return { ...trace, steps: trace.steps.slice(0, n), series };
}

/**
 * The points in order of x (a stable sort: equal x keep their push order), without those whose
 * x is not finite (they have no place on the axis). Already ordered traces are returned as is.
 */
function byX(trace: TraceInput): TraceInput {
  const xs = trace.steps;
  let ordered = true;
  for (let i = 0; i < xs.length && ordered; i++) {
    if (!Number.isFinite(xs[i]) || (i > 0 && xs[i] < xs[i - 1])) ordered = false;
  }
  if (ordered) return trace;
  const order = [...xs.keys()].filter((i) => Number.isFinite(xs[i]));
  order.sort((a, b) => xs[a] - xs[b] || a - b);
  const pick = (values: readonly number[]): number[] => order.map((i) => values[i]);
  const series = new Map([...trace.series].map(([name, v]) => [name, pick(v)] as const));
  return { ...trace, steps: pick(xs), series };
}

/** The x axis's name, when it is not the step. */
function xLabelOf(input: TraceInput): { xLabel?: string } {
  return input.x !== undefined && input.x !== "step" ? { xLabel: input.x } : {};
}

/** Build the versioned trace payload; beyond the float32 limit the points are evenly thinned. */
export function tracePayload(input: TraceInput): TracePayload {
  const trace = byX(complete(input));
  const n = trace.steps.length;
  const stride = Math.max(1, Math.ceil(n / LIMITS.float32Entries));
  const series = [...trace.series].map(([name, values]) => ({
    name,
    values: encodeSeries(strided(values, stride)),
  }));
  return {
    version: PAYLOAD_VERSION,
    kind: "trace",
    title: trace.title,
    ...xLabelOf(input),
    ...(input.displayId !== undefined ? { traceId: input.displayId } : {}),
    steps: encodeSeries(strided(trace.steps, stride)),
    series,
    done: trace.done,
    ...(trace.interrupted === true ? { interrupted: true } : {}),
  };
}

/** "loss" trace, 120 steps (running): loss=0.0123 gradNorm=0.5 */
export function traceText(input: TraceInput): string {
  const trace = complete(input);
  const n = trace.steps.length;
  const last = [...trace.series].map(([name, values]) => {
    let k = values.length - 1;
    while (k >= 0 && Number.isNaN(values[k])) k--;
    return `${name}=${k >= 0 ? formatNumber(values[k], 6) : "—"}`;
  });
  const state = trace.interrupted === true ? " (interrupted)" : trace.done ? "" : " (running)";
  const axis = input.x ?? "step";
  const sep = axis === "step" ? " " : " = ";
  const at = n > 0 ? ` at ${axis}${sep}${formatNumber(trace.steps[n - 1], 8)}` : "";
  const count = axis === "step" ? `${n} steps` : `${n} points against ${axis}`;
  return `trace "${trace.title}": ${count}${state}${last.length ? `; last${at}: ${last.join(" ")}` : ""}`;
}

/** The MIME bundle of a trace: payload, SVG line chart, text. */
export function traceBundle(trace: TraceInput): MimeBundle {
  const payload = tracePayload(trace);
  return {
    [MIME.trace]: payload,
    "image/svg+xml": traceSvg(payload),
    "image/png": tracePng(payload),
    "text/plain": traceText(trace),
  };
}
