/**
 * `cotangent run` end to end on the seed notebook: the executed notebook is valid nbformat, and the
 * HTML report, opened from disk in headless Chromium with the network off, draws every view with
 * the inlined renderer (screenshot in test-results/report/).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCommand } from "../../kernel/run/command.js";
import { MIME } from "../../kernel/shared/payloads.js";
import { validateNotebook } from "../run/nbformat.js";
import { launchChromium, openReport } from "./browser.js";
import { builtExecutor, EXAMPLES, ROOT } from "./helpers.js";

const RESULTS = join(ROOT, "test-results", "report");
const scratch = mkdtempSync(join(tmpdir(), "cotangent-report-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

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
    mkdirSync(RESULTS, { recursive: true });
    const browser = await launchChromium();
    try {
      const { page, views, visibleFallbacks, pageErrors } = await openReport(browser, html);
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
      expect(visibleFallbacks).toBe(0);
    } finally {
      await browser.close();
    }
  });
});
