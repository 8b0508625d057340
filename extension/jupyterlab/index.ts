/**
 * Cotangent's JupyterLab 4 / Notebook 7 extension (prebuilt; scripts/build.mjs builds it into
 * dist/labextension with @jupyter/builder). One plugin:
 *
 * - adds a renderer factory for our MIME types (jacobian, chain, trace, explore), ranked first
 *   and marked safe — the renderer treats every string as text, so the views draw in untrusted
 *   notebooks too (where JupyterLab refuses the SVG fallback);
 * - gives explore views the notebook's kernel: each output finds the notebook panel that holds
 *   it and opens a `cotangent.explore` comm on its kernel (comm-channel.ts); a kernel change,
 *   restart or shutdown closes the notebook's live views.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";
import { INotebookTracker, type NotebookPanel } from "@jupyterlab/notebook";
import { IRenderMimeRegistry } from "@jupyterlab/rendermime";
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import type { Kernel, KernelMessage } from "@jupyterlab/services";
import { MIME } from "../../kernel/shared/payloads.js";
import type { CommLike, KernelLink } from "./comm-channel.js";
import { CotangentOutput, type OutputHost } from "./output.js";

/** Ahead of JupyterLab's own renderers (HTML 50, markdown 60, LaTeX 70, SVG 80, PNG 90, text 120). */
const RANK = -10;

interface KernelState {
  generation: number;
  /** Cells of this kernel started and not finished (execute_request busy → idle). */
  running: number;
}

const RESTART_REASON = "the kernel restarted: run the cell again to explore";
const SHUTDOWN_REASON = "the kernel was shut down: run the cell to explore";

/** Watch a kernel: its running cells (so moves say "waiting") and its restarts. */
function watchKernel(
  kernel: Kernel.IKernelConnection,
  states: WeakMap<Kernel.IKernelConnection, KernelState>,
  onRestart: () => void,
): void {
  if (states.has(kernel)) return;
  const state: KernelState = { generation: 0, running: 0 };
  states.set(kernel, state);
  kernel.iopubMessage.connect((_, msg: KernelMessage.IIOPubMessage) => {
    if (msg.header.msg_type !== "status") return;
    const parent = msg.parent_header as Partial<KernelMessage.IHeader>;
    if (parent.msg_type !== "execute_request") return;
    const execution = (msg.content as { execution_state?: string }).execution_state;
    if (execution === "busy") state.running += 1;
    else if (execution === "idle") state.running = Math.max(0, state.running - 1);
  });
  kernel.statusChanged.connect((_, status) => {
    if (status !== "restarting" && status !== "autorestarting" && status !== "dead") return;
    state.generation += 1;
    state.running = 0;
    onRestart();
  });
}

function linkOf(kernel: Kernel.IKernelConnection, state: KernelState): KernelLink {
  return {
    id: `${kernel.id}#${state.generation}`,
    // IComm has more members than the transport uses; it satisfies CommLike structurally
    createComm: (target) => kernel.createComm(target) as unknown as CommLike,
    executing: () => state.running > 0,
  };
}

function createHost(tracker: INotebookTracker): OutputHost {
  const outputs = new Set<CotangentOutput>();
  const states = new WeakMap<Kernel.IKernelConnection, KernelState>();
  const panelOf = (node: HTMLElement): NotebookPanel | null =>
    tracker.find((panel) => panel.node.contains(node)) ?? null;
  const closePanel = (panel: NotebookPanel, reason: string): void => {
    for (const output of outputs)
      if (panel.node.contains(output.node)) output.channel.close(reason);
  };
  const watch = (panel: NotebookPanel): void => {
    const kernel = panel.sessionContext.session?.kernel;
    if (kernel) watchKernel(kernel, states, () => closePanel(panel, RESTART_REASON));
  };
  tracker.widgetAdded.connect((_, panel) => {
    watch(panel);
    panel.sessionContext.kernelChanged.connect((_context, change) => {
      closePanel(panel, change.newValue ? RESTART_REASON : SHUTDOWN_REASON);
      watch(panel);
    });
  });
  tracker.forEach(watch);
  return {
    kernelFor(node) {
      const kernel = panelOf(node)?.sessionContext.session?.kernel;
      if (!kernel || kernel.isDisposed) return undefined;
      watchKernel(kernel, states, () => undefined);
      const state = states.get(kernel);
      return state ? linkOf(kernel, state) : undefined;
    },
    track: (output) => void outputs.add(output),
    untrack: (output) => void outputs.delete(output),
  };
}

function rendererFactory(host: OutputHost): IRenderMime.IRendererFactory {
  return {
    safe: true,
    mimeTypes: Object.values(MIME),
    defaultRank: RANK,
    createRenderer: (options) => new CotangentOutput(options, host),
  };
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: "cotangent:views",
  description: "Cotangent's views (Jacobian, chain, trace, explore), live through the kernel.",
  autoStart: true,
  requires: [IRenderMimeRegistry, INotebookTracker],
  activate: (_app: JupyterFrontEnd, rendermime: IRenderMimeRegistry, tracker: INotebookTracker) => {
    rendermime.addFactory(rendererFactory(createHost(tracker)), RANK);
  },
};

export default plugin;
