/**
 * The executor's I/O thread: owns the pipe to the front end (fd 3), runs one cell at a time
 * (checker → main thread), answers editor requests through the checker, and interrupts.
 *
 * Because this thread never runs user code, it stays responsive while a cell loops: events the
 * main thread posts (stdout, live trace updates) go out at once, and an interrupt stops the main
 * thread with `Runtime.terminateExecution` through an inspector session. That unwinds the main
 * thread's whole stack, so the cell never reports back: once the termination has happened, the
 * main thread is asked for the cell's bound names (and sends its live displays' last updates),
 * then this thread ends the cell as interrupted and drops anything it still sends.
 */
import { Session } from "node:inspector";
import { Socket } from "node:net";
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import type {
  ExecuteRequest,
  ExecutorEvent,
  ExecutorRequest,
  ExploreMoveRequest,
} from "../protocol.js";
import { PROTOCOL_VERSION } from "../protocol.js";
import { attachChannel, CHANNEL_FD } from "../transport.js";
import { compileErrorEvent } from "./errors.js";
import { createMoveQueue } from "./moves.js";
import { createMemoryWatch, memoryLimit, outOfMemoryText, type MemoryLimit } from "./memory.js";
import { checkRequest } from "./requests.js";
import { createStreamCoalescer } from "./streams.js";
import type {
  CheckerReply,
  CheckerRequest,
  ConvertResult,
  MainReply,
  MainRequest,
} from "./messages.js";

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface Running {
  request: ExecuteRequest;
  executionCount: number;
  /** The checker's number for the conversion (to keep its declarations). */
  seq: number;
  phase: "checking" | "running";
  /** Whether the cell's declarations are kept when it ends well (they may differ). */
  commit: boolean;
}

type OkConversion = Extract<ConvertResult, { ok: true }>;

const main = parentPort;
if (!main) throw new Error("io-worker: must run as a worker thread");
const checker = (workerData as { checkerPort: MessagePort }).checkerPort;

/**
 * Stop whatever JavaScript the main thread runs now, and call `done` once it has stopped.
 *
 * `Runtime.terminateExecution` kills the JavaScript running on the main thread, or — when the
 * thread is idle (a cell awaiting `input()` or a timer) — the next JavaScript it runs, and answers
 * only then. So while the answer is due, the main thread is poked with `poke` (a harmless,
 * idempotent message): one of them is the victim, and the rest run normally. The inspector
 * session is opened only for this (a session left open makes Node wait for "the debugger" at exit).
 */
function terminateMain(poke: () => void, done: () => void): void {
  const session = new Session();
  session.connectToMainThread();
  const pokes = setInterval(poke, TERMINATE_POKE_MS);
  session.post("Runtime.terminateExecution", () => {
    clearInterval(pokes);
    session.disconnect();
    done();
  });
  poke();
}

/** How often an idle main thread is given something to terminate. */
const TERMINATE_POKE_MS = 5;

const socket = new Socket({ fd: CHANNEL_FD, readable: true, writable: true });
const channel = attachChannel<{ type: string } & Record<string, unknown>, ExecutorEvent>(
  socket,
  socket,
  {
    onMessage: receive,
    onError: (error) => process.stderr.write(`executor: ${error.message}\n`),
    // The front end is gone: nobody can see this kernel any more.
    onClose: () => process.kill(process.pid, "SIGKILL"),
  },
);

const queue: ExecuteRequest[] = [];
/** Interrupted cells: what the main thread still reports as their end is ignored. */
const abandoned = new Set<string>();
/** Interrupted cells that have ended: anything they still send is dropped. */
const silenced = new Set<string>();
const checkerWaiting = new Map<number, (reply: CheckerReply) => void>();
let running: Running | undefined;
/** Explore moves wait here while a cell runs; one is computed at a time, between cells. */
const moves = createMoveQueue();
let computing: ExploreMoveRequest | undefined;
let terminating = false;
let executionCount = 0;
let nextSeq = 0;
/** The memory guard: the process's resident memory, sampled while a cell runs (memory.ts). */
const memoryWatch = createMemoryWatch({
  sample: () => process.memoryUsage.rss(),
  onOver: outOfMemory,
});

