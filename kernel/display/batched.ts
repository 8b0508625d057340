/**
 * Batched Jacobians (`vmap(jacobian(f))(xs)`): one Jacobian payload per batch item, the view
 * shows one at a time with a batch selector on a colour scale shared by the items (so colours
 * compare across the batch). At most BATCH_MAX_ITEMS items, no more entries in all than a single
 * payload may carry, and within one view's byte budget (LIMITS.viewBytes) in all; the payload
 * says how many of the batch it holds.
 */
import { LIMITS, type JacobianPayload } from "../shared/payloads.js";
import { shapeSize } from "../shared/format.js";
import {
  denseJacobianInput,
  encodedChars,
  jacobianPayload,
  type SingularValuesFn,
} from "./jacobian.js";

/** At most this many items of a batch travel in one output. */
export const BATCH_MAX_ITEMS = 64;

export interface BatchInput {
  /** All items' values, item after item (each row-major, itemOut × in). */
  data: Float64Array;
  size: number;
  itemOutShape: number[];
  inShape: number[];
  derivative?: "hessian" | undefined;
  singularValues?: SingularValuesFn | undefined;
}

/** The payload: item 0 at the top level, every item shown in `batch.items`. */
export function batchedJacobianPayload(input: BatchInput): JacobianPayload {
  const { data, size, itemOutShape, inShape } = input;
  const entries = shapeSize(itemOutShape) * shapeSize(inShape);
  if (data.length !== size * entries) {
    throw new Error(
      `batched Jacobian: ${data.length} values do not fill ${size} items of ${entries} entries`,
    );
  }
  const byEntries = Math.max(1, Math.floor(LIMITS.float32Entries / Math.max(entries, 1)));
  // the view's byte budget holds the items and item 0 again at the top level, at float32 or
  // better; each item gets its share (an item larger than its share is drawn downsampled)
  const byBytes = Math.max(1, Math.floor(LIMITS.viewBytes / encodedChars(entries, 4)) - 1);
  const shown = Math.min(size, BATCH_MAX_ITEMS, byEntries, byBytes);
  const maxBytes = Math.floor(LIMITS.viewBytes / (shown + 1));
  const items: JacobianPayload[] = [];
  for (let k = 0; k < shown; k++) {
    const item = data.slice(k * entries, (k + 1) * entries);
    const extra = { derivative: input.derivative, singularValues: input.singularValues, maxBytes };
    items.push(jacobianPayload(denseJacobianInput(item, itemOutShape, inShape, extra)));
  }
  const first = items[0];
  if (!first) throw new Error("batched Jacobian: the batch is empty");
  return { ...first, batch: { size, items } };
}
