/**
 * Tells the user when a notebook's kernel died: one warning per death, however many events
 * report it (the client's exit, state changes, the requests that failed with it), and none again
 * for that notebook until a fresh kernel is up. Keeps what it showed for the integration tests.
 */
import * as vscode from "vscode";
import type { KernelManager } from "./kernel-manager.js";

export type ShowWarning = (message: string) => void;

export interface DeathNotices extends vscode.Disposable {
  /** Every warning shown, oldest first. */
  shown(): readonly string[];
}

export function reportKernelDeaths(
  kernels: KernelManager,
  log: (line: string) => void,
  show: ShowWarning = (message) => void vscode.window.showWarningMessage(message),
): DeathNotices {
  const shown: string[] = [];
  /** Notebooks whose death was reported and that have no fresh kernel yet. */
  const reported = new Set<string>();
  const subscription = kernels.onDidChangeState(({ notebook, state, exit }) => {
    const key = notebook.toString();
    if (state === "idle" || state === undefined) reported.delete(key);
    if (!exit || reported.has(key)) return;
    reported.add(key);
    log(`kernel died: ${exit.message}\n${exit.stderrTail}`);
    const message = `Cotangent: ${exit.message} The next run starts a fresh kernel.`;
    shown.push(message);
    show(message);
  });
  return {
    shown: () => [...shown],
    dispose: () => {
      subscription.dispose();
    },
  };
}
