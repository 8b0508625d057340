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

/** What a trace looks like to the views (the runtime's `LiveTrace` has this shape). */
export interface TraceInput {
  title: string;
  steps: readonly number[];
  series: ReadonlyMap<string, readonly number[]>;
  done: boolean;
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

/** Build the versioned trace payload; beyond the float32 limit the points are evenly thinned. */
export function tracePayload(trace: TraceInput): TracePayload {
  const n = trace.steps.length;
  for (const [name, values] of trace.series) {
    if (values.length !== n) {
      throw new Error(`tracePayload: series "${name}" has ${values.length} values for ${n} steps`);
    }
  }
  const stride = Math.max(1, Math.ceil(n / LIMITS.float32Entries));
  const series = [...trace.series].map(([name, values]) => ({
    name,
    values: encodeSeries(strided(values, stride)),
  }));
  return {
    version: PAYLOAD_VERSION,
    kind: "trace",
    title: trace.title,
    steps: encodeSeries(strided(trace.steps, stride)),
    series,
    done: trace.done,
  };
}

/** "loss" trace, 120 steps (running): loss=0.0123 gradNorm=0.5 */
export function traceText(trace: TraceInput): string {
  const n = trace.steps.length;
  const last = [...trace.series].map(([name, values]) => {
    let k = values.length - 1;
    while (k >= 0 && Number.isNaN(values[k])) k--;
    return `${name}=${k >= 0 ? formatNumber(values[k], 6) : "—"}`;
  });
  const state = trace.done ? "" : " (running)";
  const at = n > 0 ? ` at step ${formatNumber(trace.steps[n - 1], 8)}` : "";
  return `trace "${trace.title}": ${n} steps${state}${last.length ? `; last${at}: ${last.join(" ")}` : ""}`;
}

/** The MIME bundle of a trace: payload, SVG line chart, text. */
export function traceBundle(trace: TraceInput): MimeBundle {
  const payload = tracePayload(trace);
  return {
    [MIME.trace]: payload,
    "image/svg+xml": traceSvg(payload),
    "text/plain": traceText(trace),
  };
}
