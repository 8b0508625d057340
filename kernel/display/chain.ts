/**
 * The chain payload — the seed's composition f = f_k ∘ … ∘ f_1 with the cotangent flowing back
 * through it — and its fallbacks: an HTML strip of stage boxes (forward values left to right,
 * cotangents right to left, each stage's Jacobian as a small SVG heatmap) and plain text.
 */
import {
  LIMITS,
  MIME,
  PAYLOAD_VERSION,
  encodeArray,
  type ChainPayload,
  type ChainStagePayload,
  type EncodedArray,
  type MimeBundle,
} from "../shared/payloads.js";
import { escapeXml, formatShape, shapeSize, shortValues } from "../shared/format.js";
import { denseJacobianInput, jacobianPayload, type SingularValuesFn } from "./jacobian.js";
import { jacobianSvg } from "./svg.js";
import { chainPng } from "./png-views.js";

/** A tensor as the views see it: values and shape. */
export interface ArrayInput {
  data: ArrayLike<number>;
  shape: readonly number[];
}

export interface ChainStageInput {
  name: string;
  input: ArrayInput;
  output: ArrayInput;
  /** Row-major Jacobian of the stage at its input: shape output.shape ++ input.shape. */
  jacobian: ArrayLike<number>;
  cotangentIn: ArrayInput;
  cotangentOut: ArrayInput;
}

export interface ChainInput {
  title?: string | undefined;
  /** Stages in application order (stages[0] = f_1). */
  stages: ChainStageInput[];
  v: ArrayInput;
  result: ArrayInput;
}

function encodeTensor(t: ArrayInput, what: string): EncodedArray {
  if (t.data.length !== shapeSize(t.shape)) {
    throw new Error(`chain: ${what} has ${t.data.length} values for shape [${t.shape.join(",")}]`);
  }
  const dtype = t.data.length <= LIMITS.float64Entries ? "float64" : "float32";
  return encodeArray(t.data, [...t.shape], dtype);
}

function stagePayload(
  stage: ChainStageInput,
  svd: SingularValuesFn | undefined,
): ChainStagePayload {
  const where = `stage "${stage.name}"`;
  const jac = Float64Array.from(stage.jacobian);
  const input = denseJacobianInput(jac, [...stage.output.shape], [...stage.input.shape], {
    title: stage.name,
    singularValues: svd,
  });
  return {
    name: stage.name,
    inShape: [...stage.input.shape],
    outShape: [...stage.output.shape],
    input: encodeTensor(stage.input, `${where} input`),
    output: encodeTensor(stage.output, `${where} output`),
    jacobian: jacobianPayload(input),
    cotangentIn: encodeTensor(stage.cotangentIn, `${where} cotangent in`),
    cotangentOut: encodeTensor(stage.cotangentOut, `${where} cotangent out`),
  };
}

/** Build the versioned chain payload, checking that consecutive stages fit together. */
export function chainPayload(chain: ChainInput, svd?: SingularValuesFn): ChainPayload {
  if (chain.stages.length === 0) throw new Error("chain: a chain needs at least one stage");
  chain.stages.forEach((stage, k) => {
    const next = chain.stages[k + 1];
    if (next && shapeSize(next.input.shape) !== shapeSize(stage.output.shape)) {
      throw new Error(
        `chain: stage "${stage.name}" outputs [${stage.output.shape.join(",")}] but ` +
          `stage "${next.name}" takes [${next.input.shape.join(",")}]`,
      );
    }
  });
  const payload: ChainPayload = {
    version: PAYLOAD_VERSION,
    kind: "chain",
    stages: chain.stages.map((s) => stagePayload(s, svd)),
    v: encodeTensor(chain.v, "the seed cotangent v"),
    result: encodeTensor(chain.result, "the result Jᵀv"),
  };
  if (chain.title !== undefined) payload.title = chain.title;
  return payload;
}

/** Plain text: the forward chain, then the cotangent flowing back. */
export function chainText(chain: ChainInput): string {
  const names = chain.stages.map((s) => s.name);
  const forward = chain.stages.map(
    (s) =>
      `  ${s.name}: ${formatShape(s.input.shape)} → ${formatShape(s.output.shape)}  out ${shortValues(s.output.data)}`,
  );
  const backward = [...chain.stages]
    .reverse()
    .map(
      (s) =>
        `  vjp(${s.name}, ${shortValues(s.cotangentIn.data)}) = ${shortValues(s.cotangentOut.data)}`,
    );
  const jt = [...names].map((n) => `J_${n}ᵀ`).join(" ");
  return [
    `chain${chain.title ? ` "${chain.title}"` : ""}: f = ${[...names].reverse().join(" ∘ ")}`,
    "forward:",
    ...forward,
    `backward (v = ${shortValues(chain.v.data)}):`,
    ...backward,
    `Jᵀv = ${jt} v = ${shortValues(chain.result.data)}`,
  ].join("\n");
}

const BOX =
  "display:inline-block;vertical-align:top;border:1px solid #999;border-radius:6px;padding:6px 8px;margin:4px;font-family:system-ui,sans-serif;font-size:12px;background:#fff;color:#222";
const ARROW = "display:inline-block;vertical-align:top;margin-top:28px;font-size:16px;color:#666";

/** The HTML fallback: one box per stage with its shapes, values, cotangents and Jacobian. */
export function chainHtml(payload: ChainPayload, chain: ChainInput): string {
  const boxes = payload.stages.map((stage, k) => {
    const s = chain.stages[k];
    const svg = jacobianSvg({ ...stage.jacobian, title: "" });
    return [
      `<div style="${BOX}">`,
      `<div style="font-weight:600">${escapeXml(s.name)}</div>`,
      `<div>${escapeXml(formatShape(s.input.shape))} → ${escapeXml(formatShape(s.output.shape))}</div>`,
      `<div>out ${escapeXml(shortValues(s.output.data, 4))}</div>`,
      `<div style="color:#b2182b">← ${escapeXml(shortValues(s.cotangentOut.data, 4))}</div>`,
      `<div style="max-width:220px">${svg.replace("<svg ", '<svg style="max-width:100%;height:auto" ')}</div>`,
      `</div>`,
    ].join("");
  });
  const title = chain.title ? `<div style="font-weight:600">${escapeXml(chain.title)}</div>` : "";
  const names = chain.stages.map((s) => `J<sub>${escapeXml(s.name)}</sub><sup>T</sup>`).join(" ");
  return [
    `<div style="font-family:system-ui,sans-serif">${title}`,
    `<div>${boxes.join(`<span style="${ARROW}">→</span>`)}</div>`,
    `<div style="font-family:system-ui,sans-serif;font-size:12px">v = ${escapeXml(shortValues(chain.v.data))};`,
    ` J<sup>T</sup>v = ${names} v = ${escapeXml(shortValues(chain.result.data))}</div>`,
    `</div>`,
  ].join("");
}

/** The MIME bundle of a chain: payload, HTML strip, text. */
export function chainBundle(chain: ChainInput, svd?: SingularValuesFn): MimeBundle {
  const payload = chainPayload(chain, svd);
  return {
    [MIME.chain]: payload,
    "text/html": chainHtml(payload, chain),
    "image/png": chainPng(payload),
    "text/plain": chainText(chain),
  };
}
