/**
 * The commands: New Notebook, Restart Kernel, Interrupt Kernel. Restart and interrupt act on the
 * notebook given as argument (a Uri, or the notebook toolbar's context) or the active one;
 * Restart asks first (the `cotangent.askForKernelRestart` setting).
 */
import * as vscode from "vscode";
import {
  CONTROLLER_ID,
  KERNELSPEC_NAME,
  NOTEBOOK_TYPE,
  type CotangentController,
} from "./controller.js";
import type { KernelManager } from "./kernel-manager.js";

export const EXTENSION_ID = "cotangent.cotangent";

const FIRST_CELL = 'import { tensor, grad, jacobian, display } from "cotangent";\n';

/** ipynb metadata of a new Cotangent notebook (as VS Code's ipynb support stores it). */
export function newNotebookMetadata(): Record<string, unknown> {
  return {
    cells: [],
    metadata: {
      kernelspec: {
        name: KERNELSPEC_NAME,
        display_name: "Cotangent (TypeScript)",
        language: "typescript",
      },
      language_info: { name: "typescript", file_extension: ".ts", mimetype: "text/typescript" },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

export const RESTART = "Restart";
export const RESTART_ALWAYS = "Don't Ask Again";
/** The setting that turns the question before a restart off (as jupyter.askForKernelRestart). */
export const ASK_SETTING = "askForKernelRestart";

/**
 * Asks before a restart throws the kernel's state away (a modal, as VS Code's Jupyter asks);
 * "Don't Ask Again" restarts and turns the setting off. True when the restart should go ahead.
 */
export async function confirmRestart(): Promise<boolean> {
  const settings = vscode.workspace.getConfiguration("cotangent");
  if (settings.get<boolean>(ASK_SETTING, true) === false) return true;
  const choice = await vscode.window.showWarningMessage(
    "Restart the Cotangent kernel?",
    {
      modal: true,
      detail:
        "All variables, imported modules and live traces of this notebook's kernel are lost; a running cell is stopped.",
    },
    RESTART,
    RESTART_ALWAYS,
  );
  if (choice === RESTART_ALWAYS) {
    await settings.update(ASK_SETTING, false, vscode.ConfigurationTarget.Global);
  }
  return choice === RESTART || choice === RESTART_ALWAYS;
}

/** The notebook a command targets: its argument if it names one, else the active editor's. */
export function targetNotebook(argument: unknown): vscode.Uri | undefined {
  if (argument instanceof vscode.Uri) return argument;
  const context = argument as { notebookEditor?: { notebookUri?: unknown } } | undefined;
  const fromToolbar = context?.notebookEditor?.notebookUri;
  if (fromToolbar instanceof vscode.Uri) return fromToolbar;
  return vscode.window.activeNotebookEditor?.notebook.uri;
}

async function newNotebook(): Promise<vscode.Uri> {
  const cell = new vscode.NotebookCellData(vscode.NotebookCellKind.Code, FIRST_CELL, "typescript");
  const data = new vscode.NotebookData([cell]);
  data.metadata = newNotebookMetadata();
  const notebook = await vscode.workspace.openNotebookDocument(NOTEBOOK_TYPE, data);
  await vscode.window.showNotebookDocument(notebook);
  await vscode.commands.executeCommand("notebook.selectKernel", {
    id: CONTROLLER_ID,
    extension: EXTENSION_ID,
  });
  return notebook.uri;
}

export function registerCommands(
  kernels: KernelManager,
  controller: CotangentController,
): vscode.Disposable {
  const needNotebook = (argument: unknown): vscode.Uri | undefined => {
    const notebook = targetNotebook(argument);
    if (!notebook) void vscode.window.showInformationMessage("Cotangent: open a notebook first.");
    return notebook;
  };
  return vscode.Disposable.from(
    vscode.commands.registerCommand("cotangent.newNotebook", newNotebook),
    vscode.commands.registerCommand("cotangent.restartKernel", async (argument: unknown) => {
      const notebook = needNotebook(argument);
      if (!notebook) return;
      // A kernel that is not up has no state to lose: no question then.
      if (kernels.running(notebook) && !(await confirmRestart())) return;
      controller.interrupt(notebook);
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: "Restarting the Cotangent kernel" },
        () => kernels.restart(notebook),
      );
    }),
    vscode.commands.registerCommand("cotangent.interruptKernel", (argument: unknown) => {
      const notebook = needNotebook(argument);
      if (notebook) controller.interrupt(notebook);
    }),
  );
}
