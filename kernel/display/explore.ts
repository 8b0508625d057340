/**
 * The explore view's payload and fallbacks: `explorePayload` turns an Explorer (src/explore/explore.ts)
 * and its viewId into the versioned payload, `exploreFrame` one computed frame into the frame
 * the renderer draws, and `exploreBundle` adds the first frame as SVG, PNG and text.
 */
import type { Explorer, ExplorerFrame, ExplorerStatic } from "../../src/index.js";
import {
  MIME,
  PAYLOAD_VERSION,
  encodeArray,
  type ExploreFrame,
  type ExplorePayload,
  type ExploreStatic,
  type MimeBundle,
} from "../shared/payloads.js";
import { escapeXml, formatNumber } from "../shared/format.js";
import { denseJacobianInput, jacobianPayload, type SingularValuesFn } from "./jacobian.js";
import { curvePng, jacobianPng, surfacePng } from "./png-views.js";
import { jacobianSvg } from "./svg.js";

/** What the builders read of an Explorer. */
export type ExplorerLike = Pick<
  Explorer,
  "view" | "n" | "m" | "inputs" | "x0" | "labels" | "title" | "notes" | "static" | "first"
> & { path(): [number, number][] | undefined; pathTraceId?(): string | undefined };

const f64 = (values: ArrayLike<number>): ReturnType<typeof encodeArray> =>
  encodeArray(values, [values.length], "float64");

/** A computed frame as the renderer's frame (the Jacobian frame carries a Jacobian payload). */
export function exploreFrame(
  explorer: Pick<ExplorerLike, "n" | "m" | "labels" | "title">,
  frame: ExplorerFrame,
  svd?: SingularValuesFn,
): ExploreFrame {
  if (frame.kind !== "jacobian") return { ...frame, x: [...frame.x] };
  const input = denseJacobianInput(frame.jacobian, [explorer.m], [explorer.n], {
    inputs: explorer.labels,
    title: explorer.title,
    singularValues: svd,
  });
  return {
    kind: "jacobian",
    x: [...frame.x],
    value: f64(frame.value),
    jacobian: jacobianPayload(input),
  };
}

function staticPayload(
  data: ExplorerStatic,
  path: [number, number][] | undefined,
  pathTrace: string | undefined,
): ExploreStatic {
  if (data.kind === "curve") {
    return {
      kind: "curve",
      domain: [data.domain[0], data.domain[1]],
      xs: f64(data.xs),
      f: f64(data.f),
      df: f64(data.df),
      d2f: f64(data.d2f),
    };
  }
  const grid = encodeArray(data.values, [data.ys.length, data.xs.length], "float32");
  return {
    kind: "surface",
    domain: data.domain,
    xs: f64(data.xs),
    ys: f64(data.ys),
    values: grid,
    ...(path !== undefined ? { path } : {}),
    ...(pathTrace !== undefined ? { pathTrace } : {}),
  };
}

/** The explore payload of an explorer shown under `viewId`. */
export function explorePayload(
  explorer: ExplorerLike,
  viewId: string,
  svd?: SingularValuesFn,
): ExplorePayload {
  const data = explorer.static;
  const notes = explorer.notes;
  return {
    version: PAYLOAD_VERSION,
    kind: "explore",
    viewId,
    view: explorer.view,
    ...(explorer.title !== undefined ? { title: explorer.title } : {}),
    n: explorer.n,
    m: explorer.m,
    inputs: explorer.inputs.map((i) => ({ ...i })),
    x0: [...explorer.x0],
    ...(data !== undefined
      ? { static: staticPayload(data, explorer.path(), explorer.pathTraceId?.()) }
      : {}),
    frame: exploreFrame(explorer, explorer.first, svd),
    ...(notes.length > 0 ? { notes } : {}),
  };
}

function point(x: readonly number[]): string {
  const shown = x.slice(0, 6).map((v) => formatNumber(v));
  return `[${shown.join(", ")}${x.length > 6 ? ", …" : ""}]`;
}

/** One line per fact of the first frame, for text/plain and the SVG caption. */
export function exploreLines(payload: ExplorePayload): string[] {
  const frame = payload.frame;
  const head = `explore (${payload.view}${payload.title ? `: ${payload.title}` : ""}), ${payload.n} → ${payload.m}, at x = ${point(frame.x)}`;
  const lines = [head];
  if (frame.kind === "curve") {
    lines.push(
      `f = ${formatNumber(frame.value)}, f′ = ${formatNumber(frame.slope)}, f″ = ${formatNumber(frame.second)}`,
    );
  } else if (frame.kind === "surface") {
    const [l0, l1] = frame.eigen.values;
    lines.push(
      `f = ${formatNumber(frame.value)}, ∇f = ${point(frame.grad)}, Hessian eigenvalues ${formatNumber(l0)}, ${formatNumber(l1)}`,
    );
    lines.push(
      frame.newton ? `Newton step ${point(frame.newton)}` : "Newton step: the Hessian is singular",
    );
  } else {
    const s = frame.jacobian.stats;
    lines.push(
      `Jacobian ${payload.m}×${payload.n}, ‖J‖_F = ${formatNumber(s.frobenius)}, max |J| = ${formatNumber(s.maxAbs)}`,
    );
  }
  for (const note of payload.notes ?? []) lines.push(`(${note})`);
  lines.push(
    "Run the cell to explore (sliders: " + payload.inputs.map((i) => i.label).join(", ") + ")",
  );
  return lines;
}

/** The first frame as SVG: the Jacobian heatmap, or the PNG drawing with a caption. */
function exploreSvg(payload: ExplorePayload, png: string): string {
  if (payload.frame.kind === "jacobian") return jacobianSvg(payload.frame.jacobian);
  const width = payload.frame.kind === "surface" ? 400 : 600;
  const height = payload.frame.kind === "surface" ? 400 : 300;
  const lines = exploreLines(payload).slice(0, -1);
  const caption = lines.map(
    (line, k) =>
      `<text x="4" y="${height + 16 + 15 * k}" font-family="system-ui, sans-serif" font-size="12">${escapeXml(line)}</text>`,
  );
  const total = height + 8 + 15 * lines.length;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${total}" viewBox="0 0 ${width} ${total}">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<image width="${width}" height="${height}" href="data:image/png;base64,${png}"/>`,
    ...caption,
    `</svg>`,
  ].join("");
}

/** The first frame as a PNG. */
function firstPng(payload: ExplorePayload): string {
  const frame = payload.frame;
  const data = payload.static;
  if (frame.kind === "curve" && data?.kind === "curve") return curvePng(data, frame);
  if (frame.kind === "surface" && data?.kind === "surface") return surfacePng(data, frame);
  if (frame.kind === "jacobian") return jacobianPng(frame.jacobian);
  throw new Error(`explore: a ${frame.kind} frame needs its ${frame.kind} data`);
}

/** The explore MIME bundle: payload, then the first frame as SVG, PNG and text. */
export function exploreBundle(payload: ExplorePayload): MimeBundle {
  const png = firstPng(payload);
  return {
    [MIME.explore]: payload,
    "image/svg+xml": exploreSvg(payload, png),
    "image/png": png,
    "text/plain": exploreLines(payload).join("\n"),
  };
}
