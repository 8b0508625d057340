/**
 * The status-bar item: the kernel state of the active notebook when it runs on Cotangent.
 * Clicking it restarts the kernel.
 */
import * as vscode from "vscode";
import type { KernelManager, KernelState } from "./kernel-manager.js";

const LOOK: Record<KernelState | "none", { icon: string; text: string; tip: string }> = {
  none: {
    icon: "$(circle-outline)",
    text: "not started",
    tip: "Starts when Cotangent is selected for the notebook, or when a cell runs.",
  },
  starting: {
    icon: "$(loading~spin)",
    text: "starting",
    tip: "The kernel is starting and loading TypeScript.",
  },
  idle: { icon: "$(circle-outline)", text: "idle", tip: "The kernel is ready." },
  busy: { icon: "$(circle-filled)", text: "busy", tip: "A cell is running." },
  dead: {
    icon: "$(error)",
    text: "dead",
    tip: "The kernel stopped; the next run starts a fresh one.",
  },
};

export function createStatusBar(
  kernels: KernelManager,
  isOurs: (notebook: vscode.Uri) => boolean,
): vscode.Disposable {
  const item = vscode.window.createStatusBarItem(
    "cotangent.kernelState",
    vscode.StatusBarAlignment.Left,
    50,
  );
  item.name = "Cotangent Kernel";
  item.command = "cotangent.restartKernel";

  const refresh = (): void => {
    const notebook = vscode.window.activeNotebookEditor?.notebook.uri;
    if (!notebook || !isOurs(notebook)) {
      item.hide();
      return;
    }
    const look = LOOK[kernels.state(notebook) ?? "none"];
    item.text = `${look.icon} Cotangent: ${look.text}`;
    item.tooltip = `${look.tip} Click to restart the kernel.`;
    item.show();
  };

  refresh();
  return vscode.Disposable.from(
    item,
    kernels.onDidChangeState(refresh),
    vscode.window.onDidChangeActiveNotebookEditor(refresh),
    // Selecting the controller happens after the editor opens.
    vscode.window.onDidChangeNotebookEditorSelection(refresh),
  );
}
