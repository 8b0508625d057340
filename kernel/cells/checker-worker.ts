/**
 * The checker thread: loads TypeScript and the cell converter, then answers convert/complete/
 * inspect/isComplete/diagnose requests from the I/O worker. Running in its own thread, it answers
 * editor requests even while a cell runs. While no request waits, it warms up: first a cell that
 * imports the runtime (so the runtime's declarations are parsed before the user's first cell),
 * then a series of small cells, so TypeScript's checker is compiled and optimised before the
 * user's cells need it (a fresh kernel checks its first hundred cells about half again slower).
 */
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import type { CheckerReply, CheckerRequest } from "../executor/messages.js";
import { createCellConverter, type CellConverter } from "./converter.js";

interface CheckerData {
  runtimeTypes: string;
}

/** How long the checker waits for a request before it warms up on its own. */
const IDLE_MS = 15;

/** How many cells the checker warms up on (one at a time, only while idle). */
const WARM_STEPS = 40;

/** The warm-up cells: the runtime's import first, then the kinds of cell users write. */
function warmCell(step: number): string {
  if (step === 0) {
    return 'import * as warmRuntime from "cotangent";\nconst warmValue: number = 1;\nwarmValue';
  }
  switch (step % 4) {
    case 0:
      return `${step} * 2 + 1`;
    case 1:
      return `const warm${step} = [${step}, 2, 3].map((x) => x * 2);\nwarm${step}.length`;
    case 2:
      return [
        'import { grad, tensor, sum } from "cotangent";',
        `const f${step} = (x: number) => x * ${step};`,
        `const t${step} = sum(tensor([1, 2]).mul(${step}));`,
        `grad((v: number) => f${step}(v) * v)(${step})`,
      ].join("\n");
    default:
      return [
        `interface Warm${step} { x: number; label: string }`,
        `function warmed${step}(p: Warm${step}): string { return p.label + String(p.x); }`,
        `warmed${step}({ x: ${step}, label: "w" })`,
      ].join("\n");
  }
}

/** Converted cells (their code and declarations), by request, until their cell ends. */
const pending = new Map<number, { code: string; declarations: string }>();

function answer(converter: CellConverter, request: CheckerRequest): CheckerReply | undefined {
  const { seq } = request;
  switch (request.kind) {
    case "convert": {
      const converted = converter.convert(request.code);
      const reusable = converter.reusable(request.code, converted);
      pending.clear();
      const { declarations } = converted;
      if (declarations !== undefined) pending.set(seq, { code: request.code, declarations });
      return { kind: "converted", seq, result: converted.result, reusable };
    }
    case "commit": {
      const cell = pending.get(seq);
      if (cell && request.reached) converter.keepReached(cell.code, new Set(request.reached));
      else if (cell) converter.keep(cell.declarations);
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
 * Answer the I/O thread's requests on its port, one at a time. Whenever no request has come for
 * IDLE_MS, take one warm-up step (see the module comment); keep TypeScript's compiled code for the
 * next kernels after the first step and after the last.
 */
function serve(converter: CellConverter, port: MessagePort, ready: CheckerReply): void {
  let step = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const warmWhenIdle = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    if (step > WARM_STEPS) return;
    timer = setTimeout(() => {
      converter.warm(warmCell(step));
      if (step === 0 || step === WARM_STEPS) converter.saveCodeCache();
      step += 1;
      warmWhenIdle();
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
