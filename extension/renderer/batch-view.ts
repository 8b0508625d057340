/**
 * Batched Jacobians (`vmap(jacobian(f))(xs)`): a batch selector — a slider, previous / next
 * buttons and the arrow keys — above the Jacobian view of the selected item, which is updated in
 * place on a colour scale shared by the items shown, so colours compare across the batch.
 */
import type { JacobianPayload } from "../../kernel/shared/payloads.js";
import { button, el } from "./dom.js";
import { createJacobianView, scaleLimit, type ViewHooks } from "./jacobian-view.js";

/** The largest |entry| over the items: one colour scale for the whole batch. */
function batchLimit(items: readonly JacobianPayload[]): number {
  return Math.max(...items.map(scaleLimit));
}

/** Draw a batched Jacobian payload into `root`; returns the element of the whole view. */
export function renderBatchedJacobian(
  root: HTMLElement,
  payload: JacobianPayload,
  hooks: ViewHooks,
): HTMLElement {
  const items = payload.batch?.items ?? [payload];
  const size = payload.batch?.size ?? items.length;
  const limit = batchLimit(items);
  const view = createJacobianView(items[0], hooks, limit);
  const range = el("input", {
    type: "range",
    class: "ct-batch-range",
    min: 0,
    max: items.length - 1,
    step: 1,
    "aria-label": "Batch item",
  });
  range.value = "0";
  const label = el("output", { class: "ct-mono ct-batch-index" });
  const element = el("div", { class: "ct-view ct-batch" });
  let current = -1;
  /** Show item k (clamped); an item already shown is not drawn again (‹ at 0, › at the end). */
  const select = (k: number, draw = true): void => {
    const index = Math.max(0, Math.min(items.length - 1, k));
    range.value = String(index);
    if (index === current) return;
    current = index;
    label.textContent = `item ${index} (0…${size - 1})`;
    element.dataset["index"] = String(index);
    if (draw) view.update(items[index], limit);
  };
  range.addEventListener("input", () => select(Number(range.value)));
  range.addEventListener("keydown", (event) => event.stopPropagation());
  const prev = button("‹", () => select(Number(range.value) - 1), {
    "aria-label": "Previous item",
  });
  const next = button("›", () => select(Number(range.value) + 1), { "aria-label": "Next item" });
  const note =
    items.length < size
      ? el(
          "span",
          { class: "ct-muted" },
          `(the first ${items.length} of ${size} are in this output)`,
        )
      : null;
  const bar = el(
    "div",
    { class: "ct-toolbar ct-batch-bar", role: "toolbar", "aria-label": "Batch" },
    el("b", {}, `Batch of ${size}`),
    prev,
    range,
    next,
    label,
    note,
  );
  element.append(bar, view.element);
  root.replaceChildren(element);
  select(0, false); // createJacobianView drew item 0
  return element;
}
