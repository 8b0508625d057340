/**
 * Turning kernel events into VS Code notebook output items: MIME bundles in preference order
 * (Cotangent's own views first, static fallbacks after), errors with the cell-mapped stack, and
 * the notes shown for an interrupted cell and in an untrusted workspace.
 */
import * as vscode from "vscode";
import { COTANGENT_MIMES, type MimeBundle } from "../kernel/shared/payloads.js";
import type { ErrorEvent } from "../kernel/protocol.js";

/** Richest first. MIME types not listed here keep their bundle order, before text/plain. */
export const MIME_PREFERENCE: readonly string[] = [
  ...COTANGENT_MIMES,
  "text/html",
  "image/svg+xml",
  "image/png",
  "image/jpeg",
  "text/markdown",
  "text/latex",
  "application/json",
];

const BINARY_IMAGE = new Set(["image/png", "image/jpeg", "image/gif"]);

function rank(mime: string): number {
  if (mime === "text/plain") return MIME_PREFERENCE.length + 1;
  const index = MIME_PREFERENCE.indexOf(mime);
  return index < 0 ? MIME_PREFERENCE.length : index;
}

/** The bundle's MIME types, richest first (stable for equal ranks). */
export function orderMimes(bundle: MimeBundle): string[] {
  return Object.keys(bundle)
    .map((mime, position) => ({ mime, position }))
    .sort((a, b) => rank(a.mime) - rank(b.mime) || a.position - b.position)
    .map((entry) => entry.mime);
}

function isJsonMime(mime: string): boolean {
  return mime === "application/json" || mime.endsWith("+json");
}

/** One output item for one MIME type of a bundle. */
export function toOutputItem(mime: string, data: unknown): vscode.NotebookCellOutputItem {
  if (BINARY_IMAGE.has(mime) && typeof data === "string") {
    return new vscode.NotebookCellOutputItem(Buffer.from(data, "base64"), mime);
  }
  if (isJsonMime(mime) && typeof data !== "string") {
    return vscode.NotebookCellOutputItem.json(data, mime);
  }
  if (typeof data === "string") return vscode.NotebookCellOutputItem.text(data, mime);
  if (Array.isArray(data) && data.every((line) => typeof line === "string")) {
    // nbformat allows multi-line strings as arrays of lines.
    return vscode.NotebookCellOutputItem.text(data.join(""), mime);
  }
  return vscode.NotebookCellOutputItem.text(JSON.stringify(data), mime);
}

/** All items of a bundle, richest first. */
export function bundleToItems(bundle: MimeBundle): vscode.NotebookCellOutputItem[] {
  return orderMimes(bundle).map((mime) => toOutputItem(mime, bundle[mime]));
}

/**
 * The stack text VS Code shows for an error: "Name: message" then the cell-mapped frames. A
 * traceback that opens with its own message (a runtime error, the diagnostics of a type error)
 * is shown as it is, so the message is not said twice.
 */
export function errorStack(event: Pick<ErrorEvent, "ename" | "evalue" | "traceback">): string {
  const head = `${event.ename}: ${event.evalue}`;
  const frames = event.traceback.filter((line) => line.trim().length > 0);
  if (frames.length > 0 && !/^\s+at /.test(frames[0])) return frames.join("\n");
  return [head, ...frames].join("\n");
}

/** An error output item for a kernel error event; the position (if known) is in the stack. */
export function errorItem(event: ErrorEvent): vscode.NotebookCellOutputItem {
  let stack = errorStack(event);
  if (event.position && !/\bcell(?:\[\d+\])?:\d+/.test(stack)) {
    stack += `\n    at cell:${event.position.line}:${event.position.column}`;
  }
  return vscode.NotebookCellOutputItem.error({
    name: event.ename,
    message: event.evalue,
    stack,
  });
}

/** The note shown when a cell was interrupted without an error of its own. */
export function interruptedItem(): vscode.NotebookCellOutputItem {
  const message = "The cell was interrupted. The kernel's variables from earlier cells are kept.";
  return vscode.NotebookCellOutputItem.error({ name: "Interrupted", message, stack: "" });
}

/** The error shown instead of running a cell in an untrusted workspace. */
export function untrustedItem(): vscode.NotebookCellOutputItem {
  const message =
    "This workspace is not trusted, so Cotangent does not run its notebook cells (running a cell " +
    "executes code on this machine). Trust the folder with 'Workspaces: Manage Workspace Trust' " +
    "to run cells.";
  return vscode.NotebookCellOutputItem.error({ name: "WorkspaceNotTrusted", message, stack: "" });
}
