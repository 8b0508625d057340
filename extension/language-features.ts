/**
 * Completion, hover and type-error diagnostics inside Cotangent cells, answered by the notebook's
 * running kernel (which knows every earlier cell and the runtime's types). Nothing here starts a
 * kernel: the controller starts it when it is selected for the notebook, and until it is up cells
 * get no kernel-backed help.
 */
import * as vscode from "vscode";
import type { CompleteReply, Diagnostic as KernelDiagnostic } from "../kernel/protocol.js";
import type { KernelClient } from "../kernel/client.js";
import { NOTEBOOK_TYPE } from "./controller.js";

const SELECTOR: vscode.DocumentSelector = [
  { notebookType: NOTEBOOK_TYPE, language: "typescript" },
  { notebookType: NOTEBOOK_TYPE, language: "javascript" },
];
const DIAGNOSE_DELAY_MS = 400;

/** Finds the running kernel of the notebook a cell document belongs to (if ours and running). */
export type KernelForCell = (cell: vscode.TextDocument) => KernelClient | undefined;

const KINDS: Record<string, vscode.CompletionItemKind> = {
  function: vscode.CompletionItemKind.Function,
  method: vscode.CompletionItemKind.Method,
  property: vscode.CompletionItemKind.Property,
  var: vscode.CompletionItemKind.Variable,
  let: vscode.CompletionItemKind.Variable,
  const: vscode.CompletionItemKind.Constant,
  class: vscode.CompletionItemKind.Class,
  interface: vscode.CompletionItemKind.Interface,
  type: vscode.CompletionItemKind.TypeParameter,
  module: vscode.CompletionItemKind.Module,
  keyword: vscode.CompletionItemKind.Keyword,
};

/** Completion items for a kernel reply, replacing the range the kernel named. */
export function completionItems(
  reply: CompleteReply,
  document: vscode.TextDocument,
): vscode.CompletionItem[] {
  const range = new vscode.Range(
    document.positionAt(reply.cursorStart),
    document.positionAt(reply.cursorEnd),
  );
  const details = new Map((reply.details ?? []).map((detail) => [detail.name, detail]));
  const width = String(reply.matches.length).length;
  return reply.matches.map((match, rank) => {
    const detail = details.get(match);
    const item = new vscode.CompletionItem(
      match,
      KINDS[detail?.kind ?? ""] ?? vscode.CompletionItemKind.Text,
    );
    item.range = range;
    // VS Code sorts by sortText (else the label, which puts `_data` before `abs`): keep the
    // kernel's ranking, best first.
    item.sortText = String(rank).padStart(width, "0");
    if (detail?.type !== undefined) item.detail = detail.type;
    return item;
  });
}

/** A VS Code diagnostic for a kernel diagnostic (kernel positions are 1-based). */
export function toDiagnostic(diagnostic: KernelDiagnostic): vscode.Diagnostic {
  const range = new vscode.Range(
    Math.max(0, diagnostic.start.line - 1),
    Math.max(0, diagnostic.start.column - 1),
    Math.max(0, diagnostic.end.line - 1),
    Math.max(0, diagnostic.end.column - 1),
  );
  const severity =
    diagnostic.severity === "error"
      ? vscode.DiagnosticSeverity.Error
      : vscode.DiagnosticSeverity.Warning;
  const result = new vscode.Diagnostic(range, diagnostic.message, severity);
  result.source = "cotangent";
  return result;
}

/** Hover text from the kernel: the signature (up to the first blank line) as code, then the docs. */
export function hoverMarkdown(text: string): vscode.MarkdownString {
  const split = text.indexOf("\n\n");
  const signature = split < 0 ? text : text.slice(0, split);
  const docs = split < 0 ? "" : text.slice(split + 2).trim();
  const markdown = new vscode.MarkdownString().appendCodeblock(signature.trim(), "typescript");
  if (docs !== "") markdown.appendText(docs);
  return markdown;
}

export function registerLanguageFeatures(kernelFor: KernelForCell): vscode.Disposable {
  const diagnostics = vscode.languages.createDiagnosticCollection("cotangent");
  const timers = new Map<string, ReturnType<typeof setTimeout>>();

  const diagnose = async (document: vscode.TextDocument): Promise<void> => {
    const kernel = kernelFor(document);
    if (!kernel) {
      diagnostics.delete(document.uri);
      return;
    }
    const version = document.version;
    const reply = await kernel.diagnose(document.getText()).catch(() => undefined);
    if (!reply || document.version !== version) return;
    diagnostics.set(document.uri, reply.diagnostics.map(toDiagnostic));
  };

  const schedule = (document: vscode.TextDocument): void => {
    if (document.uri.scheme !== "vscode-notebook-cell") return;
    const key = document.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => void diagnose(document), DIAGNOSE_DELAY_MS),
    );
  };

  return vscode.Disposable.from(
    diagnostics,
    vscode.languages.registerCompletionItemProvider(
      SELECTOR,
      {
        async provideCompletionItems(document, position) {
          const kernel = kernelFor(document);
          if (!kernel) return undefined;
          const reply = await kernel.complete(document.getText(), document.offsetAt(position));
          return completionItems(reply, document);
        },
      },
      ".",
    ),
    vscode.languages.registerHoverProvider(SELECTOR, {
      async provideHover(document, position) {
        const kernel = kernelFor(document);
        if (!kernel) return undefined;
        const reply = await kernel.inspect(document.getText(), document.offsetAt(position), 0);
        // A bare `import NAME` (an import that resolves to nothing) is what VS Code's own
        // TypeScript hover already says: one is enough.
        if (!reply.found || /^(import [\w$]+)?$/.test(reply.text.trim())) return undefined;
        return new vscode.Hover(hoverMarkdown(reply.text));
      },
    }),
    vscode.workspace.onDidChangeTextDocument((event) => schedule(event.document)),
    vscode.workspace.onDidOpenTextDocument(schedule),
    vscode.workspace.onDidCloseTextDocument((document) => diagnostics.delete(document.uri)),
    { dispose: () => timers.forEach((timer) => clearTimeout(timer)) },
  );
}