// Every event goes out through the coalescer: a cell's stdout/stderr writes leave as one
// `stream` event per ~16 ms, in order with everything else. It runs on this thread, whose timers
// fire while the main thread spins, so text printed before a `while (true) {}` still goes out.
const streams = createStreamCoalescer({ emit: (event) => channel.send(event) });

function emit(event: ExecutorEvent): void {
  streams.emit(event);
}

function askChecker(request: DistributiveOmit<CheckerRequest, "seq">): Promise<CheckerReply> {
  nextSeq += 1;
  const seq = nextSeq;
  return new Promise((resolve) => {
    checkerWaiting.set(seq, resolve);
    checker.postMessage({ ...request, seq });
  });
}

checker.on("message", (reply: CheckerReply) => {
  if (reply.kind === "warm") return;
  const waiting = checkerWaiting.get(reply.seq);
  checkerWaiting.delete(reply.seq);
  waiting?.(reply);
});

function finish(status: "ok" | "error" | "interrupted"): void {
  memoryWatch.stop();
  if (!running) return;
  emit({ type: "done", id: running.request.id, status, executionCount: running.executionCount });
  running = undefined;
  pump();
}

function internalError(id: string, message: string): void {
  emit({ type: "error", id, ename: "InternalError", evalue: message, traceback: [message] });
}

/**
 * Conversions of cells that declare nothing new (`1`, `plot(x)`), by code: the checker's answer
 * for them stands until a cell changes the declarations, so a re-run goes straight to the main
 * thread. Cleared whenever a cell's declarations are kept.
 */
const reused = new Map<string, OkConversion>();
const REUSED_KEPT = 64;

function remember(code: string, result: OkConversion): void {
  if (reused.size >= REUSED_KEPT) reused.delete(reused.keys().next().value!);
  reused.set(code, result);
}

/**
 * Keep the declarations of the conversion `seq`: all (its cell ran to the end), or those of the
 * top-level names in `reached` (it stopped early).
 */
function commit(seq: number, reached?: string[]): void {
  reused.clear();
  const request: CheckerRequest = { kind: "commit", seq, ...(reached ? { reached } : {}) };
  checker.postMessage(request);
}

/** An interrupted cell whose bound names the main thread is about to tell. */
let awaitingAbandoned:
  | { id: string; seq: number; commit: boolean; oom?: { used: number; limit: MemoryLimit } }
  | undefined;

/** Between cells, the pending explore moves first (one per view), then the next cell. */
function pump(): void {
  if (running || terminating || computing) return;
  const move = moves.take();
  if (move) {
    computing = move;
    main?.postMessage({ kind: "exploreMove", request: move } satisfies MainRequest);
    return;
  }
  const request = queue.shift();
  if (!request) return;
  if (request.silent !== true) executionCount += 1;
  const current: Running = { request, executionCount, seq: 0, phase: "checking", commit: false };
  running = current;
  const known = reused.get(request.code);
  if (known) return start(current, known);
  void askChecker({ kind: "convert", code: request.code }).then((reply) => {
    if (running !== current) return;
    if (reply.kind !== "converted") {
      internalError(request.id, reply.kind === "failed" ? reply.message : "unexpected reply");
      return finish("error");
    }
    const result = reply.result;
    if (!result.ok) {
      emit(compileErrorEvent(request.id, request.code, result.errors));
      return finish("error");
    }
    current.seq = reply.seq;
    current.commit = !reply.reusable;
    if (reply.reusable) remember(request.code, result);
    start(current, result);
  });
}

/** Run a converted cell on the main thread (a cell of types only ends at once). */
function start(current: Running, result: OkConversion): void {
  const { request } = current;
  if (result.code === undefined) {
    if (current.commit) commit(current.seq);
    return finish("ok");
  }
  current.phase = "running";
  memoryWatch.start(memoryLimit(process.env["COTANGENT_MEMORY_LIMIT"]));
  const run: MainRequest = {
    kind: "run",
    id: request.id,
    executionCount: current.executionCount,
    silent: request.silent === true,
    code: result.code,
    source: request.code,
    prologue: result.prologue,
    packages: result.packages,
    maps: result.maps,
    lastExpressionVar: result.lastExpressionVar,
    hasTopLevelAwait: result.hasTopLevelAwait,
    sideModules: result.sideModules,
  };
  main?.postMessage(run);
}

