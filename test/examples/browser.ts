/**
 * Opens HTML reports in headless Debian Chromium (playwright-core, network off) and reads what the
 * inlined renderer drew: each view's MIME type, whether it was drawn, and its painted pixels.
 */
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
export { launchChromium } from "../../scripts/chromium.mjs";

export interface DrawnView {
  mime: string;
  drawn: string | undefined;
  canvases: number;
  inkPixels: number;
}

/** In the page: each view's MIME type, drawn flag, canvases and the count of painted pixels. */
const INSPECT_VIEWS = `[...document.querySelectorAll(".nb-view")].map((view) => {
  const canvases = [...view.querySelectorAll(".nb-live canvas")];
  let inkPixels = 0;
  for (const canvas of canvases) {
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inkPixels++;
  }
  return { mime: view.dataset.mime, drawn: view.dataset.drawn, canvases: canvases.length, inkPixels };
})`;

/** In the page: how many static fallbacks are visible (none, once the views are drawn). */
const VISIBLE_FALLBACKS = `[...document.querySelectorAll(".nb-view .nb-fallback")].filter((e) => e.offsetParent !== null).length`;

export interface OpenedReport {
  page: Page;
  views: DrawnView[];
  visibleFallbacks: number;
  pageErrors: string[];
}

/** Open a report file offline, wait for its views, and inspect them. */
export async function openReport(browser: Browser, file: string): Promise<OpenedReport> {
  const context = await browser.newContext({
    offline: true,
    viewport: { width: 1100, height: 900 },
  });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector("html[data-views-ready='true']", { timeout: 30_000 });
  const views = await page.evaluate<DrawnView[]>(INSPECT_VIEWS);
  const visibleFallbacks = await page.evaluate<number>(VISIBLE_FALLBACKS);
  return { page, views, visibleFallbacks, pageErrors };
}
