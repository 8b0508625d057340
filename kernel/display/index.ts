/**
 * Rich display of runtime values: `toMimeBundle(value)` turns a Tensor, Jacobian, JacobianView,
 * SparseJacobian, ChainTrace or Trace into a Jupyter MIME bundle — our versioned payload first
 * (drawn by the renderer), then static fallbacks (SVG / HTML and text) so saved notebooks read
 * well anywhere. Values that are not ours give `undefined` (the executor falls back to
 * util.inspect). Values are recognised by `instanceof` of the runtime's own classes.
 */
import { JacobianView, LeastSquaresResult, LiveTrace, RootResult } from "../../src/index.js";
import type { MimeBundle } from "../shared/payloads.js";
import { jacobianBundle } from "./jacobian.js";
import { chainBundle } from "./chain.js";
import {
  chainInputOf,
  isChain,
  isJacobianLike,
  isTensor,
  jacobianInputOf,
  summarySingularValues,
  tensorParts,
} from "./runtime.js";
import { tensorHtml } from "./tensor.js";
import { traceBundle } from "./trace.js";
import { ProgressView, progressBundle } from "./progress.js";

export { LIMITS, MIME, PAYLOAD_VERSION } from "../shared/payloads.js";
export type { MimeBundle } from "../shared/payloads.js";

/** The MIME bundle of a plain tensor: numpy-like text and an HTML table. */
function tensorBundle(value: Parameters<typeof tensorParts>[0]): MimeBundle {
  const { data, shape, text } = tensorParts(value);
  return {
    "text/html": tensorHtml(data, shape),
    "text/plain": text,
  };
}

/** The rich MIME bundle of a runtime value, or undefined when the value is not one of ours. */
export function toMimeBundle(value: unknown): MimeBundle | undefined {
  if (value instanceof LiveTrace) return traceBundle(value);
  if (value instanceof ProgressView) return progressBundle(value);
  if (value instanceof LeastSquaresResult || value instanceof RootResult) {
    // a solver's result: its final Jacobian as the view, its summary as the text
    const title = `${value.method}: the Jacobian at the last iterate`;
    const { input } = jacobianInputOf(new JacobianView(value.jacobian, { title }));
    return jacobianBundle(input, String(value));
  }
  if (isChain(value)) return chainBundle(chainInputOf(value), summarySingularValues);
  if (isJacobianLike(value)) {
    const { input, text } = jacobianInputOf(value);
    return jacobianBundle(input, text);
  }
  if (isTensor(value)) return tensorBundle(value);
  return undefined;
}
