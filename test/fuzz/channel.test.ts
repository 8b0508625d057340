/**
 * The executor channel (fd 3) under hostile traffic (fast-check, fixed seeds), both ways:
 * - the real executor process gets torn and oversized lines, lines that are not JSON, unknown
 *   request types, requests with fields of the wrong types and requests for unknown ids; after
 *   each case it answers a valid request, and at the end it still runs a cell;
 * - the kernel client gets the same kinds of events around a cell's real ones; the cell's own
 *   events still arrive and it ends as it should.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import { join } from "node:path";
import { Duplex, PassThrough, type Readable, type Writable } from "node:stream";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKernelClient, type ChildLike } from "../../kernel/client.js";
import type { ExecutorEvent } from "../../kernel/protocol.js";
import { CHANNEL_FD, encodeFrame, FrameDecoder } from "../../kernel/transport.js";
import { hostileEvent, hostileRequest, oversizedLine, torn } from "./channel-lines.js";
import { fuzzParams, fuzzTimeout } from "./config.js";

const EXECUTOR = join(import.meta.dirname, "..", "..", "dist", "kernel", "executor.cjs");

/** The real executor on a raw pipe: write any bytes, wait for the event that answers an id. */
class RawExecutor {
  readonly child: ChildProcess;
  readonly pipe: Readable & Writable;
  stderr = "";
  private readonly decoder = new FrameDecoder();
  private readonly waiting = new Map<string, (event: ExecutorEvent | Error) => void>();
  readonly events: ExecutorEvent[] = [];

  constructor() {
    this.child = spawn(process.execPath, [EXECUTOR], { stdio: ["ignore", "pipe", "pipe", "pipe"] });
    this.pipe = this.child.stdio[CHANNEL_FD] as Readable & Writable;
    this.child.stderr?.on(
      "data",
      (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-4000)),
    );
    this.child.once("exit", (code, signal) => {
      const died = new Error(`the executor exited (${code ?? signal}); stderr: ${this.stderr}`);
      for (const waiter of this.waiting.values()) waiter(died);
      this.waiting.clear();
    });
    this.pipe.on("data", (chunk: Buffer) => {
      for (const message of this.decoder.push(chunk).messages) {
        const event = message as ExecutorEvent;
        if (this.events.length < 10_000) this.events.push(event);
        const key = event.type === "ready" ? "ready" : `${event.type}:${event.id}`;
        this.waiting.get(key)?.(event);
        this.waiting.delete(key);
      }
    });
  }

  /** Resolves with the first event of `type` for `id` (or the ready event). */
  next(type: string, id?: string): Promise<ExecutorEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${type} for ${id} in 20 s; stderr: ${this.stderr}`)),
        20_000,
      );
      this.waiting.set(id === undefined ? type : `${type}:${id}`, (event) => {
        clearTimeout(timer);
        if (event instanceof Error) reject(event);
        else resolve(event);
      });
    });
  }

  async write(chunks: readonly Buffer[]): Promise<void> {
    for (const chunk of chunks) {
      if (!this.pipe.write(chunk)) await new Promise((resolve) => this.pipe.once("drain", resolve));
    }
  }
}

describe("the executor under hostile requests on fd 3", () => {
  let executor: RawExecutor;
  beforeAll(async () => {
    executor = new RawExecutor();
    await executor.next("ready");
  }, 120_000);
  afterAll(() => {
    executor.child.kill("SIGKILL");
  });

  it(
    "survives every case, answers the next valid request, and still runs a cell",
    async () => {
      let probe = 0;
      const started = performance.now();
      const lines = fc.array(
        fc.oneof(
          { weight: 50, arbitrary: hostileRequest },
          { weight: 1, arbitrary: oversizedLine },
        ),
        { minLength: 1, maxLength: 3 },
      );
      await fc.assert(
        fc.asyncProperty(lines.chain(torn), async (chunks) => {
          await executor.write(chunks);
          probe += 1;
          const id = `probe-${probe}`;
          const answer = executor.next("isCompleteReply", id);
          await executor.write([Buffer.from(encodeFrame({ type: "isComplete", id, code: "1 +" }))]);
          expect(await answer).toMatchObject({ status: "incomplete" });
          expect(executor.child.exitCode).toBeNull();
        }),
        fuzzParams("channel.executor"),
      );
      const result = executor.next("result", "final");
      const done = executor.next("done", "final");
      await executor.write([
        Buffer.from(encodeFrame({ type: "execute", id: "final", code: "20 + 22" })),
      ]);
      expect(await done).toMatchObject({ status: "ok" });
      expect(await result).toMatchObject({ data: { "text/plain": "42" } });
      console.log(
        `channel fuzz (executor): ${probe} cases in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    },
    fuzzTimeout(200, 240_000),
  );
});

