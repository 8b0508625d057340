/** Completion items keep the kernel's ranking in VS Code, which sorts by sortText, else label. */
import { describe, expect, test, vi } from "vitest";
vi.mock("vscode", () => import("./fake-vscode.js"));
import { completionItems } from "../../extension/language-features.js";
import type * as vscode from "vscode";

const document = { positionAt: (offset: number) => offset } as unknown as vscode.TextDocument;

/** The labels in the order VS Code's suggest widget shows them. */
function shown(items: vscode.CompletionItem[]): string[] {
  const label = (item: vscode.CompletionItem): string =>
    typeof item.label === "string" ? item.label : item.label.label;
  const key = (item: vscode.CompletionItem): string => item.sortText ?? label(item);
  return [...items].sort((a, b) => key(a).localeCompare(key(b))).map(label);
}

describe("completion items", () => {
  test("show in the kernel's order: internal members such as _data last, not first", () => {
    const matches = ["sum", "abs", "transpose", "_data", "_grad"];
    for (let i = 0; i < 7; i++) matches.splice(3, 0, `m${i}`);
    const reply = {
      type: "completeReply" as const,
      id: "c",
      matches,
      cursorStart: 2,
      cursorEnd: 2,
      details: [{ name: "sum", kind: "method" }],
    };
    const items = completionItems(reply, document);
    expect(shown(items)).toEqual(matches);
    expect(items[0]?.kind).toBe(1);
  });
});
