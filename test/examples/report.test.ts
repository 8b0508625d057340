/**
 * `cotangent run` end to end on the seed notebook: the executed notebook is valid nbformat, and the
 * HTML report, opened from disk in headless Chromium with the network off, draws every view with
 * the inlined renderer (screenshot in test-results/report/).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { runCommand } from "../../kernel/runner/command.js";
import { MIME } from "../../kernel/shared/payloads.js";
import { validateNotebook } from "../runner/nbformat.js";
import { builtExecutor, EXAMPLES, ROOT } from "./helpers.js";

const CHROMIUM = "/usr/bin/chromium";
const RESULTS = join(ROOT, "test-results", "report");
const scratch = mkdtempSync(join(tmpdir(), "cotangent-report-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

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

interface DrawnView {
  mime: string;
  drawn: string | undefined;
  canvases: number;
  inkPixels: number;
}

describe("cotangent run examples/vector-jacobian-products.ipynb", () => {
  const out = join(scratch, "seed.ipynb");
  const html = join(scratch, "seed.html");
  const log: string[] = [];
  const errors: string[] = [];

  it(
    "prints one line per cell and writes a valid notebook and a report",
    { timeout: 180_000 },
    async () => {
      const renderer = join(ROOT, "dist", "renderer", "index.js");
      expect(existsSync(renderer), `${renderer} is missing: run npm run build`).toBe(true);
      const code = await runCommand(
        [join(EXAMPLES, "vector-jacobian-products.ipynb"), "--out", out, "--html", html],
        {
          executorPath: builtExecutor(),
          rendererPath: renderer,
          log: (l) => log.push(l),
          error: (l) => errors.push(l),
        },
      );
      expect(errors).toEqual([]);
      expect(code).toBe(0);
      expect(
        log.filter((l) => /^cell +\d+ \[ *\d+\/\d+\] {2}ok +\d+ ms$/.test(l)).length,
      ).toBeGreaterThanOrEqual(10);
      expect(log).toContain(`wrote the HTML report to ${html}`);
      expect(validateNotebook(readFileSync(out, "utf8"))).toBe("valid");
    },
  );

  it("draws every view of the report offline in Chromium", { timeout: 120_000 }, async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`).toBe(true);
    mkdirSync(RESULTS, { recursive: true });
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    try {
      const context = await browser.newContext({
        offline: true,
        viewport: { width: 1100, height: 900 },
      });
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on("pageerror", (e) => pageErrors.push(e.message));
      await page.goto(pathToFileURL(html).href);
      await page.waitForSelector("html[data-views-ready='true']", { timeout: 30_000 });
      const views = await page.evaluate<DrawnView[]>(INSPECT_VIEWS);
      await page.screenshot({
        path: join(RESULTS, "vector-jacobian-products.png"),
        fullPage: true,
      });
      expect(pageErrors).toEqual([]);
      expect(views.filter((v) => v.drawn !== "true")).toEqual([]);
      const jacobians = views.filter((v) => v.mime === MIME.jacobian);
      expect(jacobians.length).toBeGreaterThanOrEqual(1);
      expect(views.filter((v) => v.mime === MIME.chain)).toHaveLength(1);
      for (const view of jacobians)
        expect(view.inkPixels, "a heatmap with pixels drawn").toBeGreaterThan(100);
      const fallbacksShown = await page.evaluate<number>(VISIBLE_FALLBACKS);
      expect(fallbacksShown).toBe(0);
    } finally {
      await browser.close();
    }
  });
});
