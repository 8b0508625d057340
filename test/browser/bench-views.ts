/**
 * `npm run bench:views`: render times of the views in headless Chromium (median of 7 runs, from
 * payload to pixels, measured inside the page by renderInto) and payload sizes. Not a test.
 */
import { jacobianBundle } from "../../kernel/display/jacobian.js";
import type { MatrixSource } from "../../kernel/display/matrix.js";
import { MIME } from "../../kernel/shared/payloads.js";
import { squareJacobian, trace } from "./fixtures.js";
import { launch, openPage, type RendererGlobal } from "./page.js";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const kb = (text: string): string => `${(text.length / 1024).toFixed(1)} KiB`;

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
