/**
 * The one module that defines what the kernel sends and the renderer draws: the MIME types of
 * Cotangent's rich outputs and the TypeScript types of their payloads. The kernel builds these
 * payloads (kernel/display), the VS Code renderer and the HTML report draw them
 * (extension/renderer). Pure data and pure functions only: it runs in Node and in a webview.
 *
 * Payloads are versioned: a reader that meets an unknown `version` shows a short error instead
 * of guessing.
 */

export const PAYLOAD_VERSION = 1 as const;

export const MIME = {
  jacobian: "application/vnd.cotangent.jacobian+json",
  chain: "application/vnd.cotangent.chain+json",
  trace: "application/vnd.cotangent.trace+json",
  explore: "application/vnd.cotangent.explore+json",
} as const;

export type CotangentMime = (typeof MIME)[keyof typeof MIME];
export const COTANGENT_MIMES: readonly CotangentMime[] = [
  MIME.jacobian,
  MIME.chain,
  MIME.trace,
  MIME.explore,
];

/** A Jupyter MIME bundle: MIME type → data (string for text types, JSON for +json types). */
export type MimeBundle = Record<string, unknown>;

/** Entry limits for tensors inside payloads (see kernel issue): beyond them, downsample. */
export const LIMITS = {
  /** Up to this many entries travel as float64. */
  float64Entries: 65_536,
  /** Up to this many entries travel as float32. */
  float32Entries: 1_000_000,
  /** Beyond that, a matrix is block-downsampled to at most this many rows and columns. */
  maxSide: 1_000,
  /**
   * The default cap on the encoded arrays of one view (characters of base64, as written into a
   * saved notebook): a larger matrix is block-downsampled to fit (`display.jacobian(J,
   * { maxBytes })` asks for more, up to the limits above).
   */
  viewBytes: 1_000_000,
} as const;

/** A dense array of numbers, base64 of the little-endian bytes of a typed array. */
export interface EncodedArray {
  dtype: "float64" | "float32";
  /** The shape of the encoded data (row-major). */
  shape: number[];
  /** base64 of the raw little-endian bytes. */
  data: string;
}

/** How a matrix was block-downsampled to fit the limits. */
export interface Downsampling {
  /** Rows and columns of the full (flattened) matrix. */
  fullRows: number;
  fullCols: number;
  /** Each drawn cell summarises a block of this many rows × columns of the full matrix. */
  blockRows: number;
  blockCols: number;
  /**
   * Per block, the mean of its entries (same shape as the payload's `values`). Left out by
   * default (one array per drawn matrix keeps the saved notebook small).
   */
  mean?: EncodedArray;
}

export interface JacobianStats {
  /** Frobenius norm of the full matrix (over its finite entries; see `nonFinite`). */
  frobenius: number;
  /** Largest |entry| of the full matrix (over its finite entries). */
  maxAbs: number;
  /** Number of entries that are exactly nonzero (NaN and ±∞ count as nonzero). */
  nnz: number;
  /** Number of NaN or ±∞ entries, when there are any (JSON cannot carry them in a number). */
  nonFinite?: number;
  /** How many of the non-finite entries are NaN, when there are any. */
  nan?: number;
  /** Singular values in decreasing order (matrices up to 500×500 only). */
  singularValues?: number[];
  /**
   * Numerical rank (σᵢ > max(m,n)·ε·σ₁) and condition number σ₁/σ_min, when known; `cond` is
   * left out when σ_min = 0 (the condition number is infinite).
   */
  rank?: number;
  cond?: number;
}

/**
 * A Jacobian J[i…, j…] = ∂yᵢ/∂xⱼ, drawn as a matrix whose rows are the flattened output indices
 * and whose columns are the flattened input indices.
 */
