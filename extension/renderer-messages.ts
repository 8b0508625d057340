/**
 * Messages from the Cotangent renderer (the webview side): "rendered" after a view was drawn,
 * later interaction requests. They are kept (bounded) and re-emitted, so tests and other parts of
 * the extension can see that an output was really drawn.
 */
import * as vscode from "vscode";

export const RENDERER_ID = "cotangent-renderer";
const KEEP = 500;

export interface RendererMessage {
  /** The message as the renderer posted it, e.g. { type: "rendered", mime, … }. */
  message: unknown;
  /** The notebook whose editor shows the output. */
  notebook: vscode.Uri;
  receivedAt: number;
}

export class RendererMessages implements vscode.Disposable {
  private readonly kept: RendererMessage[] = [];
  private readonly emitter = new vscode.EventEmitter<RendererMessage>();
  private readonly subscription: vscode.Disposable;
  readonly onDidReceive = this.emitter.event;

  constructor() {
    const messaging = vscode.notebooks.createRendererMessaging(RENDERER_ID);
    this.subscription = messaging.onDidReceiveMessage(({ editor, message }) => {
      const entry: RendererMessage = {
        message,
        notebook: editor.notebook.uri,
        receivedAt: Date.now(),
      };
      this.kept.push(entry);
      if (this.kept.length > KEEP) this.kept.shift();
      this.emitter.fire(entry);
    });
  }

  all(): readonly RendererMessage[] {
    return [...this.kept];
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
