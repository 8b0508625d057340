/**
 * The kernel client: starts the executor as a child process, talks to it over the framed pipe on
 * fd 3 (kernel/transport), and turns its events into callbacks per cell. Used by both front ends
 * (kernel/jupyter and the VS Code extension).
 *
 * The client outlives the executor: when the executor dies (process.exit, out of memory, a
 * crash) the client classifies the exit, ends the running cell with a clear error and
 * `status: "error"`, and the next request starts a fresh executor.
 *
 * I/O is passed in (`spawn`), so the client is testable with a fake child and no process.
 */
import { spawn as nodeSpawn } from "node:child_process";
import { readFileSync } from "node:fs";
import type { Readable, Writable } from "node:stream";
import type {
  ClearEvent,
  CompleteReply,
  DiagnoseReply,
  DisplayEvent,
  DoneEvent,
  ErrorEvent,
  ExecutorEvent,
  ExecutorRequest,
  ExploreEvent,
  InputEvent,
  InspectReply,
  IsCompleteReply,
  ReadyEvent,
  ResultEvent,
  StreamEvent,
} from "./protocol.js";
import { attachChannel, CHANNEL_FD, type Channel } from "./transport.js";
import { MIME, type MimeBundle } from "./shared/payloads.js";

/** The parts of a child process the client uses (Node's ChildProcess has them all). */
export interface ChildLike {
  readonly pid?: number | undefined;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  readonly stdio: readonly unknown[];
  kill(signal?: NodeJS.Signals | number): boolean;
  once(
    event: "exit",
    listener: (code: number | null, signal: NodeJS.Signals | null) => void,
  ): unknown;
  once(event: "error", listener: (error: Error) => void): unknown;
}

export type SpawnFn = (
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
) => ChildLike;

export interface KernelClientOptions {
  /** The executor bundle (dist/kernel/executor.cjs). */
  executorPath: string;
  /** The Node binary; defaults to the one running the client. */
  nodePath?: string;
  /** Extra Node flags for the executor, e.g. ["--max-old-space-size=64"]. */
  nodeArgs?: string[];
  /** The notebook's folder: packages and local modules resolve from here. */
  cwd: string;
  env?: NodeJS.ProcessEnv;
  spawn?: SpawnFn;
  /** Output the executor wrote to its real stdout/stderr while no cell was running. */
  onOutput?: (name: "stdout" | "stderr", text: string) => void;
}

export type KernelState = "starting" | "idle" | "busy" | "dead";

/** How the executor process ended. */
export interface ExitInfo {
  /** exit: it exited with a code; signal: killed by a signal; oom: V8 ran out of heap; crash: a fatal error. */
  reason: "exit" | "signal" | "oom" | "crash";
  code: number | null;
  signal: string | null;
  /** True when the client asked for it (shutdown or restart). */
  expected: boolean;
  /** One sentence for people, e.g. "The kernel died (out of memory)." */
  message: string;
  /** The last lines the executor wrote to stderr. */
  stderrTail: string;
}

export interface ExecuteHandlers {
  onStream?(event: StreamEvent): void;
  onDisplay?(event: DisplayEvent): void;
  onResult?(event: ResultEvent): void;
  onError?(event: ErrorEvent): void;
  onClear?(event: ClearEvent): void;
  /**
   * Answer the cell's `await input(prompt)`: resolve with the text typed; reject (with an Error
   * whose message says why) when there is no answer. Without this handler the cell's input()
   * throws, saying this front end does not take input.
   */
  onInput?(event: InputEvent): Promise<string>;
}

