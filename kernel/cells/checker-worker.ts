/**
 * The checker thread: loads TypeScript and tslab's converter, warms them on a first cell that
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

const WARM_CELL = 'import * as __warm from "cotangent";\nconst __x: number = 1;\n__x';

/** Declarations of converted cells, by request, until their cell ends. */
const pending = new Map<number, string>();

function answer(converter: CellConverter, request: CheckerRequest): CheckerReply | undefined {
  const { seq } = request;
  switch (request.kind) {
    case "convert": {
      const { result, declarations } = converter.convert(request.code);
      pending.clear();
      if (declarations !== undefined) pending.set(seq, declarations);
      return { kind: "converted", seq, result };
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
  converter.convert(WARM_CELL);
  pending.clear();
  const warm: CheckerReply = {
    kind: "warm",
    typescript: converter.typescriptVersion,
    ms: Date.now() - started,
  };
  parent.once("message", (message: { kind: "port"; port: MessagePort }) => {
    serve(converter, message.port, warm);
  });
}

/** Answer the I/O thread's requests on its port, one at a time. */
function serve(converter: CellConverter, port: MessagePort, warm: CheckerReply): void {
  port.postMessage(warm);
  port.on("message", (request: CheckerRequest) => {
    let reply: CheckerReply | undefined;
    try {
      reply = answer(converter, request);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      reply = { kind: "failed", seq: request.seq, message };
    }
    if (reply) port.postMessage(reply);
  });
}

main();
