/**
 * Faults against the real executor (dist/kernel/executor.cjs) through the real client: kill -9
 * while a cell streams, and two kernels side by side, one of them interrupted.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKernelClient, type ExitInfo, type KernelClient } from "../../kernel/client.js";
import type { DoneEvent, ErrorEvent } from "../../kernel/protocol.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const EXECUTOR = join(ROOT, "dist", "kernel", "executor.cjs");

/** A cell that prints its pid, then a tick every 10 ms until it is stopped. */
const STREAMING_CELL =
  "console.log(`pid ${process.pid}`);\nfor (let n = 0; ; n++) {\n  console.log(`tick ${n}`);\n  await new Promise((resolve) => setTimeout(resolve, 10));\n}";

interface Run {
  done: DoneEvent;
  stdout: string;
  results: string[];
  errors: ErrorEvent[];
}

async function run(
  kernel: KernelClient,
  code: string,
  onStream?: (text: string) => void,
): Promise<Run> {
  const r: Omit<Run, "done"> = { stdout: "", results: [], errors: [] };
  const done = await kernel.execute(code, {
    onStream: (e) => {
      if (e.name === "stdout") r.stdout += e.text;
      onStream?.(e.text);
    },
    onResult: (e) => r.results.push(String(e.data["text/plain"])),
    onError: (e) => r.errors.push(e),
  });
  return { ...r, done };
}

function text(r: Run): string {
  const first = r.results[0];
  if (first === undefined) throw new Error(`no result: ${JSON.stringify(r)}`);
  return first;
}

let folder: string;
let client: KernelClient;

beforeAll(() => {
  if (!existsSync(EXECUTOR)) {
    throw new Error(`${EXECUTOR} is missing: run \`npm run build\` first (npm test does).`);
  }
  folder = mkdtempSync(join(tmpdir(), "cotangent-faults-"));
  client = createKernelClient({ executorPath: EXECUTOR, cwd: folder });
});

afterAll(async () => {
  await client?.shutdown();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe("kill -9", () => {
  it("after kill -9 while a cell streams keeps what it streamed, reports the signal, starts afresh", async () => {
    await run(client, "const before = 1;");
    const exits: ExitInfo[] = [];
    const off = client.onExit((info) => exits.push(info));
    let seen = "";
    let killed = false;
    const r = await run(client, STREAMING_CELL, (text) => {
      seen += text;
      const pid = /pid (\d+)/.exec(seen)?.[1];
      if (!killed && pid !== undefined && seen.includes("tick 3\n")) {
        killed = true;
        process.kill(Number(pid), "SIGKILL");
      }
    });
    off();
    expect(killed).toBe(true);
    expect(r.done.status).toBe("error");
    expect(r.stdout).toMatch(/^pid \d+\ntick 0\ntick 1\ntick 2\ntick 3\n/);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]?.ename).toBe("KernelDied");
    expect(r.errors[0]?.evalue).toContain(
      "The kernel was killed by SIGKILL while running this cell",
    );
    expect(exits.map((e) => e.reason)).toEqual(["signal"]);
    expect((await run(client, "before")).errors[0]?.evalue).toContain("Cannot find name 'before'");
    expect(text(await run(client, "'fresh'"))).toBe("'fresh'");
  });
});

describe("two kernels", () => {
  it("each notebook's kernel is its own process: interrupting one never touches the other", async () => {
    const other = createKernelClient({ executorPath: EXECUTOR, cwd: folder });
    try {
      await run(client, "const mine = 'first';");
      await run(other, "const mine = 'second';");
      // Both cells run when the interrupt comes: the loop spins, the other has begun counting.
      let started: () => void = () => undefined;
      const both = new Promise<void>((resolve) => (started = resolve));
      let spun = false;
      let steps = 0;
      const check = (): void => (spun && steps >= 2 ? started() : undefined);
      const looping = run(client, "console.log('spin');\nwhile (true) {}", () => {
        spun = true;
        check();
      });
      const counting = run(
        other,
        "for (let i = 0; i < 20; i++) {\n  console.log(`step ${i}`);\n  await new Promise((resolve) => setTimeout(resolve, 20));\n}\n'counted'",
        (printed) => {
          steps += printed.split("\n").length - 1;
          check();
        },
      );
      await both;
      expect(steps).toBeLessThan(20);
      client.interrupt();
      expect((await looping).done.status).toBe("interrupted");
      const counted = await counting;
      expect(counted.done.status).toBe("ok");
      expect(counted.stdout).toBe(Array.from({ length: 20 }, (_, i) => `step ${i}\n`).join(""));
      expect(text(counted)).toBe("'counted'");
      expect(text(await run(client, "mine"))).toBe("'first'");
      expect(text(await run(other, "mine"))).toBe("'second'");
    } finally {
      await other.shutdown();
    }
  }, 60_000);
});
