/**
 * A headless Chromium page with the renderer bundle loaded standalone (as the HTML report loads
 * it), in a light or dark VS Code-like theme. Uses Debian's /usr/bin/chromium via playwright-core.
 */
import { mkdirSync, readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../../scripts/chromium.mjs";

export const RESULTS = "test-results/views";

const THEMES = {
  light: `--vscode-foreground:#3b3b3b;--vscode-descriptionForeground:#717171;--vscode-editor-background:#ffffff;
    --vscode-button-background:#005fb8;--vscode-button-foreground:#ffffff;--vscode-button-secondaryBackground:#e5e5e5;
    --vscode-button-secondaryForeground:#3b3b3b;--vscode-focusBorder:#005fb8;--vscode-widget-border:#e5e5e5;
    --vscode-errorForeground:#f85149;--vscode-font-family:system-ui,sans-serif;--vscode-font-size:13px;
    --vscode-editor-font-family:monospace;background:#ffffff;`,
  dark: `--vscode-foreground:#cccccc;--vscode-descriptionForeground:#9d9d9d;--vscode-editor-background:#1f1f1f;
    --vscode-button-background:#0078d4;--vscode-button-foreground:#ffffff;--vscode-button-secondaryBackground:#313131;
    --vscode-button-secondaryForeground:#cccccc;--vscode-focusBorder:#0078d4;--vscode-widget-border:#454545;
    --vscode-errorForeground:#f85149;--vscode-font-family:system-ui,sans-serif;--vscode-font-size:13px;
    --vscode-editor-font-family:monospace;background:#1f1f1f;`,
  "high-contrast": `--vscode-foreground:#ffffff;--vscode-descriptionForeground:#ffffff;--vscode-editor-background:#000000;
    --vscode-button-background:#000000;--vscode-button-foreground:#ffffff;--vscode-button-secondaryBackground:#000000;
    --vscode-button-secondaryForeground:#ffffff;--vscode-button-border:#6fc3df;--vscode-contrastBorder:#6fc3df;
    --vscode-focusBorder:#f38518;--vscode-contrastActiveBorder:#f38518;--vscode-widget-border:#6fc3df;--vscode-errorForeground:#f48771;
    --vscode-font-family:system-ui,sans-serif;--vscode-font-size:13px;--vscode-editor-font-family:monospace;background:#000000;`,
} as const;
export type Theme = keyof typeof THEMES;

/** A fresh browser; playwright gives every non-persistent launch its own fresh profile folder. */
export async function launch(): Promise<Browser> {
  mkdirSync(RESULTS, { recursive: true });
  return launchChromium();
}

/** A page with the bundle loaded and an empty #out element in the given theme. */
export async function openPage(
  browser: Browser,
  theme: Theme,
  deviceScaleFactor = 1,
): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 980, height: 900 }, deviceScaleFactor });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.setContent(
    `<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:12px;${THEMES[theme]}">` +
      `<div id="out" style="width:940px"></div></body></html>`,
  );
  await page.addScriptTag({
    content: readFileSync("dist/renderer/index.js", "utf8"),
    type: "module",
  });
  await page.waitForFunction(() => "CotangentRenderer" in globalThis);
  (page as Page & { errors: string[] }).errors = errors;
  return page;
}

/**
 * What the renderer bundle puts on globalThis. Only a type: page.evaluate callbacks run in the
 * browser, so they can name this type but call nothing imported.
 */
export interface RendererGlobal {
  CotangentRenderer: {
    renderInto(e: HTMLElement, m: string, p: unknown): { ok: boolean; ms: number; error?: string };
  };
}

/** Render a payload into #out; returns renderInto's result. */
export async function render(
  page: Page,
  mime: string,
  payload: unknown,
): Promise<{ ok: boolean; ms: number; error?: string }> {
  return page.evaluate(
    ([m, p]) => {
      const r = (globalThis as unknown as RendererGlobal).CotangentRenderer;
      return r.renderInto(document.getElementById("out")!, m, p);
    },
    [mime, payload] as const,
  );
}
