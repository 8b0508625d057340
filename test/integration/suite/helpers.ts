/**
 * Helpers for the integration suites: open a fixture notebook from a temporary copy, select the
 * Cotangent controller, run cells and wait for them, read outputs.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";

export const EXTENSION_ID = "cotangent.cotangent";
export const CONTROLLER_ID = "cotangent-kernel";
export const FIXTURES = path.resolve(__dirname, "../../../../test/integration/fixtures");

export const STDOUT = "application/vnd.code.notebook.stdout";
export const ERROR = "application/vnd.code.notebook.error";

export interface CotangentApi {
  rendererMessages(): readonly { message: unknown }[];
  kernelState(notebook: vscode.Uri): string | undefined;
  deathNotices(): readonly string[];
  activationMs: number;
}

/** Sets `cotangent.askForKernelRestart` (user settings); returns a function restoring it. */
export async function askBeforeRestart(ask: boolean): Promise<() => Thenable<void>> {
  const settings = vscode.workspace.getConfiguration("cotangent");
  const before = settings.inspect<boolean>("askForKernelRestart")?.globalValue;
  await settings.update("askForKernelRestart", ask, vscode.ConfigurationTarget.Global);
  return () => settings.update("askForKernelRestart", before, vscode.ConfigurationTarget.Global);
}

export async function activateExtension(): Promise<CotangentApi> {
  const extension = vscode.extensions.getExtension<CotangentApi>(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not installed`);
  return extension.activate();
}

/** Copies a fixture into a fresh temporary folder (runs mark notebooks dirty) and opens it. */
export async function openFixture(name: string): Promise<vscode.NotebookDocument> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "cotangent-it-"));
  const target = path.join(folder, name);
  fs.copyFileSync(path.join(FIXTURES, name), target);
  const notebook = await vscode.workspace.openNotebookDocument(vscode.Uri.file(target));
  await vscode.window.showNotebookDocument(notebook);
  await vscode.commands.executeCommand("notebook.selectKernel", {
    id: CONTROLLER_ID,
    extension: EXTENSION_ID,
  });
  return notebook;
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false,
  timeoutMs = 60_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** True when the cell's last run ended at or after `since` (ms since the epoch). */
export function ranSince(cell: vscode.NotebookCell, since: number): boolean {
  const end = cell.executionSummary?.timing?.endTime;
  return end !== undefined && end >= since;
}

/** Appends code cells at the end; returns the index of the first. */
export async function appendCells(
  notebook: vscode.NotebookDocument,
  sources: string[],
): Promise<number> {
  const start = notebook.cellCount;
  const cells = sources.map(
    (source) => new vscode.NotebookCellData(vscode.NotebookCellKind.Code, source, "typescript"),
  );
  const edit = new vscode.WorkspaceEdit();
  edit.set(notebook.uri, [vscode.NotebookEdit.insertCells(start, cells)]);
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error("could not insert cells");
  return start;
}

/** Starts running cells [start, end) without waiting. */
export function startCells(
  notebook: vscode.NotebookDocument,
  start: number,
  end: number,
): Thenable<unknown> {
  return vscode.commands.executeCommand("notebook.cell.execute", {
    ranges: [{ start, end }],
    document: notebook.uri,
  });
}

/** Runs cells [start, end) and waits until each has finished. */
export async function runCells(
  notebook: vscode.NotebookDocument,
  start: number,
  end: number,
): Promise<void> {
  const since = Date.now();
  await startCells(notebook, start, end);
  for (let i = start; i < end; i++) {
    const cell = notebook.cellAt(i);
    await waitFor(`cell ${i} to finish`, () => ranSince(cell, since));
  }
}

export function decode(item: vscode.NotebookCellOutputItem): string {
  return new TextDecoder().decode(item.data);
}

/** Every output item of a cell with the given MIME type, decoded as text. */
export function texts(cell: vscode.NotebookCell, mime: string): string[] {
  return cell.outputs.flatMap((output) =>
    output.items.filter((item) => item.mime === mime).map(decode),
  );
}

export interface ErrorOutput {
  name: string;
  message: string;
  stack?: string;
}

export function errors(cell: vscode.NotebookCell): ErrorOutput[] {
  return texts(cell, ERROR).map((text) => JSON.parse(text) as ErrorOutput);
}

/** A cell's outputs as readable text, for assertion messages. */
export function describeOutputs(cell: vscode.NotebookCell): string {
  const parts = cell.outputs.flatMap((output) =>
    output.items.map((item) => `${item.mime}: ${decode(item).slice(0, 400)}`),
  );
  return `cell ${cell.index} (success ${String(cell.executionSummary?.success)}): ${parts.join(" | ") || "no outputs"}`;
}
