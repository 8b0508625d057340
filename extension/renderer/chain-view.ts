/**
 * The chain view — the seed, drawn. For f = f_k ∘ … ∘ f_1: a top row with x and one box per
 * stage (forward values flowing right), a bottom row with the cotangent flowing left (v, then
 * vjp(f_k, v), … down to Jᵀv), each stage's Jacobian as a small heatmap that expands on click.
 */
import { makeColorScale } from "../../kernel/shared/colorscale.js";
import { formatShape, shortValues } from "../../kernel/shared/format.js";
import {
  MIME,
  decodeArray,
  type ChainPayload,
  type EncodedArray,
  type JacobianPayload,
} from "../../kernel/shared/payloads.js";
import { el } from "./dom.js";
import { drawHeatmap, heatmapLayout } from "./heatmap.js";
import { renderJacobian, type ViewHooks } from "./jacobian-view.js";

/** "[1, 2.5, …]" — at most `max` numbers of an encoded array. */
function shortArray(encoded: EncodedArray, max = 5): string {
  return shortValues(decodeArray(encoded), max);
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

/** Top row: x → f₁ → f₂ → … → f_k, each stage box with its shapes, output and mini Jacobian. */
function forwardRow(payload: ChainPayload, open: (index: number) => void): HTMLElement[] {
  const first = payload.stages[0];
  const row: HTMLElement[] = [
    box("x", [formatShape(first.inShape), shortArray(first.input)], "ct-forward"),
  ];
  payload.stages.forEach((stage, i) => {
    const lines = [
      `${formatShape(stage.inShape)} → ${formatShape(stage.outShape)}`,
      shortArray(stage.output),
      mini(stage.jacobian, () => open(i), stage.name),
    ];
    row.push(el("div", { class: "ct-arrow", "aria-hidden": "true" }, "→"));
    row.push(box(`${stage.name} (f${sub(i + 1)})`, lines, "ct-forward ct-stage"));
  });
  return row;
}

/** Bottom row: Jᵀv ← vjp(f₁, ȳ₁) ← … ← vjp(f_k, v) — under each stage, what it sends left. */
function backwardRow(payload: ChainPayload): HTMLElement[] {
  const first = payload.stages[0];
  const k = payload.stages.length;
  const row: HTMLElement[] = [
    box("Jᵀv", [formatShape(first.inShape), shortArray(payload.result)], "ct-back ct-result"),
  ];
  payload.stages.forEach((stage, i) => {
    const seed = i === k - 1 ? "v" : `ȳ${sub(i + 1)}`;
    const lines = [
      `${seed} = ${shortArray(stage.cotangentIn)}`,
      `→ ${shortArray(stage.cotangentOut)}`,
    ];
    row.push(el("div", { class: "ct-arrow ct-back-arrow", "aria-hidden": "true" }, "←"));
    row.push(box(`vjp(${stage.name}, ${seed})`, lines, "ct-back ct-cotangent"));
  });
  return row;
}

/** The expanded Jacobian of one stage below the chain; opening the open one closes it. */
function stageExpander(
  payload: ChainPayload,
  host: HTMLElement,
  hooks: ViewHooks,
): (index: number) => void {
  let open = -1;
  return (index) => {
    host.replaceChildren();
    if (open === index) {
      open = -1;
      return;
    }
    open = index;
    const stage = payload.stages[index];
    const shapes = `${formatShape(stage.outShape)} × ${formatShape(stage.inShape)}`;
    const target = el("div");
    host.append(
      el("div", { class: "ct-caption" }, `J${sub(index + 1)} = ∂${stage.name}/∂input (${shapes})`),
      target,
    );
    renderJacobian(target, { ...stage.jacobian, title: `J of ${stage.name}` }, hooks);
    hooks.post({ type: "expanded", mime: MIME.chain, stage: index });
  };
}

/** Build the chain view inside `root`. */
export function renderChain(root: HTMLElement, payload: ChainPayload, hooks: ViewHooks): void {
  const k = payload.stages.length;
  const view = el("div", { class: "ct-view ct-chainview" });
  if (payload.title) view.append(el("div", { class: "ct-title" }, payload.title));
  const composition = payload.stages
    .map((s) => s.name)
    .reverse()
    .join(" ∘ ");
  const legend = `f = ${composition}: forward values flow right →, the cotangent flows left ← (each arrow is one vjp).`;
  view.append(el("div", { class: "ct-muted" }, legend));
  const expanded = el("div", { class: "ct-expanded" });
  const chain = el("div", { class: "ct-chain" });
  chain.style.gridTemplateColumns = Array.from({ length: 2 * k + 1 }, (_, i) =>
    i % 2 === 0 ? "minmax(120px, auto)" : "24px",
  ).join(" ");
  chain.append(
    ...forwardRow(payload, stageExpander(payload, expanded, hooks)),
    ...backwardRow(payload),
  );
  const factors = payload.stages.map((_, i) => `J${sub(i + 1)}ᵀ`).join(" ");
  const equation = `Jᵀv = ${factors} v = ${shortArray(payload.result, 8)}   (v = ${shortArray(payload.v, 8)})`;
  view.append(chain, el("div", { class: "ct-equation" }, equation), expanded);
  root.replaceChildren(view);
}
