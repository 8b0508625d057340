/**
 * Test doubles at the extension's boundary: a cell execution that keeps its outputs the way VS
 * Code does, and a kernel client whose cells are scripted per test.
 */
import type { ExecuteHandlers, ExitInfo, KernelClient, KernelState } from "../../kernel/client.js";
import type {
  DiagnoseReply,
  DoneEvent,
  ExploreEvent,
  ExploreMoveRequest,
  ReadyEvent,
} from "../../kernel/protocol.js";
import type { NotebookCellOutput, NotebookCellOutputItem } from "./fake-vscode.js";

type Item = NotebookCellOutputItem;
type Output = NotebookCellOutput;
function asArray<T extends object>(items: T | readonly T[]): T[] {
  const list: readonly T[] = items instanceof Array ? items : [items];
  return [...list];
}

export class FakeExecution {
  readonly outputs: Output[] = [];
  readonly log: string[] = [];
  executionOrder: number | undefined;
  success: boolean | undefined | "pending" = "pending";
  started = false;

  constructor(readonly cell: { document: { getText(): string }; outputs?: readonly unknown[] }) {}

  static forCode(code: string): FakeExecution {
    return new FakeExecution({ document: { getText: () => code } });
  }

  start(): void {
    this.started = true;
    this.log.push("start");
  }
  end(success: boolean | undefined): void {
    if (this.success !== "pending") throw new Error("end() called twice");
    this.success = success;
    this.log.push(`end:${String(success)}`);
  }
  clearOutput(): Promise<void> {
    this.outputs.length = 0;
    this.log.push("clear");
    return Promise.resolve();
  }
  appendOutput(out: Output | readonly Output[]): Promise<void> {
    this.outputs.push(...asArray(out));
    this.log.push("appendOutput");
    return Promise.resolve();
  }
  appendOutputItems(items: Item | readonly Item[], output: Output): Promise<void> {
    this.mustHave(output).items.push(...asArray(items));
    this.log.push("appendOutputItems");
    return Promise.resolve();
  }
  replaceOutputItems(items: Item | readonly Item[], output: Output): Promise<void> {
    this.mustHave(output).items = asArray(items);
    this.log.push("replaceOutputItems");
    return Promise.resolve();
  }

  /** Each output as "mime=text" strings of its items. */
  rendered(): string[][] {
    return this.outputs.map((o) =>
      o.items.map((i) => `${i.mime}=${new TextDecoder().decode(i.data)}`),
    );
  }

  private mustHave(output: Output): Output {
    if (!this.outputs.includes(output)) throw new Error("output is not in this cell");
    return output;
  }
}

export type CellScript = (
  code: string,
  handlers: ExecuteHandlers,
  id: string,
) => Promise<DoneEvent>;

const FAKE_READY: ReadyEvent = {
  type: "ready",
  protocol: 1,
  versions: { cotangent: "0.0.0", typescript: "0.0", node: "v0" },
};

export class FakeKernel implements KernelClient {
  state: KernelState = "idle";
  ready = undefined;
  readonly executed: string[] = [];
  interrupts = 0;
  shutdowns = 0;
  restarts = 0;
  starts = 0;
  private readonly exitListeners = new Set<(info: ExitInfo) => void>();
  private readonly stateListeners = new Set<(state: KernelState) => void>();
  private readonly exploreListeners = new Set<(event: ExploreEvent) => void>();
  /** The explore moves and releases sent, in order. */
  readonly moves: ExploreMoveRequest[] = [];
  readonly releases: string[] = [];
  private count = 0;
  private moveCount = 0;

  constructor(public script: CellScript = (_code, _h, id) => this.done(id, "ok")) {}

  done(id: string, status: DoneEvent["status"]): Promise<DoneEvent> {
    return Promise.resolve({ type: "done", id, status, executionCount: this.count });
  }

  start(): Promise<ReadyEvent> {
    this.starts += 1;
    return Promise.resolve(FAKE_READY);
  }
  async execute(code: string, handlers: ExecuteHandlers = {}): Promise<DoneEvent> {
    this.count += 1;
    this.executed.push(code);
    this.setState("busy");
    try {
      return await this.script(code, handlers, `r${this.count}`);
    } finally {
      this.setState("idle");
    }
  }
  complete(): Promise<never> {
    return Promise.reject(new Error("not used"));
  }
  inspect(): Promise<never> {
    return Promise.reject(new Error("not used"));
  }
  isComplete(): Promise<never> {
    return Promise.reject(new Error("not used"));
  }
  /** The code of each diagnose request, and how to answer the next one (default: no errors). */
  readonly diagnosed: string[] = [];
  diagnoseAnswer: () => Promise<DiagnoseReply> = () =>
    Promise.resolve({ type: "diagnoseReply", id: "d", diagnostics: [] });
  diagnose(code: string): Promise<DiagnoseReply> {
    this.diagnosed.push(code);
    return this.diagnoseAnswer();
  }
  interrupt(): void {
    this.interrupts += 1;
  }
  restart(): Promise<ReadyEvent> {
    this.restarts += 1;
    this.count = 0;
    return Promise.resolve(FAKE_READY);
  }
  shutdown(): Promise<void> {
    this.shutdowns += 1;
    return Promise.resolve();
  }
  onExit(listener: (info: ExitInfo) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }
  exploreMove(viewId: string, seq: number, x: number[]): string {
    this.moveCount += 1;
    const id = `m${this.moveCount}`;
    this.moves.push({ type: "exploreMove", id, viewId, seq, x });
    return id;
  }
  /** The viewIds this fake kernel's executor showed (set by tests). */
  readonly shownViews = new Set<string>();

  exploreKnows(viewId: string): boolean {
    return this.shownViews.has(viewId);
  }

  exploreRelease(viewId: string): void {
    this.releases.push(viewId);
  }
  onExplore(listener: (event: ExploreEvent) => void): () => void {
    this.exploreListeners.add(listener);
    return () => this.exploreListeners.delete(listener);
  }
  /** Answer as the executor would. */
  explore(event: ExploreEvent): void {
    for (const listener of this.exploreListeners) listener(event);
  }
  onStateChange(listener: (state: KernelState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  setState(state: KernelState): void {
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }
  exit(info: Partial<ExitInfo> = {}): void {
    this.setState("dead");
    const full: ExitInfo = {
      reason: "exit",
      code: 1,
      signal: null,
      expected: false,
      message: "The kernel exited with code 1.",
      stderrTail: "",
      ...info,
    };
    for (const listener of this.exitListeners) listener(full);
  }
}
