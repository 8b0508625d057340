/** `cotangent run --timeout`: a cell that runs too long is interrupted and recorded as an error. */
import { describe, expect, it } from "vitest";
import type { ExecuteHandlers } from "../../kernel/client.js";
import type { DoneEvent } from "../../kernel/protocol.js";
import { parseRunArguments } from "../../kernel/run/command.js";
import { parseNotebook, type Notebook } from "../../kernel/run/notebook.js";
import { runNotebook, type CellExecutor } from "../../kernel/run/run.js";

function notebookOf(sources: string[]): Notebook {
  const cells = sources.map((source) => ({
    cell_type: "code",
    metadata: {},
    source,
    outputs: [],
    execution_count: null,
  }));
  return parseNotebook(
    JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }),
    "t",
  );
}

/** A kernel stand-in whose "spin" cell runs until interrupted, as the executor ends it then. */
function spinningExecutor(): CellExecutor & { ran: string[]; interrupts: number } {
  let count = 0;
  let stop: (() => void) | undefined;
  const self = {
    ran: [] as string[],
    interrupts: 0,
    execute(code: string, handlers: ExecuteHandlers = {}): Promise<DoneEvent> {
      count += 1;
      const id = `r${count}`;
      self.ran.push(code);
      if (code !== "spin")
        return Promise.resolve({ type: "done", id, status: "ok", executionCount: count });
      return new Promise((resolve) => {
        stop = () => {
          const evalue = "The cell was interrupted.";
          handlers.onError?.({ type: "error", id, ename: "Interrupted", evalue, traceback: [] });
          resolve({ type: "done", id, status: "interrupted", executionCount: count });
        };
      });
    },
    interrupt() {
      self.interrupts += 1;
      stop?.();
    },
  };
  return self;
}

describe("--timeout", () => {
  it("parses seconds and refuses anything else", () => {
    expect(parseRunArguments(["n.ipynb", "--timeout", "2.5"]).timeout).toBe(2.5);
    expect(() => parseRunArguments(["n.ipynb", "--timeout", "soon"])).toThrow(/--timeout needs/);
  });

  it("interrupts a cell that runs too long, records a Timeout and stops the run", async () => {
    const executor = spinningExecutor();
    const result = await runNotebook(notebookOf(["spin", "after"]), executor, { timeoutMs: 50 });
    expect(executor.interrupts).toBe(1);
    expect(executor.ran).toEqual(["spin"]);
    expect(result.failed?.status).toBe("error");
    expect(result.failed?.error?.ename).toBe("Timeout");
    expect(result.failed?.error?.evalue).toMatch(/longer than 0.05 s \(--timeout\)/);
    const outputs =
      result.notebook.cells[0]?.cell_type === "code" ? result.notebook.cells[0].outputs : [];
    expect(outputs.map((o) => (o.output_type === "error" ? o.ename : o.output_type))).toEqual([
      "Timeout",
    ]);
  });

  it("runs the next cells after a timeout with continueOnError", async () => {
    const executor = spinningExecutor();
    const run = { timeoutMs: 50, continueOnError: true };
    const result = await runNotebook(notebookOf(["spin", "after"]), executor, run);
    expect(executor.ran).toEqual(["spin", "after"]);
    expect(result.cells.map((c) => c.status)).toEqual(["error", "ok"]);
  });
});