export interface KernelClient {
  readonly state: KernelState;
  /** Versions reported by the running executor (undefined before the first start). */
  readonly ready: ReadyEvent | undefined;
  start(): Promise<ReadyEvent>;
  execute(
    code: string,
    handlers?: ExecuteHandlers,
    options?: { silent?: boolean },
  ): Promise<DoneEvent>;
  complete(code: string, cursor: number): Promise<CompleteReply>;
  inspect(code: string, cursor: number, detailLevel?: 0 | 1): Promise<InspectReply>;
  isComplete(code: string): Promise<IsCompleteReply>;
  diagnose(code: string): Promise<DiagnoseReply>;
  /** Stop the running cell (and the queued ones); state is kept. */
  interrupt(): void;
  /** Kill the executor and start a fresh one. */
  restart(): Promise<ReadyEvent>;
  shutdown(): Promise<void>;
  onExit(listener: (info: ExitInfo) => void): () => void;
  /**
   * Move an explore view: the executor keeps the latest pending move per view and computes it
   * between cells; the frame, error or closed event (a superseded move gets none) goes to the
   * `onExplore` listeners. Returns the request id the answer carries.
   */
  exploreMove(viewId: string, seq: number, x: number[]): string;
  /** The front end no longer shows the view. */
  exploreRelease(viewId: string): void;
  /**
   * True when the running executor showed the view (an explore bundle in a display or result
   * of this session) and has not closed or released it since: what answers a view that mounts.
   */
  exploreKnows(viewId: string): boolean;
  onExplore(listener: (event: ExploreEvent) => void): () => void;
  onStateChange(listener: (state: KernelState) => void): () => void;
}

const STDERR_TAIL = 16_384;
/** How long a shutdown waits for the executor to exit by itself before killing it. */
const EXECUTOR_KILL_GRACE_MS = 1_500;

/** Classify an exit from its code, signal and what V8 printed before dying. */
export function classifyExit(
  code: number | null,
  signal: string | null,
  stderrTail: string,
  expected: boolean,
  oomKilled?: boolean,
): ExitInfo {
  const oom = /heap out of memory|Reached heap limit|Allocation failed - JavaScript heap/i.test(
    stderrTail,
  );
  const fatal = /FATAL ERROR|Fatal error in|Segmentation fault|Check failed/i.test(stderrTail);
  let reason: ExitInfo["reason"];
  let message: string;
  if (expected && !oom) {
    reason = signal !== null ? "signal" : "exit";
    message = "The kernel was shut down.";
  } else if (oom) {
    reason = "oom";
    message = "The kernel died (out of memory).";
  } else if (fatal || signal === "SIGSEGV" || signal === "SIGABRT" || signal === "SIGBUS") {
    reason = "crash";
    message = `The kernel crashed (${signal ?? `exit code ${String(code)}`}).`;
  } else if (signal !== null) {
    // SIGKILL is what the system's out-of-memory killer sends (the executor stops cells before
    // its own limit); oomKilled says whether it acted meanwhile (undefined: this system cannot tell)
    reason = "signal";
    const cause = signal === "SIGKILL" ? sigkillCause(oomKilled) : "";
    message = `The kernel was killed by ${signal}${cause}.`;
  } else {
    reason = "exit";
    message = `The kernel exited with code ${String(code)}.`;
  }
  return { reason, code, signal, expected, message, stderrTail };
}

function sigkillCause(oomKilled: boolean | undefined): string {
  if (oomKilled === undefined) return " (by another process, or by the system when memory ran out)";
  return oomKilled ? " (probably out of memory: the system's out-of-memory killer acted)" : "";
}

/**
 * How many processes the system's out-of-memory killer has ended since boot (Linux's
 * /proc/vmstat `oom_kill`, which counts container limits too), or undefined where it cannot be read.
 */