function interruptedMove(move: ExploreMoveRequest): ExecutorEvent {
  const evalue = "The computation was interrupted; the view keeps its last frame.";
  return {
    type: "exploreError",
    id: move.id,
    viewId: move.viewId,
    seq: move.seq,
    ename: "Interrupted",
    evalue,
  };
}

/** Drop the pending moves and stop the one being computed (a slow f); explorers are kept. */
function interruptMoves(): void {
  for (const move of moves.clear()) emit(interruptedMove(move));
  const move = computing;
  if (!move) return;
  computing = undefined;
  abandoned.add(move.id);
  silenced.add(move.id);
  const poke = (): void => main?.postMessage({ kind: "poke" } satisfies MainRequest);
  terminating = true;
  terminateMain(poke, () => {
    poke();
    terminating = false;
    pump();
  });
  emit(interruptedMove(move));
}

function interrupt(): void {
  const current = running;
  for (const queued of queue.splice(0)) {
    emit({ type: "done", id: queued.id, status: "interrupted", executionCount });
  }
  // No cell runs: the interrupt is for the explore move being computed (a slow f). Moves that
  // wait for a running cell are kept: they are computed once it has stopped.
  if (!current) return interruptMoves();
  if (abandoned.has(current.request.id) || terminating) return;
  const id = current.request.id;
  abandoned.add(id);
  // The cell ends when the main thread answers (after its live displays' last updates).
  if (current.phase === "running") return stopRunningCell(current);
  endInterrupted(id);
}

/**
 * Stops the running cell's JavaScript (an interrupt, or `oom` for the memory guard). The abandon
 * may itself be the message the termination kills: it is sent again (it is idempotent) until the
 * termination has happened, and once more after it, before any later cell's run (the main thread
 * reads its messages in order). The final abandon asks which names the cell had bound: they are
 * kept before the next cell — or, past the memory limit, dropped so their memory is freed.
 */
function stopRunningCell(current: Running, oom?: { used: number; limit: MemoryLimit }): void {
  const id = current.request.id;
  const abandon = (): void => main?.postMessage({ kind: "abandon", id } satisfies MainRequest);
  terminating = true;
  const { seq, commit: keeps } = current;
  terminateMain(abandon, () => {
    awaitingAbandoned = { id, seq, commit: keeps, ...(oom ? { oom } : {}) };
    const final = { kind: "abandon", id, final: true, ...(oom ? { drop: true } : {}) } as const;
    main?.postMessage(final satisfies MainRequest);
  });
}

/** The running cell went over the memory limit: stop it and end it with the error. */
function outOfMemory(used: number, limit: MemoryLimit): void {
  const current = running;
  if (current?.phase !== "running" || abandoned.has(current.request.id) || terminating) return;
  abandoned.add(current.request.id);
  stopRunningCell(current, { used, limit });
}

function endOutOfMemory(id: string, used: number, limit: MemoryLimit, dropped: string[]): void {
  endStopped(id, "OutOfMemory", outOfMemoryText(used, limit, dropped), "error");
}

/** End the running cell `id` as interrupted; whatever it still sends is dropped. */
function endInterrupted(id: string): void {
  endStopped(id, "Interrupted", "The cell was interrupted.", "interrupted");
}

/** End the stopped cell `id` with this error; whatever it still sends is dropped. */
function endStopped(
  id: string,
  ename: string,
  evalue: string,
  status: "error" | "interrupted",
): void {
  silenced.add(id);
  emit({ type: "error", id, ename, evalue, traceback: [`${ename}: ${evalue}`] });
  finish(status);
}

