/**
 * The Jacobian explorer's frame view: f(x), the singular values of J(x) as bars, and the
 * Jacobian view (heatmap, hover, row = vjp, column = jvp, summary) updated in place. The colour
 * scale stays fixed while the inputs move, so colours stay comparable; a toggle rescales it to
 * each frame instead.
 */
import { formatNumber } from "../../kernel/shared/format.js";
import {
  decodeArray,
  type ExploreJacobianFrame,
  type JacobianPayload,
} from "../../kernel/shared/payloads.js";
import { el, toggle } from "./dom.js";
import type { FrameView } from "./frame-view.js";
import {
  createJacobianView,
  scaleLimit,
  type JacobianHandle,
  type ViewHooks,
} from "./jacobian-view.js";

/** f(x) is listed up to this many values. */
const VALUES_SHOWN = 12;
const SIGMAS_SHOWN = 12;

/** "f(x) = [a, b, …]" for the first values of f(x). */
export function valueText(values: ArrayLike<number>): string {
  const shown = Array.from(values)
    .slice(0, VALUES_SHOWN)
    .map((v) => formatNumber(v, 5));
  const more = values.length > VALUES_SHOWN ? `, … (${values.length} values)` : "";
  return `f(x) = [${shown.join(", ")}${more}]`;
}

/** The frame's Jacobian without its title: the explore view shows the title once, above. */
function untitled(frame: ExploreJacobianFrame): JacobianPayload {
  const { title: _title, ...rest } = frame.jacobian;
  return rest;
}

class JacobianExplorer implements FrameView<ExploreJacobianFrame> {
  readonly element = el("div", { class: "ct-explore-jacobian" });
  private readonly valueLine = el("div", { class: "ct-readout ct-explore-value" });
  private readonly sigmaHost = el("div", {
    class: "ct-sigmas",
    role: "list",
    "aria-label": "singular values",
  });
  private readonly scaleNote = el("div", {
    class: "ct-muted ct-scale-note",
    "aria-live": "polite",
  });
  private readonly jacobian: JacobianHandle;
  private rescale = false;
  private fixedLimit: number;
  private fixedSigma: number;
  private frame: ExploreJacobianFrame;

  constructor(first: ExploreJacobianFrame, hooks: ViewHooks) {
    this.frame = first;
    this.fixedLimit = scaleLimit(first.jacobian);
    this.fixedSigma = first.jacobian.stats.singularValues?.[0] ?? 0;
    this.jacobian = createJacobianView(untitled(first), hooks, this.fixedLimit);
    const rescale = toggle("Rescale per frame", false, (on) => this.setRescale(on), {
      "data-toggle": "rescale",
      title:
        "Off: the colour scale stays that of the first frame, so colours stay comparable while dragging",
    });
    const toolbar = el("div", { class: "ct-toolbar" }, rescale, this.scaleNote);
    this.element.append(this.valueLine, this.sigmaHost, toolbar, this.jacobian.element);
    this.describe(first);
  }

  private setRescale(on: boolean): void {
    this.rescale = on;
    // back to a fixed scale: the one of the frame shown now
    if (!on) {
      this.fixedLimit = scaleLimit(this.frame.jacobian);
      this.fixedSigma = this.frame.jacobian.stats.singularValues?.[0] ?? 0;
    }
    this.draw(this.frame);
  }

  draw(frame: ExploreJacobianFrame): void {
    this.frame = frame;
    const limit = this.rescale ? scaleLimit(frame.jacobian) : this.fixedLimit;
    this.jacobian.update(untitled(frame), limit);
    this.describe(frame);
  }

  private describe(frame: ExploreJacobianFrame): void {
    this.element.dataset["x"] = JSON.stringify(frame.x);
    this.valueLine.textContent = valueText(decodeArray(frame.value));
    const maxAbs = frame.jacobian.stats.maxAbs;
    const limit = this.rescale ? scaleLimit(frame.jacobian) : this.fixedLimit;
    this.scaleNote.textContent = this.rescale
      ? `colour scale ±${formatNumber(limit, 4)} (this frame)`
      : `colour scale fixed at ±${formatNumber(limit, 4)}` +
        (maxAbs > limit ? `; max |J| = ${formatNumber(maxAbs, 4)} saturates` : "");
    this.drawSigmas(frame.jacobian.stats.singularValues ?? []);
  }

  private drawSigmas(sigmas: readonly number[]): void {
    const top = sigmas[0] ?? 0;
    const scale = this.rescale ? top : Math.max(this.fixedSigma, top);
    const rows = sigmas.slice(0, SIGMAS_SHOWN).map((sigma, k) => {
      const bar = el("span", { class: "ct-sigma-bar" });
      bar.style.width = `${scale > 0 ? Math.min(100, (sigma / scale) * 100) : 0}%`;
      return el(
        "div",
        { class: "ct-sigma", role: "listitem" },
        el("span", { class: "ct-sigma-name" }, `σ${k + 1}`),
        el("span", { class: "ct-sigma-track" }, bar),
        el("span", { class: "ct-sigma-value" }, formatNumber(sigma, 4)),
      );
    });
    const none =
      sigmas.length === 0
        ? el("div", { class: "ct-muted" }, "no singular values (J is too large)")
        : null;
    this.sigmaHost.replaceChildren(...rows, ...(none ? [none] : []));
  }

  setEnabled(): void {
    // the sliders are the Jacobian explorer's inputs; the shell enables them
  }
}

export function createJacobianExplorer(
  first: ExploreJacobianFrame,
  hooks: ViewHooks,
): FrameView<ExploreJacobianFrame> {
  return new JacobianExplorer(first, hooks);
}
