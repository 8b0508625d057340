// The browser half of scripts/test-jupyterlab.sh: drives the real JupyterLab 4 and Notebook 7
// that script started (LAB_URL, LAB_TOKEN; notebooks in LAB_WORK) with playwright-core and
// Debian's Chromium. Checks, each against something computed apart from the page:
//   1. vjp.ipynb (an example): Run All; our views draw (heatmap canvas pixels, the chain; no SVG
//      or PNG fallback shown); hovering a Jacobian cell reads the runtime's own ∂fᵢ/∂xⱼ.
//   2. explore.ipynb (an example): Run All; three explore views; dragging the Jacobian
//      explorer's first slider ends on the frame of the slider's final value, equal to
//      jacobian(f)(x) from the runtime.
//   3. trace.ipynb: a live trace updates in place (update_display_data): one view, updated.
//   4. saved.ipynb (executed headlessly, so untrusted here): the views draw without running;
//      in the dark theme too, with JupyterLab's colours.
//   5. Notebook 7: /tree lists it, /notebooks/saved.ipynb draws the same views.
// Prints timings (Run All → first view drawn; explore move → redrawn p50/p95), never asserts
// them. Screenshots go to LAB_RESULTS.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium } from "./chromium.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { LAB_URL, LAB_TOKEN, LAB_WORK, LAB_RESULTS } = process.env;
if (!LAB_URL || !LAB_TOKEN || !LAB_WORK || !LAB_RESULTS) {
  throw new Error("jupyterlab-test: run it through scripts/test-jupyterlab.sh (LAB_* unset)");
}
const runtime = await import(path.join(ROOT, "dist/runtime/index.js"));
const MIME_TRACE = "application/vnd.cotangent.trace+json";
const RUN_TIMEOUT_MS = 150_000;
const log = (text) => console.log(`jupyterlab: ${text}`);
const failures = [];
const check = (ok, text) => {
  log(`${ok ? "ok" : "FAIL"}: ${text}`);
  if (!ok) failures.push(text);
};

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForServer() {
  const until = Date.now() + 90_000;
  for (;;) {
    const status = await fetch(`${LAB_URL}/api/status?token=${LAB_TOKEN}`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    const pid = Number(process.env.LAB_SERVER_PID);
    const alive = Number.isInteger(pid) && pid > 0 ? isAlive(pid) : true;
    if (!alive)
      throw new Error("jupyter lab exited before answering (see .jupyterlab-test/server.log)");
    if (Date.now() > until) throw new Error(`jupyter lab did not answer on ${LAB_URL} in 90 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A notebook whose one cell pushes a live trace step by step while it runs. */
function writeTraceNotebook() {
  const source = [
    'import { trace } from "cotangent";\n',
    'const t = trace("loss");\n',
    "for (let step = 0; step < 30; step++) {\n",
    "  t.push(step, { loss: 1 / (step + 1) });\n",
    "  await new Promise((resolve) => setTimeout(resolve, 40));\n",
    "}\n",
    "void t.finish();",
  ];
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: {
        name: "cotangent",
        display_name: "Cotangent (TypeScript)",
        language: "typescript",
      },
    },
    cells: [
      { cell_type: "code", id: "trace", metadata: {}, execution_count: null, outputs: [], source },
    ],
  };
  writeFileSync(path.join(LAB_WORK, "trace.ipynb"), JSON.stringify(notebook, null, 1));
}

/**
 * Open a notebook in JupyterLab (`/lab/tree/…`, a fresh workspace: no other notebook restored)
 * or Notebook 7 (`/notebooks/…`); resolves when it is the current widget and its kernel is idle.
 */
async function openNotebook(page, url) {
  const reset = url.startsWith("/lab/") ? "reset&" : "";
  await page.goto(`${LAB_URL}${url}?${reset}token=${LAB_TOKEN}`);
  await page.waitForFunction(
    (name) => {
      const panel = globalThis.jupyterapp?.shell.currentWidget;
      return (
        panel?.context?.isReady &&
        panel.context.path === name &&
        panel.sessionContext?.session?.kernel?.status === "idle"
      );
    },
    path.basename(url),
    { timeout: 90_000, polling: 100 },
  );
}

/** Shut the kernels down between notebooks (the machine's cores are few). */
const shutdownKernels = (page) =>
  page.evaluate(() => globalThis.jupyterapp.serviceManager.sessions.shutdownAll());

/** Run All (the notebook's own command, as the Run menu does); resolves when every cell ran. */
async function runAll(page) {
  const started = await page.evaluate(() => {
    const at = performance.now();
    void globalThis.jupyterapp.commands.execute("notebook:run-all-cells");
    return at;
  });
  await page.waitForFunction(
    () => {
      const panel = globalThis.jupyterapp.shell.currentWidget;
      const cells = panel.content.widgets.filter((cell) => cell.model.type === "code");
      return (
        panel.sessionContext.session.kernel.status === "idle" &&
        cells.every((cell) => cell.model.executionCount !== null)
      );
    },
    undefined,
    { timeout: RUN_TIMEOUT_MS, polling: 100 },
  );
  const first = await page.evaluate(
    (t0) => globalThis.__cotangentViews.find((e) => e.type === "rendered" && e.at >= t0)?.at,
    started,
  );
  return first === undefined ? undefined : first - started;
}

/** Wait until the current notebook shows each of `selectors` inside one of our outputs. */
async function waitForViews(page, selectors) {
  await page.waitForFunction(
    (wanted) => {
      const panel = globalThis.jupyterapp.shell.currentWidget.node;
      return wanted.every((s) => panel.querySelector(`.jp-CotangentOutput ${s}`));
    },
    selectors,
    { timeout: 60_000, polling: 100 },
  );
}

/** What our outputs show: views by kind, inked canvas pixels, fallbacks, errors. */
function survey(page) {
  return page.evaluate(() => {
    const panel = globalThis.jupyterapp.shell.currentWidget.node;
    const outputs = [...panel.querySelectorAll(".jp-CotangentOutput")];
    /** The fraction of the canvas's pixels drawn (not transparent). */
    const ink = (canvas) => {
      const context = canvas.getContext("2d");
      if (!context || canvas.width === 0 || canvas.height === 0) return 0;
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      let inked = 0;
      for (let k = 3; k < data.length; k += 4) if (data[k] > 0) inked += 1;
      return inked / (canvas.width * canvas.height);
    };
    const count = (selector) => outputs.filter((o) => o.querySelector(selector)).length;
    return {
      outputs: outputs.length,
      heatmaps: count(".ct-heatmap"),
      heatmapInk: Math.min(
        ...outputs.flatMap((o) => [...o.querySelectorAll(".ct-heatmap canvas")].map(ink)),
      ),
      chains: count(".ct-chain"),
      traces: count(".ct-trace"),
      explores: count(".ct-explore"),
      errors: count(".ct-error"),
      fallbacks: panel.querySelectorAll(".jp-RenderedSVG, .jp-RenderedImage").length,
    };
  });
}

const A = [
  [1.0, -0.5, 0.3],
  [0.2, 0.8, -1.1],
];
const B = [
  [0.4, 1.2, -0.7],
  [-0.9, 0.1, 0.6],
];

/** vjp.ipynb's J = jacobian(f)(x), computed here with the runtime. */
function vjpJacobian() {
  const { jacobian, tensor, mul, sin, matmul } = runtime;
  const f = (x) => mul(sin(matmul(tensor(A), x)), matmul(tensor(B), x));
  return Array.from(jacobian(f)(tensor([0.5, -1.0, 2.0])).data);
}

async function checkExample(page) {
  await openNotebook(page, "/lab/tree/vjp.ipynb");
  const ms = await runAll(page);
  log(
    `measure: JupyterLab Run All → first view drawn ${ms === undefined ? "—" : ms.toFixed(0)} ms`,
  );
  const seen = await survey(page);
  log(`vjp.ipynb: ${JSON.stringify(seen)}`);
  check(seen.heatmaps >= 1 && seen.heatmapInk > 0.9, "the Jacobian heatmap is drawn on a canvas");
  check(seen.chains === 1, "the cotangent chain is drawn");
  check(seen.fallbacks === 0 && seen.errors === 0, "no SVG/PNG fallback and no error is shown");
  // hover the cell (row 1, column 2) of the 2×3 heatmap: ∂f₂/∂x₃
  const canvas = page.locator(".jp-CotangentOutput .ct-heatmap canvas").first();
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  await page.mouse.move(box.x + (2.5 * box.width) / 3, box.y + (1.5 * box.height) / 2);
  const view = page.locator(".jp-CotangentOutput:has(.ct-heatmap)").first();
  const text = (await view.locator(".ct-readout").textContent()) ?? "";
  const value = Number(/=\s*(\S+)/.exec(text)?.[1]?.replace("−", "-"));
  const expected = vjpJacobian()[1 * 3 + 2];
  check(
    text.includes("∂f₂/∂x₃") &&
      Math.abs(value - expected) <= 1e-3 * Math.max(1, Math.abs(expected)),
    `hovering J's cell (2, 3) reads "${text}" (the runtime: ${expected})`,
  );
  await view.screenshot({ path: path.join(LAB_RESULTS, "lab-jacobian.png") });
  await page.screenshot({ path: path.join(LAB_RESULTS, "lab-vjp.png") });
}

/** Drag with the mouse across `box` from fraction `from` to `to` in `steps` moves. */
async function drag(page, box, from, to, steps) {
  const at = (f) => [box.x + box.width * f, box.y + box.height / 2];
  await page.mouse.move(...at(from));
  await page.mouse.down();
  for (let k = 1; k <= steps; k++) await page.mouse.move(...at(from + ((to - from) * k) / steps));
  await page.mouse.up();
}

const exploreState = (page, viewId) =>
  page.evaluate((id) => globalThis.CotangentRenderer.exploreState(id), viewId);

/** Wait until the view drew the frame of the dragged slider's final value. */
async function settle(page, viewId, slider, index) {
  const until = Date.now() + 30_000;
  for (;;) {
    const value = Number(await slider.inputValue());
    const now = await exploreState(page, viewId);
    if (now && now.frame.x[index] === value) return now;
    if (Date.now() > until) {
      throw new Error(
        `${viewId}: the last frame is at ${now?.frame.x} (${now?.state}), the slider at ${value}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function decode(encoded) {
  const bytes = Buffer.from(encoded.data, "base64");
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return Array.from(
    encoded.dtype === "float64" ? new Float64Array(copy.buffer) : new Float32Array(copy.buffer),
  );
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/**
 * Drag the Jacobian explorer's first slider with the mouse; its last frame must be the slider's
 * final point and equal jacobian(f)(x) from the runtime. Prints move → redrawn p50/p95.
 */
async function dragJacobianExplorer(page, host) {
  const viewId = await page.evaluate(() =>
    globalThis.jupyterapp.shell.currentWidget.node
      .querySelector(".ct-explore:has(.ct-explore-jacobian)")
      ?.getAttribute("data-view-id"),
  );
  const selector = `.ct-explore[data-view-id="${viewId}"]`;
  const slider = page.locator(`${selector} .ct-slider[data-index="0"]`);
  await slider.scrollIntoViewIfNeeded();
  const box = await slider.boundingBox();
  const started = Date.now();
  await drag(page, box, 0.05, 0.8, 60);
  const dragMs = Date.now() - started;
  const now = await settle(page, viewId, slider, 0);
  const { jacobian, tensor, mul, sin } = runtime;
  const expected = Array.from(jacobian((v) => mul(sin(v), v))(tensor(now.frame.x)).data);
  const drawn = decode(now.frame.jacobian.values);
  const diff = Math.max(...drawn.map((v, k) => Math.abs(v - expected[k])));
  check(
    now.state === "live" && now.sent > 1 && diff < 1e-9,
    `${host}: the explorer's last frame at x = [${now.frame.x}] (${now.sent} moves sent, state ${now.state}): max |J − jacobian(f)(x)| = ${diff}`,
  );
  const timings = await page.evaluate(
    (id) => globalThis.CotangentRenderer.exploreTimings(id),
    viewId,
  );
  const latency = timings.map((t) => t.drawnAt - t.movedAt);
  // the split: sent → drawn is the round trip through the server; moved → sent is the wait
  // for the move in flight (one at a time)
  const trip = timings.map((t) => t.drawnAt - t.sentAt);
  const compute = timings.map((t) => t.computeMs);
  log(
    `measure: ${host} explore round trip (sent → drawn) p50 ${percentile(trip, 50).toFixed(1)} ms, ` +
      `p95 ${percentile(trip, 95).toFixed(1)} ms; kernel compute p50 ${percentile(compute, 50).toFixed(2)} ms`,
  );
  log(
    `measure: ${host} explore move → redrawn p50 ${percentile(latency, 50).toFixed(1)} ms, p95 ${percentile(latency, 95).toFixed(1)} ms ` +
      `(${timings.length} frames for ${now.sent} moves over ${dragMs} ms of dragging)`,
  );
  return { viewId, selector };
}

async function checkExplore(page) {
  await openNotebook(page, "/lab/tree/explore.ipynb");
  const ms = await runAll(page);
  log(
    `measure: explore.ipynb Run All → first view drawn ${ms === undefined ? "—" : ms.toFixed(0)} ms`,
  );
  const seen = await survey(page);
  check(
    seen.explores === 3 && seen.errors === 0,
    `three explore views drawn (${JSON.stringify(seen)})`,
  );
  const { viewId, selector } = await dragJacobianExplorer(page, "JupyterLab");
  await page
    .locator(selector)
    .screenshot({ path: path.join(LAB_RESULTS, "lab-explore-jacobian.png") });
  await page.screenshot({ path: path.join(LAB_RESULTS, "lab-explore.png") });
  // the README's picture (docs/jupyterlab.png): the explorer's cell, input and output, in JupyterLab
  await page.evaluate(() => globalThis.jupyterapp.commands.execute("application:toggle-left-area"));
  const cell = page.locator(".jp-CodeCell", { has: page.locator(selector) });
  await cell.scrollIntoViewIfNeeded();
  await cell.screenshot({ path: path.join(LAB_RESULTS, "lab-readme.png") });
  // a kernel restart closes the live view: it keeps its last frame and says why
  await page.evaluate(() =>
    globalThis.jupyterapp.shell.currentWidget.sessionContext.restartKernel(),
  );
  await page.waitForFunction(
    (id) => globalThis.CotangentRenderer.exploreState(id)?.state === "closed",
    viewId,
    { timeout: 60_000, polling: 100 },
  );
  const status = (await page.locator(`${selector} .ct-explore-status`).textContent()) ?? "";
  check(/restart/.test(status), `after a kernel restart the explorer is closed: "${status}"`);
}

async function checkTrace(page) {
  await openNotebook(page, "/lab/tree/trace.ipynb");
  await runAll(page);
  const result = await page.evaluate((mime) => {
    const events = globalThis.__cotangentViews.filter((e) => e.mime === mime);
    const last = events.filter((e) => e.type === "rendered").at(-1);
    return {
      views: document.querySelectorAll(".jp-CotangentOutput .ct-trace").length,
      outputs: document.querySelectorAll(".jp-OutputArea-output").length,
      updates: events.filter((e) => e.type === "updated").length,
      steps: last?.steps,
      done: last?.done,
    };
  }, MIME_TRACE);
  check(
    result.views === 1 &&
      result.outputs === 1 &&
      result.updates >= 1 &&
      result.steps === 30 &&
      result.done === true,
    `the live trace updated in place: ${JSON.stringify(result)}`,
  );
  await page.screenshot({ path: path.join(LAB_RESULTS, "lab-trace.png") });
}

/** The luminance (0–1) of a CSS colour `rgb(r, g, b)`. */
const luminance = (color) => {
  const [r, g, b] = (color.match(/\d+(\.\d+)?/g) ?? []).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
};

async function checkSaved(page) {
  await openNotebook(page, "/lab/tree/saved.ipynb");
  const trusted = await page.evaluate(() => {
    const cells = [...globalThis.jupyterapp.shell.currentWidget.content.model.cells];
    return cells.filter((c) => c.type === "code").map((c) => c.trusted);
  });
  check(trusted.length > 0 && trusted.every((t) => t === false), "saved.ipynb opens untrusted");
  await waitForViews(page, [".ct-heatmap canvas", ".ct-chain"]);
  const seen = await survey(page);
  check(
    seen.heatmapInk > 0.9 && seen.chains === 1 && seen.fallbacks === 0 && seen.errors === 0,
    `the untrusted notebook's views draw (${JSON.stringify(seen)})`,
  );
  await page.screenshot({ path: path.join(LAB_RESULTS, "lab-saved-untrusted.png") });
  await page.evaluate(() =>
    globalThis.jupyterapp.commands.execute("apputils:change-theme", { theme: "JupyterLab Dark" }),
  );
  await page.waitForFunction(() => document.body.dataset.jpThemeLight === "false", undefined, {
    timeout: 30_000,
  });
  const colors = await page.evaluate(() => ({
    view: getComputedStyle(document.querySelector(".jp-CotangentOutput .ct-view")).color,
    lab: getComputedStyle(document.body).getPropertyValue("--jp-ui-font-color1").trim(),
  }));
  check(
    luminance(colors.view) > 0.6,
    `in the dark theme the views' text is light (${colors.view}; JupyterLab's ${colors.lab})`,
  );
  await page.screenshot({ path: path.join(LAB_RESULTS, "lab-saved-dark.png") });
  await page.evaluate(() =>
    globalThis.jupyterapp.commands.execute("apputils:change-theme", { theme: "JupyterLab Light" }),
  );
  await page.waitForFunction(() => document.body.dataset.jpThemeLight === "true", undefined, {
    timeout: 30_000,
  });
}

async function checkNotebook7(page) {
  await page.goto(`${LAB_URL}/tree?token=${LAB_TOKEN}`);
  await page.getByText("saved.ipynb").first().waitFor({ timeout: 60_000 });
  log("ok: Notebook 7's /tree lists saved.ipynb");
  await openNotebook(page, "/notebooks/saved.ipynb");
  await waitForViews(page, [".ct-heatmap canvas", ".ct-chain"]);
  const seen = await survey(page);
  check(
    seen.heatmapInk > 0.9 && seen.chains === 1 && seen.fallbacks === 0 && seen.errors === 0,
    `Notebook 7 draws the same views (${JSON.stringify(seen)})`,
  );
  await page.screenshot({ path: path.join(LAB_RESULTS, "notebook7-saved.png") });
  await shutdownKernels(page);
  await openNotebook(page, "/notebooks/explore.ipynb");
  await runAll(page);
  await dragJacobianExplorer(page, "Notebook 7");
  await page.screenshot({ path: path.join(LAB_RESULTS, "notebook7-explore.png") });
}

await waitForServer();
writeTraceNotebook();
const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1800 } });
  // every view's report (rendered, updated, selected…) with its page time, for the checks
  await context.addInitScript(() => {
    globalThis.__cotangentViews = [];
    document.addEventListener("cotangent-view", (event) =>
      globalThis.__cotangentViews.push({ ...event.detail, at: performance.now() }),
    );
  });
  const page = await context.newPage();
  const pageErrors = new Map();
  page.on("pageerror", (error) => {
    const where = error.stack?.split("\n")[1]?.trim() ?? "";
    const key = `${error.message} ${where}`;
    pageErrors.set(key, (pageErrors.get(key) ?? 0) + 1);
  });
  for (const step of [checkExample, checkExplore, checkTrace, checkSaved, checkNotebook7]) {
    const started = Date.now();
    await step(page);
    await shutdownKernels(page);
    log(`${step.name} took ${Date.now() - started} ms`);
  }
  // JupyterLab's debugger asks every kernel for a debug session (ours has none): not ours
  for (const [message, count] of pageErrors) log(`page error (${count}×): ${message}`);
} finally {
  await browser.close();
}
log(`screenshots: ${path.relative(process.cwd(), LAB_RESULTS)}/*.png`);
if (failures.length > 0) {
  log(`FAILED ${failures.length} check(s)`);
  process.exit(1);
}
log("PASS");
