/**
 * Explore views through the real executor (dist/kernel/executor.cjs) and client: the bundle of
 * a cell ending in explore(…), frames for moves, last-write-wins while a cell runs, interrupt of
 * a slow f with the state kept, unknown views, and the bounded registry.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKernelClient, type KernelClient } from "../../kernel/client.js";
import type { ExploreEvent, ResultEvent } from "../../kernel/protocol.js";
import { MIME, type ExplorePayload } from "../../kernel/shared/payloads.js";
import { decodeArray } from "../../kernel/shared/payloads.js";
import { parseNotebook } from "../../kernel/run/notebook.js";
import { runNotebook } from "../../kernel/run/run.js";
import { jacobian, mul, sin, tensor } from "../../src/index.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const EXECUTOR = join(ROOT, "dist", "kernel", "executor.cjs");

let folder: string;
let client: KernelClient;
const events: ExploreEvent[] = [];

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "cotangent-explore-"));
  client = createKernelClient({ executorPath: EXECUTOR, cwd: folder });
  client.onExplore((event) => events.push(event));
  await client.start();
}, 60_000);

afterAll(async () => {
  await client.shutdown();
  rmSync(folder, { recursive: true, force: true });
});

async function result(code: string): Promise<ResultEvent | undefined> {
  let out: ResultEvent | undefined;
  const done = await client.execute(code, { onResult: (e) => (out = e) });
  expect(done.status).toBe("ok");
  return out;
}

async function show(code: string): Promise<ExplorePayload> {
  const r = await result(code);
  const payload = r?.data[MIME.explore] as ExplorePayload | undefined;
  if (!payload) throw new Error(`no explore payload: ${JSON.stringify(r?.data)}`);
  return payload;
}

/** The next explore event answering (or closing) `viewId`, after `from` events. */
async function answer(viewId: string, from: number): Promise<ExploreEvent> {
  for (;;) {
    const found = events.slice(from).find((e) => e.viewId === viewId);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const f = (x: ReturnType<typeof tensor>) => mul(sin(x), x);

describe("explore through the executor", () => {
  it("shows one view for a cell ending in explore(…) and answers moves with frames", async () => {
    const payload = await show(
      'import { explore, mul, sin, tensor } from "cotangent";\n' +
        "const e = explore((x) => mul(sin(x), x), tensor([0.5, -1, 2]));\ne",
    );
    expect(payload.view).toBe("jacobian");
    expect(payload.x0).toEqual([0.5, -1, 2]);
    const from = events.length;
    const x = [1, 2, 3];
    const id = client.exploreMove(payload.viewId, 1, x);
    const event = await answer(payload.viewId, from);
    if (event.type !== "exploreFrame" || event.payload.kind !== "jacobian") {
      throw new Error(`expected a Jacobian frame, got ${JSON.stringify(event)}`);
    }
    expect([event.id, event.seq, event.x]).toEqual([id, 1, x]);
    const expected = jacobian(f)(tensor(x)).data;
    const got = decodeArray(event.payload.jacobian.values);
    for (let i = 0; i < expected.length; i++) expect(got[i]).toBeCloseTo(expected[i], 12);
    console.log(`move → frame compute: ${event.ms.toFixed(3)} ms`);
    const later = await result("[...e.x.data]");
    expect(later?.data["text/plain"]).toBe("[ 1, 2, 3 ]");
  });

  it("keeps the latest move while a cell runs and computes exactly one frame after it", async () => {
    const payload = await show(
      'import { explore, mul } from "cotangent";\nexplore((t) => mul(t, t), 1, { domain: [-2, 2] })',
    );
    const from = events.length;
    const busy = client.execute("const until = Date.now() + 600; while (Date.now() < until) {}");
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (let seq = 1; seq <= 20; seq++) client.exploreMove(payload.viewId, seq, [seq / 10]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(events.slice(from)).toEqual([]); // nothing while the cell runs
    await busy;
    const event = await answer(payload.viewId, from);
    await result("1"); // one more round trip: any further frame would have arrived by now
    const frames = events.slice(from).filter((e) => e.viewId === payload.viewId);
    expect(frames).toHaveLength(1);
    expect(event).toMatchObject({ type: "exploreFrame", seq: 20, x: [2] });
    if (event.type === "exploreFrame" && event.payload.kind === "curve") {
      expect(event.payload.slope).toBeCloseTo(4, 12);
    }
  });

  it("reports f's error for a move, then frames again", async () => {
    const payload = await show(
      'import { explore, tensor } from "cotangent";\n' +
        'explore((x) => { if (x.data[0] > 5) throw new Error("too far"); return x; }, tensor([1, 2]))',
    );
    expect(payload.notes?.join(" ")).toMatch(/eagerly/);
    let from = events.length;
    client.exploreMove(payload.viewId, 1, [6, 0]);
    expect(await answer(payload.viewId, from)).toMatchObject({
      type: "exploreError",
      seq: 1,
      evalue: "too far",
    });
    from = events.length;
    client.exploreMove(payload.viewId, 2, [1, 1]);
    expect(await answer(payload.viewId, from)).toMatchObject({ type: "exploreFrame", seq: 2 });
  });

  it("stops a slow f on interrupt and keeps the kernel's state", async () => {
    const payload = await show(
      'import { explore, tensor } from "cotangent";\nlet slow = false;\nconst kept = 42;\n' +
        "explore((x) => { if (slow) { for (;;) {} } return x.data[0] > -1e9 ? x : x; }, tensor([1, 2]))",
    );
    await result("slow = true");
    const from = events.length;
    client.exploreMove(payload.viewId, 1, [3, 4]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events.slice(from)).toEqual([]);
    client.interrupt();
    expect(await answer(payload.viewId, from)).toMatchObject({
      type: "exploreError",
      ename: "Interrupted",
    });
    expect((await result("kept"))?.data["text/plain"]).toBe("42");
  });

  it("keeps the moves that wait for a cell when that cell is interrupted", async () => {
    const payload = await show('import { explore } from "cotangent";\nexplore((t) => t, 0)');
    const from = events.length;
    const loop = client.execute("while (true) {}");
    await new Promise((resolve) => setTimeout(resolve, 200));
    client.exploreMove(payload.viewId, 1, [0.25]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    client.interrupt();
    expect((await loop).status).toBe("interrupted");
    expect(await answer(payload.viewId, from)).toMatchObject({ type: "exploreFrame", x: [0.25] });
  });

  it("closes a move to an unknown or released view", async () => {
    const from = events.length;
    const id = client.exploreMove("nope-1", 1, [0]);
    expect(await answer("nope-1", from)).toMatchObject({ type: "exploreClosed", id });
    const first = await show('import { explore } from "cotangent";\nexplore((t) => t, 0)');
    const before = events.length;
    await result("for (let i = 0; i < 64; i++) display(explore((t) => t, i));");
    const closed = events.slice(before).filter((e) => e.type === "exploreClosed");
    expect(closed.map((e) => e.viewId)).toContain(first.viewId);
    const again = events.length;
    client.exploreMove(first.viewId, 1, [1]);
    expect(await answer(first.viewId, again)).toMatchObject({ type: "exploreClosed" });
  });

  it("answers a move at once with exploreClosed when no executor runs", async () => {
    const idle = createKernelClient({ executorPath: EXECUTOR, cwd: folder });
    const got = await new Promise<ExploreEvent>((resolve) => {
      idle.onExplore(resolve);
      idle.exploreMove("any-1", 7, [0]);
    });
    expect(got).toMatchObject({ type: "exploreClosed", viewId: "any-1" });
    expect(idle.state).toBe("dead"); // the move started nothing
  });

  it("under cotangent run, writes the first frame with its PNG, SVG and text fallbacks", async () => {
    const source =
      'import { explore } from "cotangent";\nexplore((t) => t, 0.5, { domain: [-1, 1] })';
    const notebook = parseNotebook(
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: [{ cell_type: "code", metadata: {}, source, outputs: [] }],
      }),
      "explore.ipynb",
    );
    const result = await runNotebook(notebook, client);
    expect(result.failed).toBeUndefined();
    const cell = result.notebook.cells[0];
    const output = cell.cell_type === "code" ? cell.outputs[0] : undefined;
    if (output?.output_type !== "execute_result") throw new Error("expected a result");
    expect(Object.keys(output.data)).toEqual([
      MIME.explore,
      "image/svg+xml",
      "image/png",
      "text/plain",
    ]);
    expect(output.data[MIME.explore]).toMatchObject({
      view: "curve",
      frame: { kind: "curve", x: [0.5], slope: 1 },
    });
  });
});