export interface JacobianPayload {
  version: typeof PAYLOAD_VERSION;
  kind: "jacobian";
  title?: string;
  /** Set for `hessian(f)`: the matrix is ∂²f/∂xᵢ∂xⱼ (labelled so instead of ∂f/∂x). */
  derivative?: "hessian";
  /** Shapes of the output y and the input x; rows = prod(outShape), cols = prod(inShape). */
  outShape: number[];
  inShape: number[];
  /** Optional labels: one per flattened output (row) / input (column). */
  outputs?: string[];
  inputs?: string[];
  /**
   * The matrix, shape [rows, cols]. When `downsampled` is set, shape is the block grid and each
   * value is the entry of largest magnitude in its block (signed).
   */
  values: EncodedArray;
  downsampled?: Downsampling;
  stats: JacobianStats;
  /** Set when the Jacobian came from sparse detection: the number of colours (passes) used. */
  sparse?: { colors: number };
  /**
   * A pytree Jacobian (`jacobian(net)(p, x)` with p = { W, b }): the matrix is its blocks laid
   * out by output leaf (rows) and input leaf (columns); each axis lists its leaves in order.
   */
  blocks?: { rows: JacobianBlockAxis[]; cols: JacobianBlockAxis[] };
  /**
   * Batched Jacobians (`vmap(jacobian(f))(xs)`): the top level is item 0; `items` holds the
   * first items of the batch (each a Jacobian payload of the same shapes), `size` the batch's
   * length. The view shows one item at a time with a batch selector.
   */
  batch?: { size: number; items: JacobianPayload[] };
}

/** One leaf along a block axis: its path, shape, and the rows (or columns) it covers. */
export interface JacobianBlockAxis {
  /** The leaf path ("" for a lone tensor). */
  path: string;
  shape: number[];
  start: number;
  size: number;
}

/** One stage of a chain f = f_k ∘ … ∘ f_1, with the cotangent that flows through it. */
export interface ChainStagePayload {
  name: string;
  inShape: number[];
  outShape: number[];
  /** The stage's input and output values at the traced point. */
  input: EncodedArray;
  output: EncodedArray;
  /** The stage's Jacobian at that point (outShape × inShape). */
  jacobian: JacobianPayload;
  /** The cotangent that flows into this stage from the right (shape outShape). */
  cotangentIn: EncodedArray;
  /** The cotangent it sends left: vjp of this stage applied to cotangentIn (shape inShape). */
  cotangentOut: EncodedArray;
}

export interface ChainPayload {
  version: typeof PAYLOAD_VERSION;
  kind: "chain";
  title?: string;
  /** Stages in application order: stages[0] is f_1, applied first. */
  stages: ChainStagePayload[];
  /** The seed cotangent v (shape of the final output) and the result Jᵀv (shape of the input). */
  v: EncodedArray;
  result: EncodedArray;
}

export interface TraceSeriesPayload {
  name: string;
  /** One value per step (NaN where a push did not give this series). */
  values: EncodedArray;
}

/**
 * A gradient trace: one or more series over a shared x axis (the step, or what `xLabel` names).
 * `steps` is nondecreasing: the kernel sends the points in order of x (equal x in push order),
 * so every view draws y as a function of x whatever order they were pushed in.
 */
