/**
 * One kernel client per notebook, created when the notebook opens naming our kernelspec or the
 * controller is selected for it (warm), else on the first run. The client itself restarts its
 * executor after a death (the running cell gets a KernelDied error from it); the manager tracks
 * each notebook's kernel state for the status bar and reports each exit (notifications.ts tells
 * the user about a death).
 */
import * as vscode from "vscode";
import type { ExitInfo, KernelClient, KernelState } from "../kernel/client.js";

export type { KernelState } from "../kernel/client.js";

/** Creates the client for a notebook whose cells run in `cwd`; starts nothing yet. */
export type KernelFactory = (cwd: string) => KernelClient;

export interface KernelStateChange {
  notebook: vscode.Uri;
  /** undefined: the notebook has no kernel (never started, or shut down). */
  state: KernelState | undefined;
  /** Set when the state became "dead" because the process ended unexpectedly. */
  exit?: ExitInfo;
}

interface Entry {
  client: KernelClient;
  unsubscribe: () => void;
}

export class KernelManager implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  /** Notebooks whose kernel warm() is starting and checking. */
  private readonly warming = new Set<string>();
  private readonly changed = new vscode.EventEmitter<KernelStateChange>();
  readonly onDidChangeState = this.changed.event;

  constructor(
    private readonly factory: KernelFactory,
    private readonly cwdFor: (notebook: vscode.Uri) => string,
  ) {}

  /** The notebook's kernel, created if needed; a dead one starts afresh on its next request. */
  kernel(notebook: vscode.Uri): KernelClient {
    return (this.entries.get(notebook.toString()) ?? this.create(notebook)).client;
  }

  /** The kernel if it is up (completion, hover and diagnostics never start one). */
  running(notebook: vscode.Uri): KernelClient | undefined {
    const client = this.entries.get(notebook.toString())?.client;
    return client && (client.state === "idle" || client.state === "busy") ? client : undefined;
  }

  /** The kernel's state; "starting" also while warm() has not finished. */
  state(notebook: vscode.Uri): KernelState | undefined {
    const state = this.entries.get(notebook.toString())?.client.state;
    return state === "idle" && this.warming.has(notebook.toString()) ? "starting" : state;
  }

  /**
   * Starts the notebook's kernel before its first run and checks `code` (the first code cell)
   * on it: the checker then has TypeScript and the runtime's declarations loaded, and the first
   * run of that cell reuses the check. A start that fails is left for the first run to report.
   */
  async warm(notebook: vscode.Uri, code: string): Promise<void> {
    const key = notebook.toString();
    const client = this.kernel(notebook);
    this.warming.add(key);
    try {
      await client.start();
      if (code.trim() !== "") await client.diagnose(code);
    } catch {
      // Reported by the first run, which starts the kernel again.
    } finally {
      this.warming.delete(key);
      if (this.entries.get(key)?.client === client) {
        this.changed.fire({ notebook, state: this.state(notebook) });
      }
    }
  }

  /** Interrupts the running cell; false when the notebook has no running kernel. */
  interrupt(notebook: vscode.Uri): boolean {
    const client = this.running(notebook);
    client?.interrupt();
    return client !== undefined;
  }

  /** Kills the kernel and starts a fresh one (all variables are lost). */
  async restart(notebook: vscode.Uri): Promise<void> {
    await this.kernel(notebook).restart();
  }

  /** Stops the notebook's kernel and forgets it (when the notebook is closed). */
  async shutdown(notebook: vscode.Uri): Promise<void> {
    const key = notebook.toString();
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    entry.unsubscribe();
    this.changed.fire({ notebook, state: undefined });
    await entry.client.shutdown().catch(() => undefined);
  }

  dispose(): void {
    for (const [key, entry] of this.entries) {
      this.entries.delete(key);
      entry.unsubscribe();
      void entry.client.shutdown().catch(() => undefined);
    }
    this.changed.dispose();
  }

  private create(notebook: vscode.Uri): Entry {
    const client = this.factory(this.cwdFor(notebook));
    const offState = client.onStateChange(() => {
      const state = this.state(notebook);
      if (state !== "dead") this.changed.fire({ notebook, state });
    });
    const offExit = client.onExit((exit) => {
      const change: KernelStateChange = { notebook, state: "dead" };
      if (!exit.expected) change.exit = exit;
      this.changed.fire(change);
    });
    const entry: Entry = {
      client,
      unsubscribe: () => {
        offState();
        offExit();
      },
    };
    this.entries.set(notebook.toString(), entry);
    return entry;
  }
}
