/**
 * One Cotangent output in JupyterLab / Notebook 7: a Lumino widget that draws its MIME bundle
 * with the VS Code renderer's own code (`renderInto` of extension/renderer/), themed by
 * host.css. An `update_display_data` (a live trace) calls `renderModel` again on the same
 * widget, and the renderer updates the view in place. An explore view gets the comm transport
 * of comm-channel.ts; disposing the output releases it (the comm closes).
 */
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";
import { MIME } from "../../kernel/shared/payloads.js";
import { deliverToElement, disposeElement, renderInto } from "../renderer/index.js";
import { createCommChannel, type CommChannel, type KernelLink } from "./comm-channel.js";
import hostCss from "./host.css";

/** What an output needs from the plugin: the kernel of the notebook that shows it. */
export interface OutputHost {
  kernelFor(node: HTMLElement): KernelLink | undefined;
  /** The output exists (the plugin closes its explore view when its kernel goes). */
  track(output: CotangentOutput): void;
  untrack(output: CotangentOutput): void;
}

export const OUTPUT_CLASS = "jp-CotangentOutput";
/** The DOM event a view's report (ViewHooks.post: rendered, selected, updated…) is sent as. */
export const VIEW_EVENT = "cotangent-view";
const HOST_STYLE_ID = "cotangent-jupyterlab-style";

function ensureHostStyles(): void {
  if (document.getElementById(HOST_STYLE_ID)) return;
  const style = document.createElement("style");
  style.id = HOST_STYLE_ID;
  style.textContent = hostCss;
  document.head.append(style);
}

export class CotangentOutput extends Widget implements IRenderMime.IRenderer {
  readonly channel: CommChannel;
  private readonly mimeType: string;
  /** A payload that came before the widget was attached (drawn on attach, at its real size). */
  private pending: unknown;
  private hasPending = false;

  constructor(options: IRenderMime.IRendererOptions, host: OutputHost) {
    super();
    this.mimeType = options.mimeType;
    this.addClass(OUTPUT_CLASS);
    this.channel = createCommChannel({
      kernel: () => host.kernelFor(this.node),
      deliver: (message) => deliverToElement(this.node, message),
    });
    host.track(this);
    this.disposed.connect(() => host.untrack(this));
  }

  renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const payload = model.data[this.mimeType];
    if (!this.isAttached) {
      this.pending = payload;
      this.hasPending = true;
      return Promise.resolve();
    }
    this.draw(payload);
    return Promise.resolve();
  }

  protected override onAfterAttach(): void {
    if (!this.hasPending) return;
    const payload = this.pending;
    this.pending = undefined;
    this.hasPending = false;
    this.draw(payload);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    disposeElement(this.node);
    super.dispose();
  }

  private draw(payload: unknown): void {
    ensureHostStyles();
    const node = this.node;
    const report = (message: Record<string, unknown>): void => {
      node.dispatchEvent(new CustomEvent(VIEW_EVENT, { detail: message, bubbles: true }));
    };
    const channel = this.mimeType === MIME.explore ? this.channel : null;
    const result = renderInto(node, this.mimeType, payload, { post: report }, channel);
    report({
      type: result.ok ? "rendered" : "error",
      mime: this.mimeType,
      ms: Math.round(result.ms * 10) / 10,
      ...(result.error === undefined ? {} : { error: result.error }),
      ...(result.info ?? {}),
    });
  }
}
