/**
 * The kernel client knows which explore views its executor showed — what answers a view that
 * mounts (VS Code's attach handshake): known after the cell, unknown after a release, after a
 * restart, and for a viewId no cell showed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKernelClient, type KernelClient } from "../../kernel/client.js";
import { MIME, type ExplorePayload } from "../../kernel/shared/payloads.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const EXECUTOR = join(ROOT, "dist", "kernel", "executor.cjs");

let folder: string;
let client: KernelClient;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "cotangent-attach-"));
  client = createKernelClient({ executorPath: EXECUTOR, cwd: folder });
  await client.start();
}, 60_000);

afterAll(async () => {
  await client.shutdown();
  rmSync(folder, { recursive: true, force: true });
});

async function showView(code: string): Promise<string> {
  let viewId: string | undefined;
  const done = await client.execute(code, {
    onResult: (e) => (viewId ??= (e.data[MIME.explore] as ExplorePayload | undefined)?.viewId),
    onDisplay: (e) => (viewId ??= (e.data[MIME.explore] as ExplorePayload | undefined)?.viewId),
  });
  expect(done.status).toBe("ok");
  if (viewId === undefined) throw new Error("the cell showed no explore view");
  return viewId;
}

describe("kernel client: the explore views of its executor", () => {
  it("knows a view a cell showed (as result or display), until it is released", async () => {
    const a = await showView(
      `import { explore, mul, sin } from "cotangent";\nexplore((t) => mul(sin(t), t), 0.5, { domain: [-2, 2] })`,
    );
    const b = await showView(`display(explore((t) => mul(t, t), 1, { domain: [-1, 1] }));\n1`);
    expect(client.exploreKnows(a)).toBe(true);
    expect(client.exploreKnows(b)).toBe(true);
    expect(client.exploreKnows("no-such-view")).toBe(false);
    client.exploreRelease(a);
    expect(client.exploreKnows(a)).toBe(false);
    expect(client.exploreKnows(b)).toBe(true);
  }, 60_000);

  it("forgets every view when the kernel restarts", async () => {
    const a = await showView(`explore((t) => mul(t, t), 1, { domain: [-1, 1] })`);
    expect(client.exploreKnows(a)).toBe(true);
    await client.restart();
    expect(client.exploreKnows(a)).toBe(false);
  }, 60_000);
});
