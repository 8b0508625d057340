import { describe, expect, it } from "vitest";
import type { DoneEvent, ExecutorEvent } from "../../kernel/protocol.js";
import type { ExecuteHandlers } from "../../kernel/client.js";
import {
  OutputCollector,
  parseNotebook,
  storedOutputs,
  type Notebook,
} from "../../kernel/run/notebook.js";
import {
  failureMessage,
  progressLine,
  runNotebook,
  type CellExecutor,
} from "../../kernel/run/run.js";
import { MIME } from "../../kernel/shared/payloads.js";
import { validateNotebook } from "./nbformat.js";

/** An event without its request id (distributes over the union). */
type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;

type Script = (id: string) => ExecutorEvent[];

/** A kernel stand-in: each cell's source names the events it emits. */
function fakeExecutor(scripts: Record<string, Script>): CellExecutor & { ran: string[] } {
  let count = 0;
  const ran: string[] = [];
  return {
    ran,
    execute(code: string, handlers: ExecuteHandlers = {}): Promise<DoneEvent> {
      count += 1;
      ran.push(code);
      const id = `r${count}`;
      const events = (scripts[code] ?? (() => []))(id);
      let status: DoneEvent["status"] = "ok";
      for (const event of events) {
        if (event.type === "stream") handlers.onStream?.(event);
        if (event.type === "display") handlers.onDisplay?.(event);
        if (event.type === "result") handlers.onResult?.({ ...event, executionCount: count });
        if (event.type === "clear") handlers.onClear?.(event);
        if (event.type === "error") {
          status = "error";
          handlers.onError?.(event);
        }
      }
      return Promise.resolve({ type: "done", id, status, executionCount: count });
    },
  };
}

function notebookOf(cells: Array<["code" | "markdown", string]>): Notebook {
  const raw = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: {
        name: "cotangent",
        display_name: "Cotangent (TypeScript)",
        language: "typescript",
      },
    },
    cells: cells.map(([type, source]) =>
      type === "code"
        ? { cell_type: "code", metadata: {}, source, outputs: [], execution_count: null }
        : { cell_type: "markdown", metadata: {}, source },
    ),
  };
  return parseNotebook(JSON.stringify(raw), "test.ipynb");
}

const jacobianBundle = {
  [MIME.jacobian]: { version: 1, kind: "jacobian" },
  "text/plain": "Jacobian 2×3",
  "image/svg+xml": "<svg></svg>",
};

describe("OutputCollector", () => {
  it("coalesces streams, replaces updated displays, and honours clear(wait)", () => {
    const c = new OutputCollector();
    const ev = (e: WithoutId<ExecutorEvent>): ExecutorEvent =>
      ({ ...e, id: "r1" }) as ExecutorEvent;
    c.accept(ev({ type: "stream", name: "stdout", text: "a\n" }));
    c.accept(ev({ type: "stream", name: "stdout", text: "b\n" }));
    c.accept(
      ev({
        type: "display",
        data: { "text/plain": "v1" },
        metadata: {},
        displayId: "t",
        update: false,
      }),
    );
    c.accept(
      ev({
        type: "display",
        data: { "text/plain": "v2" },
        metadata: {},
        displayId: "t",
        update: true,
      }),
    );
    expect(c.outputs).toEqual([
      { output_type: "stream", name: "stdout", text: "a\nb\n" },
      {
        output_type: "display_data",
        data: { "text/plain": "v2" },
        metadata: {},
        transient: { display_id: "t" },
      },
    ]);
    c.accept(ev({ type: "clear", wait: true }));
    expect(c.outputs).toHaveLength(2);
    c.accept(ev({ type: "stream", name: "stderr", text: "after\n" }));
    expect(c.outputs).toEqual([{ output_type: "stream", name: "stderr", text: "after\n" }]);
  });

  it("stores outputs without transient ids and with text split into lines", () => {
    const stored = storedOutputs([
      { output_type: "stream", name: "stdout", text: "one\ntwo\n" },
      {
        output_type: "display_data",
        data: { "text/plain": "x\ny", [MIME.trace]: { a: 1 } },
        metadata: {},
        transient: { display_id: "d" },
      },
    ]);
    expect(stored).toEqual([
      { output_type: "stream", name: "stdout", text: ["one\n", "two\n"] },
      {
        output_type: "display_data",
        data: { "text/plain": ["x\n", "y"], [MIME.trace]: { a: 1 } },
        metadata: {},
      },
    ]);
  });
});

