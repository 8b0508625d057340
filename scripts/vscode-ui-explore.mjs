// The explore UI test in the real workbench (part of `node scripts/vscode-test.mjs --ui`, alone
// with `--ui-explore`): open test/integration/fixtures/explore.ipynb, Run All, and in the
// notebook's webview drag with the mouse — the Jacobian explorer's first slider across its range
// in 100 steps, the curve view's point, the surface view's point. After each drag the frame drawn
// last must be the one of the final position and equal an independent computation with the
// runtime (jacobian, grad, hessian at that point). Prints move → redraw p50/p95 from the
// renderer's timestamps and the frames per 100 ms while dragging; screenshots to test-results/.
// First, a saved notebook with explore outputs (written by `cotangent run`) is opened with no
// kernel running, as a reopened notebook is: each view must be disabled from the start (its
// states never "live", its sliders disabled) and say "run the cell to explore".
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openNotebook, pickKernelIfAsked } from "./vscode-ui-test.mjs";

const RUN_TIMEOUT_MS = 150_000;
const SETTLE_TIMEOUT_MS = 30_000;

/** The webview frame that shows the three explore views (they share the notebook's webview). */
async function exploreFrame(page, deadline, skip = null) {
  for (;;) {
    for (const frame of page.frames()) {
      if (frame === skip || frame.isDetached()) continue;
      const count = await frame
        .evaluate(() => document.querySelectorAll(".ct-explore").length)
        .catch(() => 0);
      if (count >= 3) return frame;
    }
    if (Date.now() > deadline) throw new Error("the three explore views were not drawn in time");
    await pickKernelIfAsked(page);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The view ids of the Jacobian, curve and surface explorers, in that order. */
async function viewIds(frame) {
  return frame.evaluate(() => {
    const id = (selector) =>
      document.querySelector(`.ct-explore:has(${selector})`)?.getAttribute("data-view-id");
    return [id(".ct-explore-jacobian"), id(".ct-curve"), id(".ct-surface")];
  });
}

const state = (frame, viewId) =>
  frame.evaluate((id) => globalThis.CotangentRenderer.exploreState(id), viewId);
const timings = (frame, viewId) =>
  frame.evaluate((id) => globalThis.CotangentRenderer.exploreTimings(id), viewId);

/** Drag with the mouse across `box` from fraction `from` to `to` in `steps` moves. */
async function drag(page, box, from, to, steps) {
  const at = ([fx, fy]) => [box.x + box.width * fx, box.y + box.height * fy];
  await page.mouse.move(...at(from));
  await page.mouse.down();
  for (let k = 1; k <= steps; k++) {
    const t = k / steps;
    await page.mouse.move(
      ...at([from[0] + (to[0] - from[0]) * t, from[1] + (to[1] - from[1]) * t]),
    );
  }
  await page.mouse.up();
}

/** Wait until the view has drawn the frame of the sliders' final values and sends no more. */
async function settle(frame, viewId, selector) {
  const until = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const sliders = await frame.$$eval(`${selector} .ct-slider`, (s) =>
      s.map((r) => [Number(r.dataset.index), Number(r.value)]),
    );
    const now = await state(frame, viewId);
    const drawn = now?.frame.x ?? [];
    if (drawn.length > 0 && sliders.every(([index, v]) => drawn[index] === v)) return now;
    if (Date.now() > until)
      throw new Error(`${viewId}: the last frame drawn is at ${drawn}, the sliders at ${sliders}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function decode(encoded) {
  const bytes = Buffer.from(encoded.data, "base64");
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return encoded.dtype === "float64"
    ? Array.from(new Float64Array(copy.buffer))
    : Array.from(new Float32Array(copy.buffer));
}

const maxDiff = (a, b) => Math.max(...a.map((v, k) => Math.abs(v - b[k])));

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Print move → redraw p50/p95 and frames per 100 ms over a drag that took `ms`. */
function longestGap(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const gaps = sorted.slice(1).map((t, k) => t - sorted[k]);
  return gaps.length ? `${Math.max(...gaps).toFixed(0)} ms` : "—";
}

/**
 * Print move → redraw p50/p95 and frames per 100 ms over a drag that took `ms`, with the longest
 * gap between frames beside the longest gap between the mouse's own moves (the input's pace).
 */
function report(log, name, list, sent, ms) {
  const latency = list.map((t) => t.drawnAt - t.movedAt);
  log(
    `measure: ${name}: ${sent} moves sent, ${list.length} frames drawn in ${ms} ms of dragging; ` +
      `move → redraw p50 ${percentile(latency, 50).toFixed(1)} ms, p95 ${percentile(latency, 95).toFixed(1)} ms; ` +
      `${((list.length / Math.max(ms, 1)) * 100).toFixed(1)} frames per 100 ms, longest gap between ` +
      `frames ${longestGap(list.map((t) => t.drawnAt))} (between mouse moves ${longestGap(list.map((t) => t.movedAt))})`,
  );
}

async function checkJacobian(page, frame, viewId, runtime, log) {
  const selector = `.ct-explore[data-view-id="${viewId}"]`;
  const range = frame.locator(`${selector} .ct-slider[data-index="0"]`);
  const box = await range.boundingBox();
  const started = Date.now();
  // across the slider's range: from its left end to its right end in 100 steps
  await drag(page, box, [0.01, 0.5], [0.99, 0.5], 100);
  const ms = Date.now() - started;
  const now = await settle(frame, viewId, selector);
  const x = now.frame.x;
  const { jacobian, tensor, mul, sin } = runtime;
  const expected = Array.from(jacobian((v) => mul(sin(v), v))(tensor(x)).data);
  const drawn = decode(now.frame.jacobian.values);
  const diff = maxDiff(drawn, expected);
  log(
    `check: Jacobian explorer's last frame at x = [${x.join(", ")}]: max |J − jacobian(f)(x)| = ${diff}`,
  );
  report(log, "Jacobian explorer", await timings(frame, viewId), now.sent, ms);
  if (now.views !== 1) log(`note: ${now.views} live views share the viewId ${viewId}`);
  await frame
    .locator(selector)
    .screenshot({ path: path.join(RESULTS_DIR.value, "vscode-ui-explore-jacobian.png") });
  return diff <= 1e-12;
}

async function checkCurve(page, frame, viewId, runtime, log) {
  const selector = `.ct-explore[data-view-id="${viewId}"]`;
  const box = await frame.locator(`${selector} .ct-curve canvas`).boundingBox();
  const started = Date.now();
  await drag(page, box, [0.55, 0.5], [0.85, 0.4], 100);
  const ms = Date.now() - started;
  const now = await settle(frame, viewId, selector);
  const [t] = now.frame.x;
  const { grad, tensor, mul, sin, square } = runtime;
  const f = (s) => mul(sin(s), square(s));
  const slope = grad(f)(tensor(t)).item();
  const second = grad((s) => grad(f)(s))(tensor(t)).item();
  const diff = Math.max(Math.abs(now.frame.slope - slope), Math.abs(now.frame.second - second));
  log(`check: curve view's last frame at t = ${t}: |f′ − grad(f)(t)|, |f″ − …| ≤ ${diff}`);
  report(log, "curve view", await timings(frame, viewId), now.sent, ms);
  await frame
    .locator(selector)
    .screenshot({ path: path.join(RESULTS_DIR.value, "vscode-ui-explore-curve.png") });
  return diff <= 1e-9;
}

async function checkSurface(page, frame, viewId, runtime, log) {
  const selector = `.ct-explore[data-view-id="${viewId}"]`;
  const box = await frame.locator(`${selector} .ct-surface canvas`).boundingBox();
  const started = Date.now();
  await drag(page, box, [0.3, 0.45], [0.65, 0.6], 100);
  const ms = Date.now() - started;
  const now = await settle(frame, viewId, selector);
  const x = now.frame.x;
  const { grad, hessian, tensor, add, mul, square, sub } = runtime;
  const rosen = (p) =>
    add(square(sub(1, p.slice(0))), mul(100, square(sub(p.slice(1), square(p.slice(0))))));
  const g = Array.from(grad(rosen)(tensor(x)).data);
  const h = Array.from(hessian(rosen)(tensor(x)).data);
  const diff = Math.max(maxDiff(now.frame.grad, g), maxDiff(now.frame.hessian, h));
  log(
    `check: surface view's last frame at (${x.join(", ")}): max |∇f, H − grad, hessian| = ${diff}`,
  );
  report(log, "surface view", await timings(frame, viewId), now.sent, ms);
  await frame
    .locator(selector)
    .screenshot({ path: path.join(RESULTS_DIR.value, "vscode-ui-explore-surface.png") });
  return diff <= 1e-9;
}

/** Every explore view's renderer state in `frame`: states shown so far, sliders, status line. */
async function staleViews(frame) {
  return frame.evaluate(() =>
    [...document.querySelectorAll(".ct-explore")].map((view) => {
      const id = view.getAttribute("data-view-id");
      const state = globalThis.CotangentRenderer.exploreState(id);
      return {
        id,
        states: state?.states ?? [],
        disabled: [...view.querySelectorAll(".ct-slider")].every((s) => s.disabled),
        status: view.querySelector(".ct-explore-status")?.textContent ?? "",
      };
    }),
  );
}

/** A reopened notebook's explore views: disabled from the start, "run the cell to explore". */
async function checkStale(page, log) {
  await openNotebook(page, "stale.ipynb", log);
  const opened = Date.now();
  const frame = await exploreFrame(page, opened + RUN_TIMEOUT_MS);
  let views = await staleViews(frame);
  const seenLive = new Set();
  const until = Date.now() + SETTLE_TIMEOUT_MS;
  // poll from the first sight: the sliders must never be enabled, the states never live
  while (views.some((v) => !v.states.includes("closed")) && Date.now() < until) {
    for (const v of views) if (!v.disabled || v.states.includes("live")) seenLive.add(v.id);
    await new Promise((resolve) => setTimeout(resolve, 20));
    views = await staleViews(frame);
  }
  for (const v of views) if (!v.disabled || v.states.includes("live")) seenLive.add(v.id);
  await page.screenshot({ path: path.join(RESULTS_DIR.value, "vscode-ui-explore-stale.png") });
  for (const v of views) log(`stale view ${v.id}: states ${v.states.join(" → ")}; "${v.status}"`);
  const ok =
    views.length === 3 &&
    seenLive.size === 0 &&
    views.every((v) => v.states.at(-1) === "closed" && /run the cell/i.test(v.status));
  log(`${ok ? "ok" : "FAIL"}: a reopened notebook's explore views are disabled from the start`);
  // close it, so the explore views found next are those of the notebook that runs
  await page.keyboard.press("Control+K");
  await page.keyboard.press("Control+W");
  return { ok, frame };
}

const RESULTS_DIR = { value: "" };

export async function runExploreUiTest(codeServer, tools) {
  const { ROOT, RESULTS, launchBrowser, log, startServer, workbenchUrl } = tools;
  RESULTS_DIR.value = RESULTS;
  const runtime = await import(path.join(ROOT, "dist/runtime/index.js"));
  const workspace = mkdtempSync(path.join(tmpdir(), "cotangent-ws-explore-"));
  copyFileSync(
    path.join(ROOT, "test/integration/fixtures/explore.ipynb"),
    path.join(workspace, "explore.ipynb"),
  );
  // a saved notebook with the views' first frames, as `cotangent run` writes it
  execFileSync(process.execPath, [
    path.join(ROOT, "dist/cli/cotangent.js"),
    "run",
    path.join(ROOT, "test/integration/fixtures/explore.ipynb"),
    "--out",
    path.join(workspace, "stale.ipynb"),
  ]);
  mkdirSync(RESULTS, { recursive: true });
  const server = await startServer(codeServer, { workspace, trust: false, env: {} });
  let browser;
  try {
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 2600 } });
    await page.goto(await workbenchUrl(server.base, workspace, false));
    await page.locator(".monaco-workbench").waitFor({ timeout: 90_000 });
    const { ok: stale, frame: staleFrame } = await checkStale(page, log);
    const runAll = await openNotebook(page, "explore.ipynb", log);
    const clicked = Date.now();
    await runAll.click();
    const frame = await exploreFrame(page, clicked + RUN_TIMEOUT_MS, staleFrame);
    log(`measure: Run All → three explore views drawn ${Date.now() - clicked} ms`);
    const [jacobianId, curveId, surfaceId] = await viewIds(frame);
    if (!jacobianId || !curveId || !surfaceId) throw new Error("an explore view has no viewId");
    // the views are live once the kernel's cells are done (moves wait for a running cell)
    await page.waitForTimeout(1000);
    const results = [
      await checkJacobian(page, frame, jacobianId, runtime, log),
      await checkCurve(page, frame, curveId, runtime, log),
      await checkSurface(page, frame, surfaceId, runtime, log),
    ];
    await page.screenshot({ path: path.join(RESULTS, "vscode-ui-explore.png") });
    log(`screenshots: ${path.relative(process.cwd(), RESULTS)}/vscode-ui-explore*.png`);
    if (!stale) {
      log("FAIL: a reopened notebook's explore views looked live");
      return 1;
    }
    if (results.every(Boolean)) {
      log("PASS: each drag ends on the frame of its final point, equal to the runtime's own");
      return 0;
    }
    log(`FAIL: the final frames differ from the independent computation (${results})`);
    return 1;
  } finally {
    await browser?.close();
    await server.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
}
