/**
 * The style sheet and the start-up script of the HTML report. The style defines the VS Code theme
 * variables the renderer reads (a light theme), so views look as they do in the editor.
 */

export const REPORT_STYLE = `
:root {
  color-scheme: light;
  --vscode-font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  --vscode-font-size: 13px;
  --vscode-editor-font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace;
  --vscode-editor-font-size: 13px;
  --vscode-foreground: #1f2328;
  --vscode-descriptionForeground: #59636e;
  --vscode-editor-background: #ffffff;
  --vscode-editor-foreground: #1f2328;
  --vscode-focusBorder: #0969da;
  --vscode-button-background: #0969da;
  --vscode-button-foreground: #ffffff;
  --vscode-button-secondaryBackground: #eaeef2;
  --vscode-button-secondaryForeground: #1f2328;
  --vscode-button-secondaryHoverBackground: #d0d7de;
  --vscode-button-border: transparent;
  --vscode-contrastBorder: transparent;
  --vscode-editor-selectionBackground: #add6ff;
  --vscode-editorWarning-foreground: #9a6700;
  --vscode-inputValidation-errorBackground: #ffebe9;
  --vscode-inputValidation-errorBorder: #cf222e;
  --vscode-input-background: #ffffff;
  --vscode-input-border: #d0d7de;
  --vscode-panel-border: #d0d7de;
  --vscode-widget-border: #d0d7de;
  --vscode-editorWidget-background: #f6f8fa;
  --vscode-textLink-foreground: #0969da;
  --vscode-errorForeground: #cf222e;
  --vscode-charts-red: #cf222e;
  --vscode-charts-blue: #0969da;
  --vscode-charts-green: #1a7f37;
  --vscode-charts-orange: #bc4c00;
  --vscode-charts-purple: #8250df;
  --vscode-charts-yellow: #9a6700;
}
body { margin: 0; background: var(--vscode-editor-background); color: var(--vscode-foreground);
  font: 15px/1.55 var(--vscode-font-family); }
main, .nb-header { max-width: 980px; margin: 0 auto; padding: 0 24px; }
.nb-header { padding-top: 24px; }
.nb-title { margin: 0 0 4px; font-size: 26px; }
.nb-subtitle { margin: 0 0 16px; color: var(--vscode-descriptionForeground); font-size: 13px; }
.nb-cell { margin: 14px 0; }
.nb-markdown h1 { font-size: 24px; } .nb-markdown h2 { font-size: 19px; margin-top: 28px; }
.nb-markdown math[display="block"] { margin: 10px 0; }
.nb-code { border-left: 3px solid var(--vscode-panel-border); padding-left: 12px; }
.nb-in { display: flex; gap: 10px; align-items: center; font-size: 12px; color: var(--vscode-descriptionForeground); }
.nb-prompt { font-family: var(--vscode-editor-font-family); }
.nb-badge { border-radius: 8px; padding: 0 7px; background: var(--vscode-editorWidget-background); }
.nb-badge.nb-error, .nb-badge.nb-interrupted { color: #fff; background: var(--vscode-errorForeground); }
pre { margin: 6px 0; font: 13px/1.45 var(--vscode-editor-font-family); white-space: pre-wrap; overflow-wrap: anywhere; }
.nb-source { background: var(--vscode-editorWidget-background); padding: 10px 12px; border-radius: 6px; }
.nb-output { margin: 8px 0; overflow-x: auto; }
.nb-stderr { color: var(--vscode-charts-orange); }
.nb-error { color: var(--vscode-errorForeground); background: #ffebe9; padding: 8px 12px; border-radius: 6px; }
.nb-view[data-drawn="true"] > .nb-fallback { display: none; }
.nb-view-error { color: var(--vscode-errorForeground); font-size: 12px; }
table { border-collapse: collapse; }
td, th { padding: 2px 8px; border: 1px solid var(--vscode-panel-border); }
`;

/**
 * Runs in the page after the renderer bundle (both are module scripts, which run in document
 * order): draws every view with `CotangentRenderer.renderInto` and marks it `data-drawn="true"`;
 * when that fails the static fallback stays, the reason is shown, and the view is marked
 * `data-drawn="false"`. Sets `data-views-ready` on <html> when done.
 */
export const REPORT_SCRIPT = `
const api = globalThis.CotangentRenderer;
for (const view of document.querySelectorAll(".nb-view")) {
  const target = view.querySelector(".nb-live");
  let problem;
  try {
    if (!api || typeof api.renderInto !== "function") throw new Error("the renderer bundle is not in this page");
    const payload = JSON.parse(view.querySelector("script.nb-payload").textContent);
    const result = api.renderInto(target, view.dataset.mime, payload);
    if (!result.ok) problem = result.error || "the renderer could not draw it";
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  }
  view.dataset.drawn = problem === undefined ? "true" : "false";
  if (problem !== undefined) {
    const note = document.createElement("div");
    note.className = "nb-view-error";
    note.textContent = "Interactive view not drawn (" + problem + "); the static rendering follows.";
    target.replaceChildren(note);
  }
}
document.documentElement.dataset.viewsReady = "true";
`;