describe("runNotebook", () => {
  const scripts: Record<string, Script> = {
    print: (id) => [{ type: "stream", id, name: "stdout", text: "hello\n" }],
    jac: (id) => [
      { type: "display", id, data: jacobianBundle, metadata: {}, update: false },
      { type: "result", id, executionCount: 0, data: { "text/plain": "[ 2, 3 ]" }, metadata: {} },
    ],
    boom: (id) => [
      {
        type: "error",
        id,
        ename: "TypeError",
        evalue: "x is not a function",
        traceback: ["TypeError: x is not a function", "    at cell:2:5"],
        position: { line: 2, column: 5 },
      },
    ],
  };

  it("fills outputs and execution counts, and the result is valid nbformat 4", async () => {
    const nb = notebookOf([
      ["markdown", "# Title"],
      ["code", "print"],
      ["code", "jac"],
    ]);
    const lines: string[] = [];
    const result = await runNotebook(nb, fakeExecutor(scripts), {
      onCell: (run) => lines.push(progressLine(run)),
      now: (() => {
        let t = 0;
        return () => (t += 5);
      })(),
    });
    expect(result.failed).toBeUndefined();
    const [, printCell, jacCell] = result.notebook.cells;
    expect(printCell).toMatchObject({
      execution_count: 1,
      outputs: [{ output_type: "stream", text: ["hello\n"] }],
    });
    expect(jacCell).toMatchObject({ execution_count: 2 });
    expect(jacCell?.cell_type === "code" && jacCell.outputs.map((o) => o.output_type)).toEqual([
      "display_data",
      "execute_result",
    ]);
    expect(lines).toEqual([
      "cell   2 [1/2]  ok               5 ms",
      "cell   3 [2/2]  ok               5 ms",
    ]);
    expect(nb.cells[1]).toMatchObject({ outputs: [], execution_count: null });
    expect(validateNotebook(JSON.stringify(result.notebook))).toBe("valid");
  });

  it("stops at the first failing cell and names the cell and the line", async () => {
    const executor = fakeExecutor(scripts);
    const nb = notebookOf([
      ["code", "print"],
      ["markdown", "text"],
      ["code", "boom"],
      ["code", "jac"],
    ]);
    const stale = nb.cells[3];
    if (stale.cell_type === "code") {
      stale.outputs = [{ output_type: "stream", name: "stdout", text: "from an earlier run\n" }];
      stale.execution_count = 7;
    }
    const result = await runNotebook(nb, executor);
    expect(executor.ran).toEqual(["print", "boom"]);
    expect(result.failed?.cellNumber).toBe(3);
    expect(failureMessage("demo.ipynb", result.failed!)).toBe(
      "demo.ipynb: cell [2] (cell 3 of the notebook), line 2 failed: TypeError: x is not a function",
    );
    expect(result.notebook.cells[2]).toMatchObject({
      outputs: [{ output_type: "error", ename: "TypeError" }],
    });
    expect(result.notebook.cells[3]).toMatchObject({ outputs: [], execution_count: null });
    expect(validateNotebook(JSON.stringify(result.notebook))).toBe("valid");
  });

  it("runs on after a failure when asked to", async () => {
    const executor = fakeExecutor(scripts);
    const result = await runNotebook(
      notebookOf([
        ["code", "boom"],
        ["code", "print"],
      ]),
      executor,
      { continueOnError: true },
    );
    expect(executor.ran).toEqual(["boom", "print"]);
    expect(result.failed?.cellNumber).toBe(1);
  });
});

describe("parseNotebook", () => {
  it.each([
    ["{", /test\.ipynb: not a notebook \(invalid JSON/],
    ['{"nbformat": 4}', /no "cells" array/],
    ['{"nbformat": 3, "cells": []}', /nbformat 3 is not supported/],
    ['{"nbformat": 4, "cells": [{"cell_type": "code"}]}', /cell 1 has no source/],
    [
      '{"nbformat": 4, "cells": [{"cell_type": "foo", "source": ""}]}',
      /cell 1 has unknown cell_type "foo"/,
    ],
  ])("rejects %s", (text, message) => {
    expect(() => parseNotebook(text, "test.ipynb")).toThrow(message);
  });

  it("gives every cell an id in nbformat 4.5", () => {
    const nb = parseNotebook(
      '{"nbformat": 4, "nbformat_minor": 5, "cells": [{"cell_type": "markdown", "source": "a"}, {"cell_type": "markdown", "id": "cell-1", "source": "b"}]}',
      "t",
    );
    expect(nb.cells.map((c) => c.id)).toEqual(["cell-1x", "cell-1"]);
  });
});
