/**
 * The chain view — the seed, drawn. For f = f_k ∘ … ∘ f_1: a top row with x and one box per
 * stage (forward values flowing right), a bottom row with the cotangent flowing left (v, then
 * vjp(f_k, v), … down to Jᵀv), each stage's Jacobian as a small heatmap that expands on click.
 */
import { makeColorScale } from "../../kernel/display/colorscale.js";
import { formatNumber, formatShape } from "../../kernel/display/format.js";
import {
  decodeArray,
  type ChainPayload,
  type EncodedArray,
  type JacobianPayload,
} from "../../kernel/shared/payloads.js";
import { el } from "./dom.js";
import { drawHeatmap, heatmapLayout } from "./heatmap.js";
import { renderJacobian, type ViewHooks } from "./jacobianView.js";

/** "[1, 2.5, …]" — at most `max` numbers of an encoded array. */
export function shortArray(encoded: EncodedArray, max = 5): string {
  const values = decodeArray(encoded);
  const shown = Array.from(values.subarray(0, max), (v) => formatNumber(v, 4));
  return `[${shown.join(", ")}${values.length > max ? ", …" : ""}]`;
}

function mini(jacobian: JacobianPayload, onOpen: () => void, name: string): HTMLCanvasElement {
  const rows = jacobian.values.shape[0];
  const cols = jacobian.values.shape[1];
  const limit =
    jacobian.stats.maxAbs > 0 && Number.isFinite(jacobian.stats.maxAbs) ? jacobian.stats.maxAbs : 1;
  const canvas = el("canvas", {
    class: "ct-mini ct-focusable",
    tabindex: 0,
    role: "button",
    "aria-label": `Jacobian of ${name}, ${rows}×${cols}: open`,
    title: "Open this stage's Jacobian",
  });
  drawHeatmap(
    canvas,
    decodeArray(jacobian.values),
    heatmapLayout(rows, cols, 72),
    makeColorScale(limit),
  );
  canvas.addEventListener("click", onOpen);
  canvas.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      onOpen();
    }
  });
  return canvas;
}

function box(title: string, lines: (string | Node)[], extra = ""): HTMLElement {
  return el(
    "div",
    { class: `ct-box ${extra}` },
    el("h4", {}, title),
    ...lines.map((l) => (typeof l === "string" ? el("div", { class: "ct-mono" }, l) : l)),
  );
}

/** Subscript k as text: f₁, f₂, … */
function sub(k: number): string {
  return String(k).replace(/\d/g, (d) => "₀₁₂₃₄₅₆₇₈₉"[Number(d)]);
}

/** Build the chain view inside `root`. */
export function renderChain(root: HTMLElement, payload: ChainPayload, hooks: ViewHooks): void {
  const stages = payload.stages;
  const k = stages.length;
  const view = el("div", { class: "ct-view ct-chainview" });
  if (payload.title) view.append(el("div", { class: "ct-title" }, payload.title));
  const composition = stages
    .map((s) => s.name)
    .reverse()
    .join(" ∘ ");
  view.append(
    el(
      "div",
      { class: "ct-muted" },
      `f = ${composition}: forward values flow right →, the cotangent flows left ← (each arrow is one vjp).`,
    ),
  );
  const expanded = el("div", { class: "ct-expanded" });
  let open = -1;
  const openStage = (index: number): void => {
    if (open === index) {
      open = -1;
      expanded.replaceChildren();
      return;
    }
    open = index;
    const stage = stages[index];
    const host = el("div");
    expanded.replaceChildren(
      el(
        "div",
        { class: "ct-caption" },
        `J${sub(index + 1)} = ∂${stage.name}/∂input (${formatShape(stage.outShape)} × ${formatShape(stage.inShape)})`,
      ),
      host,
    );
    renderJacobian(host, { ...stage.jacobian, title: `J of ${stage.name}` }, hooks);
    hooks.post({ type: "expanded", mime: "application/vnd.cotangent.chain+json", stage: index });
  };

  const chain = el("div", { class: "ct-chain" });
  chain.style.gridTemplateColumns = Array.from({ length: 2 * k + 1 }, (_, i) =>
    i % 2 === 0 ? "minmax(120px, auto)" : "24px",
  ).join(" ");
  // top row: x → f₁ → f₂ → … → f_k (each stage box holds its output)
  const first = stages[0];
  const top: HTMLElement[] = [
    box("x", [formatShape(first.inShape), shortArray(first.input)], "ct-forward"),
  ];
  stages.forEach((stage, i) => {
    top.push(el("div", { class: "ct-arrow", "aria-hidden": "true" }, "→"));
    top.push(
      box(
        `${stage.name} (f${sub(i + 1)})`,
        [
          `${formatShape(stage.inShape)} → ${formatShape(stage.outShape)}`,
          shortArray(stage.output),
          mini(stage.jacobian, () => openStage(i), stage.name),
        ],
        "ct-forward ct-stage",
      ),
    );
  });
  // bottom row: Jᵀv ← vjp(f₁, ·) ← … ← vjp(f_k, v) ← v   (under each stage: what it sends left)
  const bottom: HTMLElement[] = [
    box("Jᵀv", [formatShape(first.inShape), shortArray(payload.result)], "ct-back ct-result"),
  ];
  stages.forEach((stage, i) => {
    bottom.push(el("div", { class: "ct-arrow ct-back-arrow", "aria-hidden": "true" }, "←"));
    const seed = i === k - 1 ? "v" : `ȳ${sub(i + 1)}`;
    bottom.push(
      box(
        `vjp(${stage.name}, ${seed})`,
        [`${seed} = ${shortArray(stage.cotangentIn)}`, `→ ${shortArray(stage.cotangentOut)}`],
        "ct-back ct-cotangent",
      ),
    );
  });
  chain.append(...top, ...bottom);
  const factors = stages.map((_, i) => `J${sub(i + 1)}ᵀ`).join(" ");
  const equation = el(
    "div",
    { class: "ct-equation" },
    `Jᵀv = ${factors} v = ${shortArray(payload.result, 8)}   (v = ${shortArray(payload.v, 8)})`,
  );
  view.append(chain, equation, expanded);
  root.replaceChildren(view);
}
