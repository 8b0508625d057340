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
main, .ct-header { max-width: 980px; margin: 0 auto; padding: 0 24px; }
.ct-header { padding-top: 24px; }
.ct-title { margin: 0 0 4px; font-size: 26px; }
.ct-subtitle { margin: 0 0 16px; color: var(--vscode-descriptionForeground); font-size: 13px; }
.ct-cell { margin: 14px 0; }
.ct-markdown h1 { font-size: 24px; } .ct-markdown h2 { font-size: 19px; margin-top: 28px; }
.ct-markdown math[display="block"] { margin: 10px 0; }
.ct-code { border-left: 3px solid var(--vscode-panel-border); padding-left: 12px; }
.ct-in { display: flex; gap: 10px; align-items: center; font-size: 12px; color: var(--vscode-descriptionForeground); }
.ct-prompt { font-family: var(--vscode-editor-font-family); }
.ct-badge { border-radius: 8px; padding: 0 7px; background: var(--vscode-editorWidget-background); }
.ct-badge.ct-error, .ct-badge.ct-interrupted { color: #fff; background: var(--vscode-errorForeground); }
pre { margin: 6px 0; font: 13px/1.45 var(--vscode-editor-font-family); white-space: pre-wrap; overflow-wrap: anywhere; }
.ct-source { background: var(--vscode-editorWidget-background); padding: 10px 12px; border-radius: 6px; }
.ct-output { margin: 8px 0; overflow-x: auto; }
.ct-stderr { color: var(--vscode-charts-orange); }
.ct-error { color: var(--vscode-errorForeground); background: #ffebe9; padding: 8px 12px; border-radius: 6px; }
.ct-view[data-drawn="true"] > .ct-fallback { display: none; }
.ct-view-error { color: var(--vscode-errorForeground); font-size: 12px; }
table { border-collapse: collapse; }
td, th { padding: 2px 8px; border: 1px solid var(--vscode-panel-border); }
`;

/**
 * Runs in the page: draws every view with the inlined renderer and marks it `data-drawn="true"`;
 * on failure the fallback stays and the reason is shown (and marked `data-drawn="false"`).
 */
export const REPORT_SCRIPT = `
(function () {
  var api = window.CotangentRenderer;
  var views = document.querySelectorAll(".ct-view");
  for (var i = 0; i < views.length; i++) {
    var view = views[i];
    var target = view.querySelector(".ct-live");
    try {
      if (!api || typeof api.render !== "function") throw new Error("the renderer bundle is not in this page");
      var payload = JSON.parse(view.querySelector("script.ct-payload").textContent);
      api.render(target, view.getAttribute("data-mime"), payload);
      view.setAttribute("data-drawn", "true");
    } catch (error) {
      view.setAttribute("data-drawn", "false");
      var note = document.createElement("div");
      note.className = "ct-view-error";
      note.textContent = "Interactive view not drawn (" + (error && error.message ? error.message : String(error)) + "); static rendering below.";
      target.appendChild(note);
    }
  }
  document.documentElement.setAttribute("data-views-ready", "true");
})();
`;
