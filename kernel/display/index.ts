/**
 * Rich display of runtime values: `toMimeBundle(value)` turns a Tensor, Jacobian, JacobianView,
 * SparseJacobian, ChainTrace or Trace into a Jupyter MIME bundle — our versioned payload first
 * (drawn by the renderer), then static fallbacks (SVG / HTML and text) so saved notebooks read
 * well anywhere. Values that are not ours give `undefined` (the executor falls back to
 * util.inspect). Values are recognised by `instanceof` of the runtime's own classes.
 */
import { JacobianView, LeastSquaresResult, LiveTrace, RootResult } from "../../src/index.js";
import type { Jacobian, SparseJacobian } from "../../src/index.js";
import type { MimeBundle } from "../shared/payloads.js";
import { jacobianBundle, payloadBundle } from "./jacobian.js";
import { chainBundle } from "./chain.js";
import {
  chainInputOf,
  isBatchedJacobian,
  isChain,
  isJacobianLike,
  isTensor,
  jacobianInputOf,
  pytreeJacobianBlocks,
  summarySingularValues,
  tensorParts,
} from "./runtime.js";
import { tensorHtml } from "./tensor.js";
import { leafName } from "../shared/format.js";
import { traceBundle } from "./trace.js";
import { blockJacobianInput, type BlockInput } from "./blocks.js";
import { batchedJacobianPayload } from "./batched.js";
import type { BatchedJacobian } from "../../src/index.js";
import { MIME } from "../shared/payloads.js";
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

/** A least-squares fit (dense or sparse Jacobian) or a root. */
function isSolverResult(
  value: unknown,
): value is LeastSquaresResult<Jacobian | SparseJacobian> | RootResult {
  return value instanceof LeastSquaresResult || value instanceof RootResult;
}

/** The rich MIME bundle of a runtime value, or undefined when the value is not one of ours. */
export function toMimeBundle(value: unknown): MimeBundle | undefined {
  if (value instanceof LiveTrace) return traceBundle(value);
  if (value instanceof ProgressView) return progressBundle(value);
  if (isSolverResult(value)) {
    // a solver's result: its final Jacobian as the view, its summary as the text
    const title = `${value.method}: the Jacobian at the last iterate`;
    const { input } = jacobianInputOf(new JacobianView(value.jacobian, { title }));
    return jacobianBundle(input, String(value));
  }
  if (isChain(value)) return chainBundle(chainInputOf(value), summarySingularValues);
  if (isBatchedJacobian(value)) return batchedBundle(value);
  if (isJacobianLike(value)) {
    const { input, text } = jacobianInputOf(value);
    return jacobianBundle(input, text);
  }
  if (isTensor(value)) return tensorBundle(value);
  const blocks = pytreeJacobianBlocks(value);
  if (blocks)
    return jacobianBundle(
      blockJacobianInput(blocks, undefined, summarySingularValues),
      blockText(blocks),
    );
  return undefined;
}

/** The text of a pytree Jacobian's blocks: one line per block, ∂output/∂input and its shapes. */
function blockText(blocks: readonly BlockInput[]): string {
  return blocks
    .map(
      (b) =>
        `  ∂${leafName(b.output, "f")}/∂${leafName(b.input, "x")}: [${b.outShape.join(", ")}] × [${b.inShape.join(", ")}]`,
    )
    .join("\n");
}

/** Batched Jacobians: the batch payload, item 0's SVG and PNG, and a text naming the batch. */
function batchedBundle(value: BatchedJacobian): MimeBundle {
  const payload = batchedJacobianPayload({
    data: value.data,
    size: value.batchSize,
    itemOutShape: value.itemOutShape,
    inShape: value.inShape,
    derivative: value.derivative === "hessian" ? "hessian" : undefined,
    singularValues: summarySingularValues,
  });
  const shown = payload.batch?.items.length ?? 1;
  // item 0 is the payload's top level: its fallbacks and text are drawn from it
  const first = payloadBundle(payload);
  const count =
    shown < value.batchSize ? `${shown} of ${value.batchSize} items shown` : `${shown} items`;
  const text = `Batched: ${value.batchSize} × ${first["text/plain"] as string} (item 0; ${count})`;
  return { ...first, [MIME.jacobian]: payload, "text/plain": text };
}
