/**
 * The notebook controller: "Cotangent (TypeScript)" for Jupyter notebooks. Runs cells through
 * the notebook's kernel in a serial queue, interrupts, refuses to run in an untrusted workspace,
 * and is the preferred controller for notebooks whose kernelspec is `cotangent`. Their kernel
 * starts when they open (or when the controller is selected), before the first run.
 */
import * as vscode from "vscode";
import { CellQueue, type CellExecutionLike } from "./cell-execution.js";
import type { KernelManager } from "./kernel-manager.js";
import { untrustedItem } from "./output-items.js";

export const CONTROLLER_ID = "cotangent-kernel";
export const NOTEBOOK_TYPE = "jupyter-notebook";
export const KERNELSPEC_NAME = "cotangent";

/** True when the notebook's ipynb metadata names our kernelspec. */
export function namesOurKernel(metadata: Record<string, unknown> | undefined): boolean {
  const inner = metadata?.["metadata"] as Record<string, unknown> | undefined;
  for (const holder of [inner, metadata]) {
    const spec = holder?.["kernelspec"] as { name?: unknown } | undefined;
    if (spec?.name === KERNELSPEC_NAME) return true;
  }
  return false;
}

export interface ControllerOptions {
  kernels: KernelManager;
  isTrusted: () => boolean;
  /** Tells the user once why cells do not run in an untrusted workspace. */
  warnUntrusted: () => void;
}

export class CotangentController implements vscode.Disposable {
  readonly controller: vscode.NotebookController;
  private readonly queues = new Map<string, CellQueue>();
  private readonly selected = new Set<string>();
  /** Notebooks whose kernel was started before their first run. */
  private readonly warmed = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly options: ControllerOptions) {
    const controller = vscode.notebooks.createNotebookController(
      CONTROLLER_ID,
      NOTEBOOK_TYPE,
      "Cotangent (TypeScript)",
    );
    controller.supportedLanguages = ["typescript", "javascript"];
    controller.supportsExecutionOrder = true;
    controller.description = "TypeScript cells with visible derivatives";
    controller.executeHandler = (cells, notebook) => this.execute(cells, notebook);
    controller.interruptHandler = (notebook) => this.interrupt(notebook.uri);
    this.controller = controller;
    this.disposables.push(
      controller,
      controller.onDidChangeSelectedNotebooks(({ notebook, selected }) => {
        if (selected) this.selected.add(notebook.uri.toString());
        else this.selected.delete(notebook.uri.toString());
        if (selected) this.warmUp(notebook);
      }),
      vscode.workspace.onDidOpenNotebookDocument((notebook) => this.updateAffinity(notebook)),
      vscode.workspace.onDidCloseNotebookDocument((notebook) => this.forget(notebook.uri)),
    );
    for (const notebook of vscode.workspace.notebookDocuments) this.updateAffinity(notebook);
  }

  /** True when the user picked this controller for the notebook. */
  isSelectedFor(notebook: vscode.Uri): boolean {
    return this.selected.has(notebook.toString());
  }

  /** Interrupts the running cell and cancels the queued ones; the kernel keeps its state. */
  interrupt(notebook: vscode.Uri): void {
    this.queues.get(notebook.toString())?.cancelWaiting();
    this.options.kernels.interrupt(notebook);
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }

  /**
   * Starts the notebook's kernel as soon as the notebook opens naming our kernelspec, or our
   * controller is selected for it, and checks its first code cell (usually the import of
   * "cotangent"), so the first run finds the checker warm. Once per notebook; not in an untrusted
   * workspace (a kernel runs code).
   */
  private warmUp(notebook: vscode.NotebookDocument): void {
    const key = notebook.uri.toString();
    if (!this.options.isTrusted() || this.warmed.has(key)) return;
    this.warmed.add(key);
    const first = notebook.getCells().find((cell) => cell.kind === vscode.NotebookCellKind.Code);
    void this.options.kernels.warm(notebook.uri, first?.document.getText() ?? "");
  }

  private async execute(
    cells: vscode.NotebookCell[],
    notebook: vscode.NotebookDocument,
  ): Promise<void> {
    const executions = cells.map((cell) => this.controller.createNotebookCellExecution(cell));
    if (!this.options.isTrusted()) {
      await Promise.all(executions.map((execution) => refuseUntrusted(execution)));
      this.options.warnUntrusted();
      return;
    }
    await this.queueFor(notebook.uri).enqueue(executions);
  }

  private queueFor(notebook: vscode.Uri): CellQueue {
    const key = notebook.toString();
    let queue = this.queues.get(key);
    if (!queue) {
      queue = new CellQueue(() => this.options.kernels.kernel(notebook));
      this.queues.set(key, queue);
    }
    return queue;
  }

  /** A notebook that names our kernelspec prefers this controller, and its kernel warms now. */
  private updateAffinity(notebook: vscode.NotebookDocument): void {
    if (notebook.notebookType !== NOTEBOOK_TYPE || !namesOurKernel(notebook.metadata)) return;
    this.controller.updateNotebookAffinity(notebook, vscode.NotebookControllerAffinity.Preferred);
    this.warmUp(notebook);
  }

  private forget(notebook: vscode.Uri): void {
    const key = notebook.toString();
    this.queues.get(key)?.cancelWaiting();
    this.queues.delete(key);
    this.selected.delete(key);
    this.warmed.delete(key);
    void this.options.kernels.shutdown(notebook);
  }
}

async function refuseUntrusted(execution: CellExecutionLike): Promise<void> {
  execution.start(Date.now());
  await execution.clearOutput();
  await execution.appendOutput(new vscode.NotebookCellOutput([untrustedItem()]));
  execution.end(false, Date.now());
}
