/**
 * A running cell's `await input(prompt)` in VS Code: an input box (masked for a password). The
 * typed text answers the cell; Escape makes the cell's input() throw "the input was cancelled".
 * The box closes when the cell ends (an interrupt, a crash) or its execution is cancelled before
 * it is answered.
 */
import type * as vscode from "vscode";
import type { InputEvent } from "../kernel/protocol.js";

/** How to ask (vscode.window.showInputBox in the extension; a fake in tests). */
export type AskText = (
  options: vscode.InputBoxOptions,
  token: vscode.CancellationToken,
) => Thenable<string | undefined>;

export interface InputHandlerOptions {
  /** Shows the box; resolves undefined when it was dismissed or closed by the token. */
  readonly ask: AskText;
  /** Names where the question comes from, e.g. "demo.ipynb, cell 3". */
  readonly source: string;
  /** Cancelled when the cell has ended or its execution was cancelled: the open box closes. */
  readonly cellEnded: vscode.CancellationToken;
}

/** The cell's onInput handler: each input event asks once and answers with the typed text. */
export function createInputHandler(
  options: InputHandlerOptions,
): (event: InputEvent) => Promise<string> {
  const { ask, source, cellEnded } = options;
  return async (event) => {
    if (cellEnded.isCancellationRequested) throw new Error(endedMessage);
    const value = await ask(
      {
        title: `${source}: input`,
        prompt: event.prompt === "" ? "Type a line of text for the cell" : event.prompt,
        password: event.password,
        ignoreFocusOut: true,
      },
      cellEnded,
    );
    if (value !== undefined) return value;
    throw new Error(cellEnded.isCancellationRequested ? endedMessage : "the input was cancelled");
  };
}

const endedMessage = "the cell ended before the answer came";

/** "demo.ipynb, cell 3" for a cell at index 2, or the notebook or "Cotangent" when unknown. */
export function inputSource(cell: {
  readonly index?: number;
  readonly notebook?: { readonly uri: { readonly path: string } };
}): string {
  const file = cell.notebook?.uri.path.split("/").pop();
  const name = file !== undefined && file !== "" ? file : "Cotangent";
  return cell.index === undefined ? name : `${name}, cell ${cell.index + 1}`;
}