export interface TracePayload {
  version: typeof PAYLOAD_VERSION;
  kind: "trace";
  title: string;
  /** The x axis's name when it is not "step" (`trace(title, { x: "θ₀" })`, `display.plot`). */
  xLabel?: string;
  /** The trace's display id: an explore surface view whose `pathTrace` names it follows it. */
  traceId?: string;
  steps: EncodedArray;
  series: TraceSeriesPayload[];
  /** False while the producing cell is still pushing values. */
  done: boolean;
  /** The cell ended (an error, an interrupt) before the trace was finished. */
  interrupted?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Live exploration: `explore(f, x0, options)` (see ARCHITECTURE.md, "Exploration")

/** The three explore views: chosen by the shapes of f's input (n) and output (m), or by name. */
export type ExploreView = "jacobian" | "curve" | "surface";

/** One slider: a flattened input coordinate the user can move. */
export interface ExploreInput {
  /** Flat index of the coordinate in x (row-major over the flattened pytree). */
  index: number;
  /** The leaf path and index (`x[2]`, `params.W[0,1]`) or the label given to `slider`. */
  label: string;
  min: number;
  max: number;
  step: number;
}

/** The Jacobian explorer's frame: f(x) and J(x), the same data as the static Jacobian view. */
export interface ExploreJacobianFrame {
  kind: "jacobian";
  /** The full flattened point. */
  x: number[];
  /** f(x), flattened (shape = jacobian.outShape). */
  value: EncodedArray;
  jacobian: JacobianPayload;
}

/** The curve explorer's frame: the point on f: ℝ → ℝ, its slope (jvp) and curvature. */
export interface ExploreCurveFrame {
  kind: "curve";
  x: number[];
  value: number;
  /** f′(x), the tangent line's slope. */
  slope: number;
  /** f″(x). */
  second: number;
}

/** The surface explorer's frame at a point of f: ℝ² → ℝ. */
export interface ExploreSurfaceFrame {
  kind: "surface";
  x: number[];
  value: number;
  /** ∇f(x) (a vjp with cotangent 1). */
  grad: [number, number];
  /** The 2×2 Hessian, row-major [h00, h01, h10, h11]. */
  hessian: [number, number, number, number];
  /** Its eigenvalues (ascending) and unit eigenvectors (columns: vectors[k] goes with values[k]). */
  eigen: { values: [number, number]; vectors: [[number, number], [number, number]] };
  /** The Newton step −H⁻¹∇f, or null where H is singular. */
  newton: [number, number] | null;
}

export type ExploreFrame = ExploreJacobianFrame | ExploreCurveFrame | ExploreSurfaceFrame;

/** What is computed once per domain: the curve f, f′, f″ over `xs`, or the contour grid. */
export type ExploreStatic =
  | {
      kind: "curve";
      domain: [number, number];
      xs: EncodedArray;
      f: EncodedArray;
      df: EncodedArray;
      d2f: EncodedArray;
    }
  | {
      kind: "surface";
      domain: [[number, number], [number, number]];
      /** Grid coordinates: xs (nx), ys (ny); values has shape [ny, nx] (row = y). */
      xs: EncodedArray;
      ys: EncodedArray;
      values: EncodedArray;
      /** An optional path drawn on top ([x, y] points). */
      path?: [number, number][];
      /**
       * When the path is a live trace (series `x` and `y`): its `traceId`. The view redraws the
       * path from every newer state of that trace it sees (the trace's output updating).
       */
      pathTrace?: string;
    };

/** The explore MIME type's payload: the view, its inputs, and the first frame. */
export interface ExplorePayload {
  version: typeof PAYLOAD_VERSION;
  kind: "explore";
  /** Unique per kernel process; the key of every move and frame. */
  viewId: string;
  view: ExploreView;
  title?: string;
  /** Sizes of f's flattened input and output. */
  n: number;
  m: number;
  inputs: ExploreInput[];
  /** The starting point, flattened (length n). */
  x0: number[];
  static?: ExploreStatic;
  frame: ExploreFrame;
  /** Said once in the view: e.g. "sliders for 16 of 40 coordinates", "f runs eagerly: …". */
  notes?: string[];
}

/** The Jupyter comm target of explore views. */
export const EXPLORE_COMM_TARGET = "cotangent.explore";

/** Front end → kernel on an explore comm (the comm is opened with data `{ viewId }`). */
export interface ExploreMove {
  method: "move";
  seq: number;
  /** The full flattened point. */
  x: number[];
}

/** Kernel → front end on an explore comm. */
export type ExploreReply =
  | { method: "attached" }
  | { method: "frame"; seq: number; x: number[]; payload: ExploreFrame; ms: number }
  | { method: "error"; seq: number; ename: string; evalue: string };

/**
 * VS Code: renderer → extension host, through the renderer messaging (`postMessage`). The host
 * forwards moves to the executor as `exploreMove` requests (kernel/protocol.ts).
 */
export type ExploreRendererMessage =
  | { type: "exploreAttach"; viewId: string }
  | { type: "exploreMove"; viewId: string; seq: number; x: number[] }
  | { type: "exploreRelease"; viewId: string };

/**
 * VS Code: extension host → the renderer that shows `viewId`. `exploreAttached` answers the
 * `exploreAttach` a view sends when it mounts: the running kernel knows the view, its inputs
 * come alive (the answer to a view it does not know, or when no kernel runs — a reopened
 * notebook — is `exploreClosed`, so a stale view never looks live). `exploreWaiting`: a cell is
 * running, the move waits for it. `exploreClosed`: the view is gone in the kernel (released,
 * the kernel restarted, or never known): the view keeps its last frame with inputs disabled.
 */
export type ExploreHostMessage =
  | { type: "exploreAttached"; viewId: string }
  | {
      type: "exploreFrame";
      viewId: string;
      seq: number;
      x: number[];
      payload: ExploreFrame;
      ms: number;
    }
  | { type: "exploreError"; viewId: string; seq: number; ename: string; evalue: string }
  | { type: "exploreWaiting"; viewId: string; seq: number }
  | { type: "exploreClosed"; viewId: string; reason: string };

export type CotangentPayload = JacobianPayload | ChainPayload | TracePayload | ExplorePayload;

// ---------------------------------------------------------------------------------------------
// base64 typed arrays (no Buffer: this module also runs in the browser)

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const LOOKUP = (() => {
  const table = new Uint8Array(128);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();

/** base64 of a byte array. */
export function bytesToBase64(bytes: Uint8Array): string {
  // btoa over a binary string (Node ≥ 16 and browsers) is ~20× faster than the loop below
  if (typeof btoa === "function") {
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      const chunk = bytes.subarray(i, i + 0x8000) as unknown as number[];
      binary += String.fromCharCode.apply(null, chunk);
    }
    return btoa(binary);
  }
  const parts: string[] = [];
  const chunk = 3 * 4096;
  for (let start = 0; start < bytes.length; start += chunk) {
    const end = Math.min(start + chunk, bytes.length);
    let s = "";
    for (let i = start; i < end; i += 3) {
      const b0 = bytes[i];
      const b1 = i + 1 < end ? bytes[i + 1] : 0;
      const b2 = i + 2 < end ? bytes[i + 2] : 0;
      s += ALPHABET[b0 >> 2] + ALPHABET[((b0 & 3) << 4) | (b1 >> 4)];
      s += i + 1 < end ? ALPHABET[((b1 & 15) << 2) | (b2 >> 6)] : "=";
      s += i + 2 < end ? ALPHABET[b2 & 63] : "=";
    }
    parts.push(s);
  }
  return parts.join("");
}

/** Bytes of a base64 string. Throws on characters outside the alphabet. */
export function base64ToBytes(text: string): Uint8Array {
  const clean = text.replace(/=+$/, "");
  if (/[^A-Za-z0-9+/]/.test(clean)) throw new Error("base64: invalid character in payload data");
  if (typeof atob === "function" && clean.length % 4 !== 1) {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < clean.length; i += 4) {
    const c0 = LOOKUP[clean.charCodeAt(i)];
    const c1 = LOOKUP[clean.charCodeAt(i + 1)];
    const c2 = i + 2 < clean.length ? LOOKUP[clean.charCodeAt(i + 2)] : 0;
    const c3 = i + 3 < clean.length ? LOOKUP[clean.charCodeAt(i + 3)] : 0;
    out[o++] = (c0 << 2) | (c1 >> 4);
    if (i + 2 < clean.length) out[o++] = ((c1 & 15) << 4) | (c2 >> 2);
    if (i + 3 < clean.length) out[o++] = ((c2 & 3) << 6) | c3;
  }
  return out;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Encode numbers as float64 (or float32 when asked); shape defaults to [values.length]. */
export function encodeArray(
  values: ArrayLike<number>,
  shape: number[] = [values.length],
  dtype: EncodedArray["dtype"] = "float64",
): EncodedArray {
  if (!littleEndian) throw new Error("encodeArray: big-endian hosts are not supported");
  const typed = dtype === "float64" ? Float64Array.from(values) : Float32Array.from(values);
  const bytes = new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
  return { dtype, shape: [...shape], data: bytesToBase64(bytes) };
}

/** Decode an EncodedArray into a Float64Array; checks that the byte count matches the shape. */
export function decodeArray(encoded: EncodedArray): Float64Array {
  const bytes = base64ToBytes(encoded.data);
  const width = encoded.dtype === "float64" ? 8 : 4;
  const expected = encoded.shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== expected * width) {
    throw new Error(
      `decodeArray: ${bytes.length} bytes do not hold ${expected} ${encoded.dtype} values (shape [${encoded.shape.join(",")}])`,
    );
  }
  const aligned = new Uint8Array(bytes.length);
  aligned.set(bytes);
  return encoded.dtype === "float64"
    ? new Float64Array(aligned.buffer)
    : Float64Array.from(new Float32Array(aligned.buffer));
}
