/**
 * The executor process (dist/kernel/executor.cjs). Its main thread runs cells; it starts the
 * checker thread first (TypeScript takes the longest to load, so it warms while the rest starts)
 * and the I/O thread, which owns the pipe on fd 3. See ARCHITECTURE.md, "Kernel".
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { MessageChannel, SHARE_ENV, Worker } from "node:worker_threads";
import * as runtime from "../../src/index.js";
import { toMimeBundle } from "../display/index.js";
import type { ExecutorEvent } from "../protocol.js";
import type { MimeBundle } from "../shared/payloads.js";
import type { MainReply, MainRequest } from "./messages.js";
import { createCellInput, type CellInput } from "./input.js";
import { createCellRunner, type CellRunner } from "./evaluate.js";
import { createExecutorSink, type ExecutorSink } from "./sink.js";
import { createExploreHost, type ExploreHost } from "./explore.js";
import { createProgressHook, progressDelay } from "./progress.js";
import { summarySingularValues } from "../display/runtime.js";

declare const COTANGENT_VERSION: string;

const CHECKER_HEAP_MB = 2048;

interface Paths {
  checker: string;
  io: string;
  runtimeTypes: string;
}

function paths(): Paths {
  const dir = __dirname;
  return {
    checker: join(dir, "checker-worker.cjs"),
    io: join(dir, "io-worker.cjs"),
    runtimeTypes: join(dir, "..", "types", "index.d.ts"),
  };
}

function typescriptVersion(): string {
  try {
    const require = createRequire(__filename);
    return (require("typescript/package.json") as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/** Send stdout/stderr writes of the running cell as stream events; others go to the real pipe. */
function captureOutput(
  currentId: () => string | undefined,
  emit: (event: ExecutorEvent) => void,
): void {
  for (const name of ["stdout", "stderr"] as const) {
    const stream = process[name];
    const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = (chunk: unknown, ...rest: unknown[]): boolean => {
      const id = currentId();
      if (id === undefined) return original(chunk, ...rest);
      const text = typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString();
      emit({ type: "stream", id, name, text });
      const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
      callback?.();
      return true;
    };
  }
}

/**
 * A small --max-old-space-size is meant for the cells (the main thread), but V8 applies the flag
 * to every thread's heap, and TypeScript needs more. Raising the flag now leaves the main
 * thread's heap as it was created and gives the threads started next a larger one.
 */
function roomForTypeScript(): void {
  const limitMb = getHeapStatistics().heap_size_limit / 2 ** 20;
  if (limitMb < CHECKER_HEAP_MB) setFlagsFromString(`--max-old-space-size=${CHECKER_HEAP_MB}`);
}

/**
 * A cell's stray error — a throw in a timer, a rejected promise nobody awaits — would end the
 * process under Node's defaults; here it is shown on the running cell's stderr (or the next
 * cell's), its frames mapped to cell lines, and the kernel lives on.
 */
function keepAliveOnStrayErrors(report: (what: string, error: unknown) => void): void {
  process.on("uncaughtException", (error) => report("Uncaught exception", error));
  process.on("unhandledRejection", (reason) => report("Unhandled promise rejection", reason));
}

interface Served {
  runner: CellRunner;
  cellInput: CellInput;
  explore: ExploreHost;
  post: (reply: MainReply) => void;
  sink: ExecutorSink;
}

/** One request from the I/O thread. */
function serve(request: MainRequest, { runner, cellInput, explore, post, sink }: Served): void {
  switch (request.kind) {
    case "run":
      return runner.run(request);
    case "abandon":
      cellInput.drop(request.id);
      if (!request.final) return void runner.abandon(request.id);
      // The cell's live displays end as interrupted (their last pushes are sent) before the I/O
      // thread ends the cell.
      sink.endCell("interrupted");
      return post(abandoned(request.id, request.drop === true, runner));
    case "input":
      return cellInput.answer(request.reply);
    case "exploreMove":
      explore.move(request.request);
      return post({ kind: "exploreDone", id: request.request.id });
    case "exploreRelease":
      return explore.release(request.viewId);
    case "poke":
      return;
    case "shutdown":
      process.exit(0);
  }
}

