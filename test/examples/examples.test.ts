/**
 * Every example notebook runs headless through the real kernel; its check cells hold (the seed
 * notebook's identities to 1e-10) and every view it shows carries its payload and static fallbacks.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { renderReport } from "../../kernel/run/report.js";
import {
  MIME,
  type ChainPayload,
  type ExplorePayload,
  type JacobianPayload,
} from "../../kernel/shared/payloads.js";
import { validateNotebook } from "../run/nbformat.js";
import { launchChromium, openReport } from "./browser.js";
import {
  EXAMPLES,
  ROOT,
  executeNotebook,
  readChecks,
  readExample,
  readViews,
  type View,
} from "./helpers.js";

interface Expectation {
  name: string;
  /** How many check cells the notebook has. */
  checks: number;
  /** The least number of views of each kind it must show. */
  views: Partial<Record<"jacobian" | "chain" | "trace" | "explore", number>>;
  /** Checks particular to the notebook, on its views. */
  extra?: (views: View[]) => void;
}

const payloadsOf = (views: View[], mime: string): Record<string, unknown>[] =>
  views.filter((v) => v.mime === mime).map((v) => v.payload);

const EXAMPLE_TABLE: Expectation[] = [
  {
    name: "vector-jacobian-products.ipynb",
    checks: 9,
    views: { jacobian: 1, chain: 1 },
    extra: (views) => {
      const [chainView] = payloadsOf(views, MIME.chain) as unknown as ChainPayload[];
      expect(chainView?.stages.map((s) => s.name)).toEqual(["tanh(W₁x)", "h² + sin h", "W₃h"]);
      expect(chainView?.stages.map((s) => [s.inShape, s.outShape])).toEqual([
        [[3], [4]],
        [[4], [4]],
        [[4], [2]],
      ]);
      const labelled = payloadsOf(views, MIME.jacobian) as unknown as JacobianPayload[];
      expect(
        labelled.some((p) => p.inputs?.join() === "x₁,x₂,x₃" && p.outputs?.join() === "f₁,f₂"),
      ).toBe(true);
    },
  },
  { name: "newton.ipynb", checks: 1, views: { jacobian: 3, trace: 1 } },
  { name: "rosenbrock.ipynb", checks: 2, views: { trace: 1 } },
  { name: "optimize.ipynb", checks: 2, views: { jacobian: 1, trace: 2 } },
  { name: "mlp-saliency.ipynb", checks: 2, views: { jacobian: 2, trace: 1 } },
  {
    name: "sparse-pde.ipynb",
    checks: 2,
    views: { jacobian: 1 },
    extra: (views) => {
      const [sparse] = payloadsOf(views, MIME.jacobian) as unknown as JacobianPayload[];
      expect(sparse?.sparse).toEqual({ colors: 3 });
      expect(sparse?.stats.nnz).toBe(3 * 40 - 2);
    },
  },
  {
    name: "explore.ipynb",
    checks: 1,
    views: { explore: 3 },
    extra: (views) => {
      const explored = payloadsOf(views, MIME.explore) as unknown as ExplorePayload[];
      expect(explored.map((p) => p.view)).toEqual(["jacobian", "curve", "surface"]);
      expect(new Set(explored.map((p) => p.viewId)).size).toBe(3);
      const surface = explored[2];
      expect(surface?.static?.kind === "surface" && surface.static.path?.length).toBe(150);
      for (const view of views) expect(view.bundle["image/png"], "a PNG fallback").toBeDefined();
    },
  },
];

const RENDERER = join(ROOT, "dist", "renderer", "index.js");
const scratch = mkdtempSync(join(tmpdir(), "cotangent-examples-"));
let chromium: Promise<Browser> | undefined;
/** One browser for all the notebooks' reports, started on first use. */
const browser = (): Promise<Browser> => (chromium ??= launchChromium());
afterAll(async () => {
  await (await chromium)?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const KIND_MIME = {
  jacobian: MIME.jacobian,
  chain: MIME.chain,
  trace: MIME.trace,
  explore: MIME.explore,
} as const;

function expectFallbacks(view: View): void {
  const where = `cell ${view.cell} (${view.mime})`;
  expect(typeof view.payload["version"], `${where}: payload version`).toBe("number");
  expect(view.bundle["text/plain"], `${where}: text/plain fallback`).toBeDefined();
  const picture = view.bundle["image/svg+xml"] ?? view.bundle["text/html"];
  expect(picture, `${where}: an SVG or HTML fallback`).toBeDefined();
}

describe.each(EXAMPLE_TABLE)("examples/$name", ({ name, checks, views, extra }) => {
  it(
    "runs headless; its checks hold, its views carry payloads and fallbacks, and its report draws them",
    { timeout: 180_000 },
    async () => {
      const { notebook } = await executeNotebook(join(EXAMPLES, name), readExample(name));

      const found = readChecks(notebook);
      expect(found).toHaveLength(checks);
      for (const check of found) {
        expect(
          check.ok,
          `cell ${check.cell} (${check.tag}): ${check.value} is not ${check.bound}`,
        ).toBe(true);
      }

      const shown = readViews(notebook);
      for (const [kind, least] of Object.entries(views)) {
        const mime = KIND_MIME[kind as keyof typeof KIND_MIME];
        expect(shown.filter((v) => v.mime === mime).length, `${kind} views`).toBeGreaterThanOrEqual(
          least,
        );
      }
      shown.forEach(expectFallbacks);
      extra?.(shown);

      expect(validateNotebook(JSON.stringify(notebook))).toBe("valid");

      // The HTML report of this run draws every one of those views offline.
      const html = join(scratch, name.replace(/\.ipynb$/, ".html"));
      const rendererScript = readFileSync(RENDERER, "utf8");
      writeFileSync(html, renderReport(notebook, { title: name, rendererScript }));
      const report = await openReport(await browser(), html);
      await report.page.context().close();
      expect(report.pageErrors).toEqual([]);
      expect(report.views.map((v) => [v.mime, v.drawn])).toEqual(
        shown.map((v) => [v.mime, "true"]),
      );
      expect(report.visibleFallbacks).toBe(0);
    },
  );
});