/** A stand-in executor whose event lines are whatever the test writes. */
class ScriptedChild extends EventEmitter implements ChildLike {
  readonly pid = 4343;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly stdio: unknown[];
  readonly toClient = new PassThrough();
  readonly requests = new FrameDecoder();
  onRequest: (request: { type: string; id?: string }) => void = () => undefined;

  constructor() {
    super();
    const fromClient = new PassThrough();
    this.stdio = [
      null,
      this.stdout,
      this.stderr,
      Duplex.from({ readable: this.toClient, writable: fromClient }),
    ];
    fromClient.on("data", (chunk: Buffer) => {
      for (const request of this.requests.push(chunk).messages)
        this.onRequest(request as { type: string; id?: string });
    });
    setImmediate(() =>
      this.toClient.write(
        encodeFrame({
          type: "ready",
          protocol: 1,
          versions: { cotangent: "0", typescript: "5", node: "20" },
        }),
      ),
    );
  }

  kill(): boolean {
    setImmediate(() => this.emit("exit", null, "SIGKILL"));
    return true;
  }
}

describe("the kernel client under hostile events on fd 3", () => {
  it(
    "delivers each cell's own events in order and ends the cell, whatever comes around them",
    async () => {
      const child = new ScriptedChild();
      const noise: string[] = [];
      const client = createKernelClient({
        executorPath: "fake",
        cwd: ".",
        spawn: () => child,
        onOutput: (_n, text) => noise.length < 20 && noise.push(text),
      });
      await client.start();
      const cases = fc.tuple(
        fc.array(hostileEvent, { maxLength: 3 }),
        fc.array(hostileEvent, { maxLength: 3 }),
        fc.nat({ max: 19 }).map((k) => (k === 0 ? 1 : 0)),
      );
      let count = 0;
      await fc.assert(
        fc.asyncProperty(cases, fc.context(), async ([before, after, big], ctx) => {
          count += 1;
          const streamed: string[] = [];
          child.onRequest = (request) => {
            if (request.type !== "execute" || request.id === undefined) return;
            const id = request.id;
            const own = [
              encodeFrame({ type: "stream", id, name: "stdout", text: `cell ${count}` }),
              encodeFrame({ type: "done", id, status: "ok", executionCount: count }),
            ].map((l) => l.trimEnd());
            const lines = [
              ...before,
              own[0],
              ...(big ? [`{"type":"stream","id":"nobody","text":"${"z".repeat(2 ** 20)}"}`] : []),
              ...after,
              own[1],
            ];
            const bytes = Buffer.from(lines.map((l) => `${l}\n`).join(""));
            const cut = Math.floor(bytes.length / 2);
            ctx.log(`lines: ${lines.map((l) => l.slice(0, 80)).join(" | ")}`);
            child.toClient.write(bytes.subarray(0, cut));
            setImmediate(() => child.toClient.write(bytes.subarray(cut)));
          };
          const done = await client.execute(`cell ${count}`, {
            onStream: (event) => streamed.push(event.text),
          });
          expect(done.status).toBe("ok");
          expect(streamed).toEqual([`cell ${count}`]);
        }),
        fuzzParams("channel.client"),
      );
      await client.shutdown();
      console.log(
        `channel fuzz (client): ${count} cells, ${noise.length} frame errors reported (first 20 kept)`,
      );
    },
    fuzzTimeout(50),
  );
});
