/** A scripted ExecutorLink for the Jupyter front end's tests: no process, no TypeScript. */
import type {
  CompleteReply,
  Diagnostic,
  ExploreMoveRequest,
  InputEvent,
  InspectReply,
  IsCompleteReply,
} from "../../kernel/protocol.js";
import type {
  CellOutcome,
  CellOutput,
  ExecutorLink,
  ExploreListeners,
  Versions,
} from "../../kernel/jupyter/executor-link.js";
import { EXPRESSION_PREFIX, EXPRESSION_SUFFIX } from "../../kernel/jupyter/expressions.js";

/** The expression a silent cell evaluates for user_expressions, or undefined for other code. */
export function expressionIn(code: string): string | undefined {
  if (!code.startsWith(EXPRESSION_PREFIX) || !code.endsWith(EXPRESSION_SUFFIX)) return undefined;
  return code.slice(EXPRESSION_PREFIX.length, code.length - EXPRESSION_SUFFIX.length);
}

export interface ScriptedCell {
  outputs?: CellOutput[];
  status?: CellOutcome["status"];
  /** Keep the cell running until `interrupt()` is called; it then ends as interrupted. */
  untilInterrupted?: boolean;
  /** Questions the cell asks with `input()`, in order, before it ends. */
  asks?: { prompt: string; password: boolean }[];
}

/** What a cell's `input()` got: the text, or the reason there was none. */
export type InputAnswer = { value: string } | { reason: string };

export const VERSIONS: Versions = { cotangent: "0.1.0", typescript: "5.0.4", node: "20.20.0" };

export class FakeExecutor implements ExecutorLink {
  readonly executed: { code: string; silent: boolean }[] = [];
  readonly answers: InputAnswer[] = [];
  readonly completions: { code: string; cursor: number }[] = [];
  readonly inspections: { code: string; cursor: number; detailLevel: 0 | 1 }[] = [];
  interrupts = 0;
  shutdowns = 0;
  completeReply: Omit<CompleteReply, "type" | "id"> = { matches: [], cursorStart: 0, cursorEnd: 0 };
  inspectReply: Omit<InspectReply, "type" | "id"> = { found: false, text: "" };
  isCompleteReply: Omit<IsCompleteReply, "type" | "id"> = { status: "complete" };
  diagnostics: Diagnostic[] = [];
  failNextRequest: Error | undefined;
  private wake: (() => void) | undefined;
  /** Explore moves and releases sent; answer them with `explore.answer(…)`. */
  readonly moves: ExploreMoveRequest[] = [];
  readonly releases: string[] = [];
  explore: ExploreListeners = { answer: () => undefined, reset: () => undefined };
  private moveCount = 0;

  exploreMove(viewId: string, seq: number, x: number[]): string {
    this.moveCount += 1;
    const id = `m${this.moveCount}`;
    this.moves.push({ type: "exploreMove", id, viewId, seq, x });
    return id;
  }
  exploreRelease(viewId: string): void {
    this.releases.push(viewId);
  }
  onExplore(listeners: ExploreListeners): void {
    this.explore = listeners;
  }

  constructor(private readonly script: (code: string) => ScriptedCell = () => ({})) {}

  ready(): Promise<Versions> {
    return Promise.resolve(VERSIONS);
  }

  async execute(
    code: string,
    silent: boolean,
    onOutput: (output: CellOutput) => void,
    onInput?: (event: InputEvent) => Promise<string>,
  ): Promise<CellOutcome> {
    this.executed.push({ code, silent });
    const cell = this.script(code);
    for (const output of cell.outputs ?? []) onOutput(output);
    for (const ask of cell.asks ?? []) {
      const asking = onInput
        ? onInput({ type: "input", id: "x", ...ask })
        : Promise.reject(new Error("no onInput"));
      const answer = await asking.then(
        (value): InputAnswer => ({ value }),
        (error: unknown): InputAnswer => ({ reason: (error as Error).message }),
      );
      this.answers.push(answer);
    }
    if (cell.untilInterrupted === true) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      return { status: "interrupted" };
    }
    return { status: cell.status ?? "ok" };
  }

  complete(code: string, cursor: number): Promise<CompleteReply> {
    this.completions.push({ code, cursor });
    return this.answer({ type: "completeReply", id: "c", ...this.completeReply });
  }

  inspect(code: string, cursor: number, detailLevel: 0 | 1): Promise<InspectReply> {
    this.inspections.push({ code, cursor, detailLevel });
    return this.answer({ type: "inspectReply", id: "i", ...this.inspectReply });
  }

  isComplete(_code: string): Promise<IsCompleteReply> {
    return this.answer({ type: "isCompleteReply", id: "k", ...this.isCompleteReply });
  }

  diagnose(_code: string): Promise<Diagnostic[]> {
    return this.answer(this.diagnostics);
  }

  interrupt(): void {
    this.interrupts++;
    this.wake?.();
    this.wake = undefined;
  }

  shutdown(): Promise<void> {
    this.shutdowns++;
    return Promise.resolve();
  }

  private answer<T>(value: T): Promise<T> {
    const failure = this.failNextRequest;
    this.failNextRequest = undefined;
    return failure ? Promise.reject(failure) : Promise.resolve(value);
  }
}
