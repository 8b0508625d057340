/**
 * A running cell's `await input(prompt)` in VS Code: an input box (masked for a password). The
 * typed text answers the cell; Escape makes the cell's input() throw "the input was cancelled".
 * The box closes when the cell ends (an interrupt, a crash) before it is answered.
 */
import type * as vscode from "vscode";
import type { InputEvent } from "../kernel/protocol.js";

/** How to ask (vscode.window.showInputBox in the extension; a fake in tests). */
export type AskText = (
  options: vscode.InputBoxOptions,
  token: vscode.CancellationToken,
) => Thenable<string | undefined>;

export async function askForInput(
  ask: AskText,
  event: InputEvent,
  cellEnded: vscode.CancellationToken,
): Promise<string> {
  const value = await ask(
    {
      title: "Cotangent: the cell asks for input",
      prompt: event.prompt === "" ? "Type a line of text for the cell" : event.prompt,
      password: event.password,
      ignoreFocusOut: true,
    },
    cellEnded,
  );
  if (value !== undefined) return value;
  throw new Error(
    cellEnded.isCancellationRequested
      ? "the cell ended before the answer came"
      : "the input was cancelled",
  );
}