function oomKillCount(): number | undefined {
  try {
    const match = /^oom_kill (\d+)$/m.exec(readFileSync("/proc/vmstat", "utf8"));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

interface PendingCell {
  kind: "execute";
  /** A silent cell takes no execution count. */
  silent: boolean;
  handlers: ExecuteHandlers;
  resolve(done: DoneEvent): void;
}

interface PendingReply {
  kind: "reply";
  resolve(reply: ExecutorEvent): void;
  reject(error: Error): void;
}

/** One running executor process and its channel. */
interface Session {
  child: ChildLike;
  channel: Channel<ExecutorRequest>;
  ready: Promise<ReadyEvent>;
  stderrTail: string;
  expectedExit: boolean;
  exited: Promise<void>;
}

export function createKernelClient(options: KernelClientOptions): KernelClient {
  const spawn: SpawnFn = options.spawn ?? defaultSpawn;
  const pending = new Map<string, PendingCell | PendingReply>();
  const exitListeners = new Set<(info: ExitInfo) => void>();
  const stateListeners = new Set<(state: KernelState) => void>();
  const exploreListeners = new Set<(event: ExploreEvent) => void>();
  /** The explore views the current session's outputs showed (cleared by every new session). */
  const liveViews = new Set<string>();
  let session: Session | undefined;
  let state: KernelState = "dead";
  let ready: ReadyEvent | undefined;
  let nextId = 0;
  let executionCount = 0;

  function setState(next: KernelState): void {
    if (next === state) return;
    state = next;
    for (const listener of stateListeners) listener(next);
  }

  function refreshBusy(): void {
    if (state === "dead" || state === "starting") return;
    const running = [...pending.values()].some((p) => p.kind === "execute");
    setState(running ? "busy" : "idle");
  }

  function currentCell(): PendingCell | undefined {
    for (const p of pending.values()) if (p.kind === "execute") return p;
    return undefined;
  }

  function launch(): Session {
    liveViews.clear();
    const current = startSession(options, spawn, {
      onEvent(event) {
        if (event.type === "ready") {
          ready = event;
          if (session === current) setState("idle");
          refreshBusy();
        } else if (session === current) {
          dispatch(event);
        }
      },
      onRaw: (name, text) => forwardRaw(current, name, text),
      onExit(info) {
        if (session === current) {
          session = undefined;
          setState("dead");
          failPending(info);
          // The next executor counts from 1 again.
          executionCount = 0;
        }
        for (const listener of exitListeners) listener(info);
      },
    });
    return current;
  }

  function forwardRaw(owner: Session, name: "stdout" | "stderr", text: string): void {
    if (session !== owner) return;
    const cell = currentCell();
    const id = [...pending.entries()].find(([, p]) => p === cell)?.[0];
    if (cell && id !== undefined) cell.handlers.onStream?.({ type: "stream", id, name, text });
    else options.onOutput?.(name, text);
  }

  function failPending(info: ExitInfo): void {
    const entries = [...pending.entries()];
    pending.clear();
    const running = entries.find(([, p]) => p.kind === "execute")?.[0];
    for (const [id, p] of entries) {
      if (p.kind === "reply") {
        p.reject(new Error(`${info.message} The request was not answered.`));
        continue;
      }
      if (info.expected && id !== running) {
        p.resolve({ type: "done", id, status: "interrupted", executionCount });
        continue;
      }
      const where = id === running ? "while running this cell" : "before this cell ran";
      // The running cell had taken the next count when it started; the others never ran.
      const count = id === running && !p.silent ? executionCount + 1 : executionCount;
      const evalue = `${info.message.replace(/\.$/, "")} ${where}. Its state is lost; the next cell starts a fresh kernel.`;
      p.handlers.onError?.({
        type: "error",
        id,
        ename: info.reason === "oom" ? "KernelOutOfMemory" : "KernelDied",
        evalue,
        traceback: [evalue, ...tailLines(info.stderrTail)],
      });
      p.resolve({ type: "done", id, status: "error", executionCount: count });
    }
  }

  /** Records the explore views a display shows (the executor's events are not trusted here). */
  function noteViews(data: MimeBundle | undefined): void {
    if (typeof data !== "object" || data === null) return;
    const payload = data[MIME.explore] as { viewId?: unknown } | null | undefined;
    if (typeof payload === "object" && typeof payload?.viewId === "string") {
      liveViews.add(payload.viewId);
    }
  }

  function explored(event: ExploreEvent): void {
    for (const listener of exploreListeners) listener(event);
  }

  function dispatch(event: ExecutorEvent): void {
    if (event.type === "ready") return;
    if (event.type === "exploreFrame" || event.type === "exploreError") return explored(event);
    if (event.type === "exploreClosed") {
      liveViews.delete(event.viewId);
      return explored(event);
    }
    if (event.type === "display" || event.type === "result") noteViews(event.data);
    const target = pending.get(event.id);
    if (!target) return;
    if (target.kind === "reply") {
      pending.delete(event.id);
      target.resolve(event);
      return;
    }
    const h = target.handlers;
    switch (event.type) {
      case "stream":
        h.onStream?.(event);
        break;
      case "display":
        h.onDisplay?.(event);
        break;
      case "result":
        h.onResult?.(event);
        break;
      case "error":
        h.onError?.(event);
        break;
      case "clear":
        h.onClear?.(event);
        break;
      case "input":
        answerInput(event, h);
        break;
      case "done":
        executionCount = event.executionCount;
        pending.delete(event.id);
        target.resolve(event);
        refreshBusy();
        break;
      default:
        break;
    }
  }

  /** Ask the cell's front end for its `input()`; the executor gets the text or the reason. */
  function answerInput(event: InputEvent, handlers: ExecuteHandlers): void {
    const asked = session;
    const send = (answer: { value: string } | { reason: string }): void => {
      if (session === asked) asked?.channel.send({ type: "inputReply", id: event.id, ...answer });
    };
    if (!handlers.onInput) {
      send({ reason: "this front end does not take input" });
      return;
    }
    handlers.onInput(event).then(
      (value) => send({ value }),
      (error: unknown) => send({ reason: error instanceof Error ? error.message : String(error) }),
    );
  }

  async function ensureStarted(): Promise<Session> {
    if (!session) {
      setState("starting");
      session = launch();
    }
    const current = session;
    await current.ready;
    return current;
  }

  function freshId(): string {
    nextId += 1;
    return `r${nextId}`;
  }

  async function request<T extends ExecutorEvent>(
    make: (id: string) => ExecutorRequest,
    replyType: T["type"],
  ): Promise<T> {
    const current = await ensureStarted();
    const id = freshId();
    const reply = new Promise<ExecutorEvent>((resolve, reject) => {
      pending.set(id, { kind: "reply", resolve, reject });
    });
    current.channel.send(make(id));
    const event = await reply;
    if (event.type !== replyType) {
      throw new Error(`kernel client: expected ${replyType} but the executor sent ${event.type}`);
    }
    return event as T;
  }

  async function stop(current: Session): Promise<void> {
    current.expectedExit = true;
    current.channel.send({ type: "shutdown" });
    const timer = setTimeout(() => current.child.kill("SIGKILL"), EXECUTOR_KILL_GRACE_MS);
    await current.exited;
    clearTimeout(timer);
  }

  return {
    get state() {
      return state;
    },
    get ready() {
      return ready;
    },
    async start() {
      const current = await ensureStarted();
      return current.ready;
    },
    async execute(code, handlers = {}, executeOptions = {}) {
      const current = await ensureStarted();
      const id = freshId();
      const done = new Promise<DoneEvent>((resolve) => {
        pending.set(id, {
          kind: "execute",
          silent: executeOptions.silent === true,
          handlers,
          resolve,
        });
      });
      refreshBusy();
      const silent = executeOptions.silent === true ? { silent: true } : {};
      current.channel.send({ type: "execute", id, code, ...silent });
      return done;
    },
    complete: (code, cursor) =>
      request<CompleteReply>((id) => ({ type: "complete", id, code, cursor }), "completeReply"),
    inspect: (code, cursor, detailLevel = 0) =>
      request<InspectReply>(
        (id) => ({ type: "inspect", id, code, cursor, detailLevel }),
        "inspectReply",
      ),
    isComplete: (code) =>
      request<IsCompleteReply>((id) => ({ type: "isComplete", id, code }), "isCompleteReply"),
    diagnose: (code) =>
      request<DiagnoseReply>((id) => ({ type: "diagnose", id, code }), "diagnoseReply"),
    interrupt() {
      session?.channel.send({ type: "interrupt" });
    },
    async restart() {
      if (session) await stop(session);
      executionCount = 0;
      return this.start();
    },
    async shutdown() {
      if (session) await stop(session);
    },
    exploreMove(viewId, seq, x) {
      const id = freshId();
      const current = session;
      if (current && state !== "starting") {
        current.channel.send({ type: "exploreMove", id, viewId, seq, x });
      } else {
        const reason = "the kernel is not running: run the cell to explore";
        queueMicrotask(() => explored({ type: "exploreClosed", id, viewId, reason }));
      }
      return id;
    },
    exploreRelease(viewId) {
      liveViews.delete(viewId);
      session?.channel.send({ type: "exploreRelease", viewId });
    },
    exploreKnows(viewId) {
      return session !== undefined && state !== "dead" && liveViews.has(viewId);
    },
    onExplore(listener) {
      exploreListeners.add(listener);
      return () => exploreListeners.delete(listener);
    },
    onExit(listener) {
      exitListeners.add(listener);
      return () => exitListeners.delete(listener);
    },
    onStateChange(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
  };
}

interface SessionHooks {
  onEvent(event: ExecutorEvent): void;
  onRaw(name: "stdout" | "stderr", text: string): void;
  onExit(info: ExitInfo): void;
}

/** Spawn an executor and frame its channel; `ready` settles on its ready event or its exit. */
function startSession(options: KernelClientOptions, spawn: SpawnFn, hooks: SessionHooks): Session {
  const nodePath = options.nodePath ?? process.execPath;
  const args = [...(options.nodeArgs ?? []), options.executorPath];
  const env = { ...(options.env ?? process.env) };
  const child = spawn(nodePath, args, { cwd: options.cwd, env });
  const pipe = child.stdio[CHANNEL_FD] as (Readable & Writable) | undefined;
  if (!pipe) throw new Error(`kernel client: the executor has no channel on fd ${CHANNEL_FD}`);
  let resolveReady!: (event: ReadyEvent) => void;
  let rejectReady!: (error: Error) => void;
  const ready = new Promise<ReadyEvent>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  ready.catch(() => undefined);
  let resolveExited!: () => void;
  const exited = new Promise<void>((resolve) => (resolveExited = resolve));
  const channel = attachChannel<ExecutorEvent, ExecutorRequest>(pipe, pipe, {
    onMessage: (event) => {
      hooks.onEvent(event);
      if (event.type === "ready") resolveReady(event);
    },
    onError: (error) => options.onOutput?.("stderr", `${error.message}\n`),
  });
  const session: Session = { child, channel, ready, stderrTail: "", expectedExit: false, exited };
  const oomKillsAtStart = oomKillCount();
  child.stdout?.on("data", (chunk: Buffer) => hooks.onRaw("stdout", chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => {
    const text = chunk.toString();
    session.stderrTail = (session.stderrTail + text).slice(-STDERR_TAIL);
    hooks.onRaw("stderr", text);
  });
  child.once("error", (error: Error) => {
    rejectReady(new Error(`kernel client: could not start the executor: ${error.message}`));
  });
  child.once("exit", (code, signal) => {
    channel.close();
    const oomKills = oomKillCount();
    const oomKilled =
      oomKillsAtStart === undefined || oomKills === undefined
        ? undefined
        : oomKills > oomKillsAtStart;
    const info = classifyExit(code, signal, session.stderrTail, session.expectedExit, oomKilled);
    rejectReady(new Error(`${info.message}${tailHint(info.stderrTail)}`));
    hooks.onExit(info);
    resolveExited();
  });
  return session;
}

function tailLines(stderrTail: string): string[] {
  return stderrTail
    .split("\n")
    .filter((line) => line.trim() !== "")
    .slice(-8);
}

function tailHint(stderrTail: string): string {
  const lines = tailLines(stderrTail);
  return lines.length > 0 ? `\n${lines.join("\n")}` : "";
}

const defaultSpawn: SpawnFn = (command, args, options) =>
  nodeSpawn(command, [...args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe", "pipe"],
  });