/** The answer to a final abandon; over the memory limit the cell's names are dropped first. */
function abandoned(id: string, drop: boolean, runner: CellRunner): MainReply {
  const reached = runner.abandon(id);
  if (!drop) return { kind: "abandoned", id, reached };
  runner.drop(reached);
  collectGarbage(); // free what the dropped names held before the next cell runs
  return { kind: "abandoned", id, reached: [], dropped: reached };
}

/** A full garbage collection (V8's gc function, exposed to one context for the executor). */
const collectGarbage: () => void = (() => {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
})();

function main(): void {
  const where = paths();
  if (!existsSync(where.runtimeTypes)) {
    process.stderr.write(
      `executor: the runtime's declarations are missing (${where.runtimeTypes}); ` +
        'cells that import "cotangent" will not type-check. Run `npm run build`.\n',
    );
  }
  roomForTypeScript();
  const checker = new Worker(where.checker, {
    workerData: { runtimeTypes: where.runtimeTypes },
    // A larger young generation: parsing TypeScript's libraries allocates a lot, briefly.
    resourceLimits: { maxYoungGenerationSizeMb: 64 },
  });
  const link = new MessageChannel();
  checker.postMessage({ kind: "port", port: link.port2 }, [link.port2]);
  const io = new Worker(where.io, {
    // shared, so that a cell's process.env.COTANGENT_MEMORY_LIMIT reaches the memory guard
    env: SHARE_ENV,
    workerData: { checkerPort: link.port1 },
    transferList: [link.port1],
  });
  const post = (reply: MainReply): void => io.postMessage(reply);
  const emit = (event: ExecutorEvent): void => post({ kind: "event", event });

  const explore = createExploreHost({
    emit,
    prefix: `${process.pid.toString(36)}${Date.now().toString(36)}`,
    svd: summarySingularValues,
  });
  // A shown Explorer is registered as a live view; everything else as before.
  const bundle = (value: unknown): MimeBundle | undefined =>
    value instanceof runtime.Explorer ? explore.bundle(value) : toMimeBundle(value);
  const sink = createExecutorSink({
    currentId: () => runner.currentId,
    emit,
    toMimeBundle: bundle,
  });
  const cellInput = createCellInput(() => runner.currentId, emit);
  const globals = { display: runtime.display, trace: runtime.trace, input: cellInput.input };
  const runner = createCellRunner({
    cwd: process.cwd(),
    runtime,
    globals,
    runtimeFile: __filename,
    emit,
    finished: (id, status, reached) => {
      cellInput.drop(id);
      post({ kind: "finished", id, status, ...(reached ? { reached } : {}) });
    },
    toMimeBundle: bundle,
    beforeEnd: (status) => sink.endCell(status),
    refreshed: (value) => sink.refresh(value),
  });
  runtime.setDisplaySink(sink);
  const prefix = `${process.pid.toString(36)}${Date.now().toString(36)}`;
  runtime.setProgressHook(
    createProgressHook({
      sink,
      displayId: (task) => `cotangent-progress-${prefix}-${task}`,
      delayMs: progressDelay(),
    }),
  );
  Object.assign(globalThis, globals);
  captureOutput(() => runner.currentId, emit);
  keepAliveOnStrayErrors((what, error) => {
    try {
      runner.stray(what, error);
    } catch {
      process.stderr.write(`${what}: ${String(error)}\n`);
    }
  });

  io.on("message", (request: MainRequest) =>
    serve(request, { runner, cellInput, explore, post, sink }),
  );
  io.on("error", (error) => {
    process.stderr.write(`executor: the I/O thread failed: ${error.stack ?? error.message}\n`);
    process.exit(70);
  });
  checker.on("error", (error) => {
    process.stderr.write(`executor: the checker thread failed: ${error.stack ?? error.message}\n`);
    process.exit(70);
  });
  checker.unref();
  post({
    kind: "loaded",
    cotangent: COTANGENT_VERSION,
    typescript: typescriptVersion(),
  });
}

main();
