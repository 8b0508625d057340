/**
 * The views' CSS, on VS Code's theme variables (light, dark and high-contrast themes set them in
 * the notebook webview), with plain fallbacks for a standalone page.
 */
import uplotCss from "uplot/dist/uPlot.min.css";

const CSS = `
.ct-view { font-family: var(--vscode-font-family, system-ui, sans-serif); font-size: var(--vscode-font-size, 13px);
  color: var(--vscode-foreground, #1f1f1f); line-height: 1.4; max-width: 100%; }
.ct-title { font-weight: 600; font-size: 1.1em; margin: 2px 0 4px; }
.ct-muted { color: var(--vscode-descriptionForeground, #616161); }
.ct-summary { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 2px 0 6px; }
.ct-summary b { font-weight: 600; }
.ct-toolbar { display: flex; flex-wrap: wrap; gap: 4px; margin: 4px 0; align-items: center; }
.ct-button { font: inherit; font-size: 0.92em; padding: 2px 8px; border-radius: 2px; cursor: pointer;
  color: var(--vscode-button-secondaryForeground, #1f1f1f); background: var(--vscode-button-secondaryBackground, #e5e5e5);
  border: 1px solid var(--vscode-button-border, var(--vscode-contrastBorder, transparent)); }
.ct-button:hover { background: var(--vscode-button-secondaryHoverBackground, #d5d5d5); }
.ct-button[aria-pressed="true"] { color: var(--vscode-button-foreground, #fff); background: var(--vscode-button-background, #005fb8);
  outline: 1px solid var(--vscode-contrastActiveBorder, transparent); outline-offset: -3px; font-weight: 600; }
.ct-button:focus-visible, .ct-focusable:focus-visible { outline: 1px solid var(--vscode-focusBorder, #005fb8); outline-offset: 1px; }
.ct-sep { width: 1px; align-self: stretch; background: var(--vscode-widget-border, var(--vscode-panel-border, #ccc)); margin: 0 4px; }
.ct-note { margin: 4px 0; padding: 2px 6px; border-left: 3px solid var(--vscode-editorWarning-foreground, #bf8803); }
.ct-error { color: var(--vscode-errorForeground, #c72e0f); border: 1px solid var(--vscode-inputValidation-errorBorder, #be1100);
  background: var(--vscode-inputValidation-errorBackground, transparent); padding: 4px 8px; font-family: var(--vscode-editor-font-family, monospace); }
.ct-heatmap { display: grid; grid-template-columns: max-content max-content max-content; justify-content: start; gap: 0 8px; align-items: start; margin: 4px 0; }
.ct-collabels { position: relative; grid-column: 2; }
.ct-rowlabels { position: relative; grid-column: 1; }
.ct-label { position: absolute; white-space: nowrap; font-size: 11px; font-family: var(--vscode-editor-font-family, monospace);
  color: var(--vscode-descriptionForeground, #616161); cursor: pointer; overflow: hidden; text-overflow: ellipsis; }
.ct-label.ct-selected { color: var(--vscode-foreground, #000); font-weight: 700; }
.ct-collabels .ct-label { writing-mode: vertical-rl; transform: rotate(180deg); bottom: 0; }
.ct-collabels.ct-upright .ct-label { writing-mode: horizontal-tb; transform: none; text-align: center; }
.ct-batch-range { width: 200px; vertical-align: middle; }
.ct-blockline { position: absolute; pointer-events: none; box-shadow: 0 0 0 1px var(--vscode-editor-background, #fff); }
.ct-blockline-row { left: 0; height: 0; border-top: 1.5px solid var(--vscode-foreground, #333); }
.ct-blockline-col { top: 0; width: 0; border-left: 1.5px solid var(--vscode-foreground, #333); }
.ct-warning { color: var(--vscode-errorForeground, #a1260d); }
.ct-rowlabels .ct-label { right: 0; text-align: right; }
.ct-canvas-wrap { position: relative; grid-column: 2; line-height: 0; }
.ct-canvas-wrap canvas { display: block; }
.ct-selband { position: absolute; pointer-events: none; outline: 1px dashed var(--vscode-foreground, #333); outline-offset: 0; }
.ct-highlight { position: absolute; pointer-events: none; outline: 2px solid var(--vscode-focusBorder, #005fb8); }
.ct-colorbar { display: flex; gap: 4px; grid-column: 3; }
.ct-colorbar-ticks { position: relative; font-size: 11px; min-width: 56px; font-family: var(--vscode-editor-font-family, monospace); }
.ct-colorbar-ticks span { position: absolute; left: 0; transform: translateY(-50%); white-space: nowrap; }
.ct-readout { font-family: var(--vscode-editor-font-family, monospace); min-height: 1.5em; margin: 2px 0; white-space: pre-wrap; }
.ct-caption { margin: 4px 0; }
.ct-barlabels { display: flex; font-size: 11px; font-family: var(--vscode-editor-font-family, monospace); color: var(--vscode-descriptionForeground, #616161); }
.ct-barlabels span { text-align: center; overflow: hidden; white-space: nowrap; }
.ct-table-wrap { max-height: 360px; overflow: auto; margin: 4px 0; }
.ct-table { border-collapse: collapse; font-family: var(--vscode-editor-font-family, monospace); font-size: 12px; }
.ct-table td, .ct-table th { padding: 1px 6px; text-align: right; border-bottom: 1px solid var(--vscode-widget-border, #e0e0e0); }
.ct-table th { color: var(--vscode-descriptionForeground, #616161); font-weight: normal; }
.ct-copy-fallback { width: 100%; font-family: var(--vscode-editor-font-family, monospace); color: inherit; background: transparent; }
.ct-chain { display: grid; gap: 6px 4px; align-items: stretch; margin: 6px 0; overflow-x: auto; }
.ct-box { border: 1px solid var(--vscode-widget-border, var(--vscode-contrastBorder, #bbb)); border-radius: 4px; padding: 4px 8px; min-width: 110px;
  background: var(--vscode-editorWidget-background, transparent); }
.ct-box h4 { margin: 0 0 2px; font-size: 1em; }
.ct-box code, .ct-mono { font-family: var(--vscode-editor-font-family, monospace); font-size: 12px; overflow-wrap: break-word; }
.ct-box.ct-back { border-style: dashed; }
.ct-arrow { align-self: center; text-align: center; font-size: 18px; color: var(--vscode-descriptionForeground, #777); }
.ct-back-arrow { color: var(--vscode-charts-red, #c03030); }
.ct-mini { cursor: pointer; margin-top: 4px; image-rendering: pixelated; border: 1px solid var(--vscode-widget-border, #bbb); }
.ct-equation { font-family: var(--vscode-editor-font-family, monospace); margin: 4px 0; }
.ct-explore-status { margin: 4px 0; padding: 2px 6px; border-left: 3px solid var(--vscode-focusBorder, #005fb8); }
.ct-explore-status.ct-error { border-left-width: 3px; }
.ct-sliders { display: grid; grid-template-columns: max-content minmax(160px, 360px) max-content; gap: 2px 10px; align-items: center; margin: 4px 0 6px; }
.ct-slider-row { display: contents; }
.ct-slider-label { font-family: var(--vscode-editor-font-family, monospace); font-size: 12px; }
.ct-slider { width: 100%; accent-color: var(--vscode-button-background, #005fb8); }
.ct-slider:disabled { opacity: 0.5; }
.ct-slider-value { font-size: 12px; min-width: 64px; }
.ct-plot { display: block; margin: 4px 0; cursor: crosshair; touch-action: none; }
.ct-plot.ct-disabled { cursor: default; }
.ct-legend { display: inline-flex; flex-wrap: wrap; gap: 2px 12px; font-size: 12px; }
.ct-legend-item { display: inline-flex; align-items: center; gap: 4px; white-space: nowrap; }
.ct-swatch { display: inline-block; width: 18px; height: 0; }
.ct-sigmas { display: grid; grid-template-columns: max-content minmax(120px, 300px) max-content; gap: 1px 8px; align-items: center; margin: 2px 0 4px; }
.ct-sigma { display: contents; font-family: var(--vscode-editor-font-family, monospace); font-size: 12px; }
.ct-sigma-track { height: 8px; background: var(--vscode-widget-border, #e5e5e5); }
.ct-sigma-bar { display: block; height: 100%; background: var(--vscode-charts-blue, #1a85ff); }
.ct-trace .uplot { font-family: inherit; }
.ct-trace .u-legend { color: var(--vscode-foreground, #1f1f1f); font-size: 12px; }
.ct-trace .u-legend .u-series > * { padding: 2px 4px; }
.ct-trace .u-select { background: var(--vscode-editor-selectionBackground, rgba(0,0,0,0.07)); }
`;

const STYLE_ID = "cotangent-renderer-style";

/** Add the views' stylesheet once to the document (or shadow root) that holds `element`. */
export function ensureStyles(element: HTMLElement): void {
  const root = element.getRootNode();
  const host = root instanceof ShadowRoot ? root : document.head;
  const scope = root instanceof ShadowRoot ? root : document;
  if (scope.getElementById(STYLE_ID)) return;
  const style = document.createElement("style");
  style.id = STYLE_ID;
  style.textContent = `${uplotCss}\n${CSS}`;
  host.append(style);
}
