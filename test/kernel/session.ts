/**
 * One real executor (dist/kernel/executor.cjs) through the real client, in a temp notebook
 * folder, with helpers that run a cell and collect what it sent.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { createKernelClient, type KernelClient } from "../../kernel/client.js";
import type {
  DisplayEvent,
  DoneEvent,
  ErrorEvent,
  ResultEvent,
  StreamEvent,
} from "../../kernel/protocol.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const EXECUTOR = join(ROOT, "dist", "kernel", "executor.cjs");

export interface Outcome {
  done: DoneEvent;
  /** The result's text/plain. */
  result: string | undefined;
  results: ResultEvent[];
  displays: DisplayEvent[];
  errors: ErrorEvent[];
  stderr: string;
  stdout: string;
}

export interface Session {
  client: KernelClient;
  folder: string;
  run(code: string, onStream?: (event: StreamEvent) => void): Promise<Outcome>;
  /** The cell's result; fails with the cell's errors if it has any. */
  value(code: string): Promise<string | undefined>;
  close(): Promise<void>;
}

export async function startSession(
  name: string,
  files: Record<string, string> = {},
): Promise<Session> {
  if (!existsSync(EXECUTOR)) throw new Error(`${EXECUTOR} is missing: run \`npm run build\``);
  const folder = mkdtempSync(join(tmpdir(), `cotangent-${name}-`));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), content);
  }
  const client = createKernelClient({ executorPath: EXECUTOR, cwd: folder });
  await client.start();

  async function run(code: string, onStream?: (event: StreamEvent) => void): Promise<Outcome> {
    const o: Omit<Outcome, "done"> = {
      result: undefined,
      results: [],
      displays: [],
      errors: [],
      stderr: "",
      stdout: "",
    };
    const done = await client.execute(code, {
      onResult: (e) => {
        const plain = e.data["text/plain"];
        o.result = typeof plain === "string" ? plain : JSON.stringify(e.data);
        o.results.push(e);
      },
      onDisplay: (e) => o.displays.push(e),
      onError: (e) => o.errors.push(e),
      onStream: (e) => {
        if (e.name === "stderr") o.stderr += e.text;
        else o.stdout += e.text;
        onStream?.(e);
      },
    });
    return { ...o, done };
  }

  return {
    client,
    folder,
    run,
    async value(code) {
      const r = await run(code);
      expect(r.errors.map((e) => `${e.ename}: ${e.evalue}`)).toEqual([]);
      return r.result;
    },
    async close() {
      await client.shutdown();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