async function reply(request: ExecutorRequest): Promise<void> {
  switch (request.type) {
    case "complete": {
      const r = await askChecker({ kind: "complete", code: request.code, cursor: request.cursor });
      if (r.kind !== "completed") return emit(noReply(request.id, "completeReply"));
      return emit({
        type: "completeReply",
        id: request.id,
        matches: r.matches,
        cursorStart: r.start,
        cursorEnd: r.end,
        details: r.details,
      });
    }
    case "inspect": {
      const r = await askChecker({
        kind: "inspect",
        code: request.code,
        cursor: request.cursor,
        detailLevel: request.detailLevel,
      });
      const found = r.kind === "inspected" && r.found;
      const text = r.kind === "inspected" ? r.text : "";
      return emit({ type: "inspectReply", id: request.id, found, text });
    }
    case "isComplete": {
      const r = await askChecker({ kind: "isComplete", code: request.code });
      if (r.kind !== "isCompleted") return emit(noReply(request.id, "isCompleteReply"));
      const indent = r.indent !== undefined ? { indent: r.indent } : {};
      return emit({ type: "isCompleteReply", id: request.id, status: r.status, ...indent });
    }
    case "diagnose": {
      const r = await askChecker({ kind: "diagnose", code: request.code });
      const diagnostics =
        r.kind === "diagnosed"
          ? r.diagnostics
              .filter((d) => d.file === undefined)
              .map((d) => ({
                message: d.message,
                start: d.start,
                end: d.end,
                severity: d.severity,
              }))
          : [];
      return emit({ type: "diagnoseReply", id: request.id, diagnostics });
    }
    default:
      return;
  }
}

/** The reply a request gets when the checker failed on it. */
function noReply(id: string, type: "completeReply" | "isCompleteReply"): ExecutorEvent {
  return type === "completeReply"
    ? { type, id, matches: [], cursorStart: 0, cursorEnd: 0 }
    : { type, id, status: "invalid" };
}

function shutdown(): void {
  const exit = (): void => main?.postMessage({ kind: "shutdown" } satisfies MainRequest);
  // A cell stuck in a loop cannot exit by itself: stop it first (the exit is also the poke).
  if (running?.phase === "running") terminateMain(exit, exit);
  else exit();
  setTimeout(() => process.kill(process.pid, "SIGKILL"), 1000).unref();
}

/** A message from the front end: checked, then handled; a malformed execute ends as an error. */
function receive(message: { type: string } & Record<string, unknown>): void {
  const checked = checkRequest(message);
  if (checked.ok) return handle(checked.request);
  process.stderr.write(`executor: ignored a request: ${checked.reason}\n`);
  if (message.type === "execute" && checked.id !== undefined) {
    internalError(checked.id, checked.reason);
    emit({ type: "done", id: checked.id, status: "error", executionCount });
  }
}

function handle(request: ExecutorRequest): void {
  switch (request.type) {
    case "execute":
      queue.push(request);
      return pump();
    case "interrupt":
      return interrupt();
    case "shutdown":
      return shutdown();
    case "exploreMove":
      moves.put(request);
      return pump();
    case "exploreRelease":
      moves.drop(request.viewId);
      main?.postMessage({ kind: "exploreRelease", viewId: request.viewId } satisfies MainRequest);
      return;
    case "inputReply":
      // A reply for a cell that ended (interrupted while it asked) answers nobody.
      if (running?.phase === "running" && running.request.id === request.id) {
        main?.postMessage({ kind: "input", reply: request } satisfies MainRequest);
      }
      return;
    default:
      void reply(request);
  }
}

main.on("message", (message: MainReply) => {
  switch (message.kind) {
    case "loaded":
      emit({
        type: "ready",
        protocol: PROTOCOL_VERSION,
        versions: {
          cotangent: message.cotangent,
          typescript: message.typescript,
          node: process.version,
        },
      });
      return;
    case "event":
      if ("id" in message.event && silenced.has(message.event.id)) return;
      return emit(message.event);
    case "exploreDone":
      if (abandoned.delete(message.id)) return;
      if (computing?.id === message.id) computing = undefined;
      return pump();
    case "finished": {
      if (abandoned.has(message.id)) {
        abandoned.delete(message.id);
        return;
      }
      if (running?.request.id !== message.id) return;
      if (message.status === "ok" && running.commit) commit(running.seq);
      else if (running.commit && message.reached) commit(running.seq, message.reached);
      return finish(message.status);
    }
    case "abandoned": {
      const waited = awaitingAbandoned;
      if (waited?.id !== message.id) return;
      awaitingAbandoned = undefined;
      // a cell stopped for memory keeps none of its declarations (its names were dropped)
      if (waited.commit) commit(waited.seq, waited.oom ? [] : message.reached);
      terminating = false;
      if (running?.request.id !== message.id) return pump();
      if (waited.oom === undefined) return endInterrupted(message.id);
      const { used, limit } = waited.oom;
      return endOutOfMemory(message.id, used, limit, message.dropped ?? []);
    }
  }
});
