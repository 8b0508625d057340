/**
 * `npm run bench:views`: render times of the views in headless Chromium (median of 7 runs, from
 * payload to pixels, measured inside the page by renderInto) and payload sizes. Not a test.
 */
import { jacobianBundle } from "../../kernel/display/jacobian.js";
import type { MatrixSource } from "../../kernel/display/matrix.js";
import { MIME } from "../../kernel/shared/payloads.js";
import {
  curveExplore,
  curveFrame,
  jacobianExplore,
  jacobianFrame,
  surfaceExplore,
  surfaceFrame,
} from "./explore-fixtures.js";
import { squareJacobian, trace } from "./fixtures.js";
import { launch, openPage, type RendererGlobal } from "./page.js";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const kb = (text: string): string => `${(text.length / 1024).toFixed(1)} KiB`;

interface ExploreBench {
  CotangentRenderer: {
    renderInto(e: HTMLElement, m: string, p: unknown, h: unknown, c: unknown): { ok: boolean };
    deliverToExplorers(message: unknown): void;
    exploreTimings(viewId: string): { movedAt: number; sentAt: number; drawnAt: number }[];
  };
}

/**
 * Explore views redrawn frame after frame: 60 moves, each answered at once by a host inside the
 * page with a frame computed beforehand; the renderer's own move → redrawn time (it includes the
 * wait for the next animation frame, at most one move being sent per frame).
 */
async function exploreRedraws(page: Awaited<ReturnType<typeof openPage>>): Promise<void> {
  const steps = Array.from({ length: 60 }, (_, k) => k / 59);
  const cases: [string, unknown, unknown[], (t: number) => number[]][] = [
    ["explore: Jacobian 3×3", jacobianExplore("bench-j"), [], (t) => [-3 + 6 * t, -1, 2]],
    ["explore: curve (241 points)", curveExplore("bench-c"), [], (t) => [-2.5 + 5 * t]],
    [
      "explore: surface (120×120 grid)",
      surfaceExplore("bench-s"),
      [],
      (t) => [-1.5 + 3 * t, 2 - 2 * t],
    ],
  ];
  for (const c of cases) {
    const at = c[3];
    c[2] = steps.map((t) => {
      const x = at(t);
      return c[0].includes("Jacobian")
        ? jacobianFrame(x)
        : c[0].includes("curve")
          ? curveFrame(x[0])
          : surfaceFrame(x as [number, number]);
    });
  }
  console.log(
    "explore views in headless Chromium, 60 moves each: move → redrawn p50 / p95 (in-page host, answers at once)",
  );
  for (const [name, payload, frames, at] of cases) {
    const points = steps.map(at);
    const [p50, p95] = await page.evaluate(
      async ([p, fs, xs]) => {
        const api = (globalThis as unknown as ExploreBench).CotangentRenderer;
        const viewId = (p as { viewId: string }).viewId;
        const channel = {
          post: (m: { type: string; seq: number; x: number[] }) => {
            if (m.type !== "exploreMove") return;
            const frame = fs[m.seq - 1] ?? fs[fs.length - 1];
            queueMicrotask(() =>
              api.deliverToExplorers({
                type: "exploreFrame",
                viewId,
                seq: m.seq,
                x: m.x,
                payload: frame,
                ms: 0,
              }),
            );
          },
        };
        const out = document.getElementById("out")!;
        out.replaceChildren();
        api.renderInto(
          out,
          "application/vnd.cotangent.explore+json",
          p,
          { post: () => undefined },
          channel,
        );
        const range = out.querySelector<HTMLInputElement>(".ct-slider")!;
        for (const x of xs) {
          range.value = String(x[0]);
          range.dispatchEvent(new Event("input"));
          await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
        }
        const latency = api
          .exploreTimings(viewId)
          .map((t) => t.drawnAt - t.movedAt)
          .sort((a, b) => a - b);
        return [
          latency[Math.floor(latency.length / 2)] ?? NaN,
          latency[Math.floor(latency.length * 0.95)] ?? NaN,
        ];
      },
      [payload, frames, points] as const,
    );
    console.log(`  ${name.padEnd(40)} ${p50.toFixed(1)} ms / ${p95.toFixed(1)} ms`);
  }
}

async function main(): Promise<void> {
  const browser = await launch();
  const page = await openPage(browser, "light");
  const hiDpi = await openPage(browser, "light", 2);
  const cases: [string, string, unknown, typeof page][] = [
    ["heatmap 100×100", MIME.jacobian, squareJacobian(100), page],
    ["heatmap 1,000×1,000 (1× display)", MIME.jacobian, squareJacobian(1000), page],
    ["heatmap 1,000×1,000 (2× display, 1:1)", MIME.jacobian, squareJacobian(1000), hiDpi],
    ["trace 100,000 points × 2 series", MIME.trace, trace(100_000), page],
  ];
  console.log(
    "render in headless Chromium, median of 7: renderInto (validate, decode, build, draw) | to the next painted frame",
  );
  for (const [name, mime, payload, target] of cases) {
    const times: number[] = [];
    const framed: number[] = [];
    for (let k = 0; k < 7; k++) {
      await target.evaluate(() => document.getElementById("out")!.replaceChildren());
      const [ms, frame] = await target.evaluate(
        async ([m, p]) => {
          const api = (globalThis as unknown as RendererGlobal).CotangentRenderer;
          const started = performance.now();
          const result = api.renderInto(document.getElementById("out")!, m, p);
          if (!result.ok) throw new Error(result.error);
          await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
          return [result.ms, performance.now() - started];
        },
        [mime, payload] as const,
      );
      times.push(ms);
      framed.push(frame);
    }
    console.log(
      `  ${name.padEnd(40)} ${median(times).toFixed(1)} ms | ${median(framed).toFixed(1)} ms`,
    );
  }
  await exploreRedraws(page);
  await browser.close();

  console.log("payload sizes (JSON of our MIME type; SVG fallback):");
  const n = 10_000;
  const band: MatrixSource = {
    rows: n,
    cols: n,
    row: (i) => {
      const row = new Float64Array(n);
      row[i] = 2;
      if (i > 0) row[i - 1] = -1;
      if (i + 1 < n) row[i + 1] = -1;
      return row;
    },
  };
  const sized: [string, Record<string, unknown>][] = [
    ["Jacobian 100×100 (float64)", { [MIME.jacobian]: squareJacobian(100) }],
    ["Jacobian 1,000×1,000 (float32)", { [MIME.jacobian]: squareJacobian(1000) }],
    [
      "Jacobian 10,000×10,000 (downsampled)",
      jacobianBundle({ source: band, outShape: [n], inShape: [n] }),
    ],
    ["trace 100,000 points × 2 series", { [MIME.trace]: trace(100_000) }],
  ];
  for (const [name, bundle] of sized) {
    const payload = Object.values(bundle)[0];
    const svg =
      typeof bundle["image/svg+xml"] === "string" ? `, SVG ${kb(bundle["image/svg+xml"])}` : "";
    console.log(`  ${name.padEnd(38)} ${kb(JSON.stringify(payload))}${svg}`);
  }
}

await main();
