/**
 * The renderer messaging of the Cotangent renderer (the webview side). Renderer → host:
 * "rendered" after a view was drawn, and explore moves and releases; they are kept (bounded) and
 * re-emitted, so tests and other parts of the extension can see that an output was really drawn.
 * Host → renderer: `post`, the explore frames, errors and state of a view (ExploreHostMessage),
 * to the editor that shows it.
 */
import * as vscode from "vscode";
import type { ExploreHostMessage } from "../kernel/shared/payloads.js";

export const RENDERER_ID = "cotangent-renderer";
const KEEP = 500;

export interface RendererMessage {
  /** The message as the renderer posted it, e.g. { type: "rendered", mime, … }. */
  message: unknown;
  /** The notebook whose editor shows the output. */
  notebook: vscode.Uri;
  /** The editor whose renderer posted it (answers go back to it). */
  editor: vscode.NotebookEditor;
  receivedAt: number;
}

export class RendererMessages implements vscode.Disposable {
  private readonly kept: RendererMessage[] = [];
  private readonly emitter = new vscode.EventEmitter<RendererMessage>();
  private readonly subscription: vscode.Disposable;
  private readonly messaging: vscode.NotebookRendererMessaging;
  readonly onDidReceive = this.emitter.event;

  constructor() {
    const messaging = vscode.notebooks.createRendererMessaging(RENDERER_ID);
    this.messaging = messaging;
    this.subscription = messaging.onDidReceiveMessage(({ editor, message }) => {
      const entry: RendererMessage = {
        message,
        notebook: editor.notebook.uri,
        editor,
        receivedAt: Date.now(),
      };
      this.kept.push(entry);
      if (this.kept.length > KEEP) this.kept.shift();
      this.emitter.fire(entry);
    });
  }

  /** Send to the renderers of `editor` (all editors when undefined). */
  post(message: ExploreHostMessage, editor?: vscode.NotebookEditor): Thenable<boolean> {
    return this.messaging.postMessage(message, editor);
  }

  all(): readonly RendererMessage[] {
    return [...this.kept];
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
