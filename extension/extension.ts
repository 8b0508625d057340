/**
 * The Cotangent extension: registers the notebook controller, the kernel manager, the status bar,
 * the commands, the language features and the renderer messaging. Nothing else happens here.
 */
import * as path from "node:path";
import * as os from "node:os";
import * as vscode from "vscode";
import { createKernelClient } from "../kernel/client.js";
import { registerCommands } from "./commands.js";
import { createExploreBridge } from "./explore-bridge.js";
import { CotangentController } from "./controller.js";
import { KernelManager, type KernelState } from "./kernel-manager.js";
import { registerLanguageFeatures } from "./language-features.js";
import { RendererMessages, type RendererMessage } from "./renderer-messages.js";
import { reportKernelDeaths } from "./notifications.js";
import { createStatusBar } from "./status-bar.js";
import { executorPath } from "../kernel/paths.js";

const loadedAt = Date.now();

/** What the extension exports (used by the integration tests and by other extensions). */
export interface CotangentApi {
  rendererMessages(): readonly RendererMessage[];
  onDidReceiveRendererMessage: vscode.Event<RendererMessage>;
  kernelState(notebook: vscode.Uri): KernelState | undefined;
  /** The "kernel died" warnings shown so far, oldest first. */
  deathNotices(): readonly string[];
  /** Milliseconds from loading the bundle to the end of activate(). */
  activationMs: number;
}

/** Cells run in the notebook's folder; untitled notebooks in the first workspace folder. */
function cwdFor(notebook: vscode.Uri): string {
  if (notebook.scheme === "file") return path.dirname(notebook.fsPath);
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir();
}

function kernelFactory(context: vscode.ExtensionContext, log: vscode.OutputChannel) {
  const executor = executorPath(context.extensionPath);
  // In desktop VS Code the extension host is Electron: run it as plain Node. The packaged
  // extension carries the kernel's run-time modules in dist/kernel-deps (vsce drops node_modules).
  const deps = context.asAbsolutePath(path.join("dist", "kernel-deps"));
  const nodePath = [deps, process.env["NODE_PATH"]].filter(Boolean).join(path.delimiter);
  const env = { ...process.env, ELECTRON_RUN_AS_NODE: "1", NODE_PATH: nodePath };
  return (cwd: string) =>
    createKernelClient({
      executorPath: executor,
      nodePath: process.execPath,
      cwd,
      env,
      onOutput: (name, text) => log.append(`[${name}] ${text}`),
    });
}

function warnUntrustedOnce(): () => void {
  let warned = false;
  return () => {
    if (warned) return;
    warned = true;
    const manage = "Manage Workspace Trust";
    void vscode.window
      .showWarningMessage(
        "Cotangent does not run notebook cells in an untrusted workspace.",
        manage,
      )
      .then((choice) => {
        if (choice === manage) void vscode.commands.executeCommand("workbench.trust.manage");
      });
  };
}

export function activate(context: vscode.ExtensionContext): CotangentApi {
  const log = vscode.window.createOutputChannel("Cotangent");
  const kernels = new KernelManager(kernelFactory(context, log), cwdFor);
  const controller = new CotangentController({
    kernels,
    isTrusted: () => vscode.workspace.isTrusted,
    warnUntrusted: warnUntrustedOnce(),
  });
  const renderer = new RendererMessages();
  const deaths = reportKernelDeaths(kernels, (line) => log.appendLine(line));
  const explore = createExploreBridge<vscode.NotebookEditor>({
    kernelFor: (notebook) => kernels.running(notebook as vscode.Uri),
    post: (message, editor) => void renderer.post(message, editor),
  });
  const notebookOfCell = (cell: vscode.TextDocument): vscode.Uri | undefined =>
    vscode.workspace.notebookDocuments.find((notebook) =>
      notebook.getCells().some((c) => c.document === cell),
    )?.uri;

  context.subscriptions.push(
    log,
    kernels,
    controller,
    renderer,
    renderer.onDidReceive(({ message, notebook, editor }) =>
      explore.receive(message, notebook, editor),
    ),
    kernels.onDidChangeState(({ notebook, state }) => explore.kernelChanged(notebook, state)),
    { dispose: () => explore.dispose() },
    createStatusBar(
      kernels,
      (notebook) => controller.isSelectedFor(notebook) || kernels.state(notebook) !== undefined,
    ),
    registerCommands(kernels, controller),
    registerLanguageFeatures((cell) => {
      const notebook = notebookOfCell(cell);
      return notebook && controller.isSelectedFor(notebook) ? kernels.running(notebook) : undefined;
    }),
    deaths,
  );

  const activationMs = Date.now() - loadedAt;
  log.appendLine(`Cotangent activated in ${activationMs} ms`);
  return {
    rendererMessages: () => renderer.all(),
    onDidReceiveRendererMessage: renderer.onDidReceive,
    kernelState: (notebook) => kernels.state(notebook),
    deathNotices: () => deaths.shown(),
    activationMs,
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
