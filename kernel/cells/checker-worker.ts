/**
 * The checker thread: loads TypeScript and the cell converter, warms them on a first cell that
 * imports the runtime (so the lib and runtime declarations are parsed before the user's first
 * cell), then answers convert/complete/inspect/isComplete/diagnose requests from the I/O worker.
 * Running in its own thread, it answers editor requests even while a cell runs.
 */
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import type { CheckerReply, CheckerRequest } from "../executor/messages.js";
import { createCellConverter, type CellConverter } from "./converter.js";

interface CheckerData {
  runtimeTypes: string;
}

/** How long the checker waits for a request before it warms up on its own. */
const IDLE_MS = 15;

const WARM_CELL =
  'import * as warmRuntime from "cotangent";\nconst warmValue: number = 1;\nwarmValue';

/** Declarations of converted cells, by request, until their cell ends. */
const pending = new Map<number, string>();

function answer(converter: CellConverter, request: CheckerRequest): CheckerReply | undefined {
  const { seq } = request;
  switch (request.kind) {
    case "convert": {
      const converted = converter.convert(request.code);
      const reusable = converter.reusable(request.code, converted);
      pending.clear();
      if (converted.declarations !== undefined) pending.set(seq, converted.declarations);
      return { kind: "converted", seq, result: converted.result, reusable };
    }
    case "commit": {
      const declarations = pending.get(seq);
      if (declarations !== undefined) converter.keep(declarations);
      pending.delete(seq);
      return undefined;
    }
    case "complete":
      return { kind: "completed", seq, ...converter.complete(request.code, request.cursor) };
    case "inspect":
      return {
        kind: "inspected",
        seq,
        ...converter.inspect(request.code, request.cursor, request.detailLevel),
      };
    case "isComplete":
      return { kind: "isCompleted", seq, ...converter.isComplete(request.code) };
    case "diagnose":
      return { kind: "diagnosed", seq, diagnostics: converter.diagnose(request.code) };
  }
}

function main(): void {
  const parent = parentPort;
  if (!parent) throw new Error("checker-worker: must run as a worker thread");
  const data = workerData as CheckerData;
  const started = Date.now();
  const converter = createCellConverter({ runtimeTypes: data.runtimeTypes });
  const ready: CheckerReply = {
    kind: "warm",
    typescript: converter.typescriptVersion,
    ms: Date.now() - started,
  };
  parent.once("message", (message: { kind: "port"; port: MessagePort }) => {
    serve(converter, message.port, ready);
  });
}

/**
 * Answer the I/O thread's requests on its port, one at a time. While no request waits, check a
 * cell that imports the runtime once, so the runtime's declarations are parsed before a cell
 * needs them; then keep TypeScript's compiled code for the next kernels.
 */
function serve(converter: CellConverter, port: MessagePort, ready: CheckerReply): void {
  let warm = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const warmWhenIdle = (): void => {
    if (warm) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      warm = true;
      converter.convert(WARM_CELL);
      converter.saveCodeCache();
    }, IDLE_MS);
  };
  port.postMessage(ready);
  port.on("message", (request: CheckerRequest) => {
    if (timer !== undefined) clearTimeout(timer);
    let reply: CheckerReply | undefined;
    try {
      reply = answer(converter, request);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      reply = { kind: "failed", seq: request.seq, message };
    }
    if (reply) port.postMessage(reply);
    warmWhenIdle();
  });
  warmWhenIdle();
}

main();
