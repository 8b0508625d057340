import { describe, expect, test, vi } from "vitest";
vi.mock("vscode", () => import("./fake-vscode.js"));
import { MIME } from "../../kernel/shared/payloads.js";
import { CellOutputWriter } from "../../extension/output-writer.js";
import { bundleToItems, errorItem, errorStack, orderMimes } from "../../extension/output-items.js";
import { FakeExecution } from "./fakes.js";

const text = (data: Uint8Array): string => new TextDecoder().decode(data);

describe("MIME preference order", () => {
  test.each([
    {
      name: "Cotangent's view first, then rich fallbacks, text/plain last",
      bundle: {
        "text/plain": "J",
        "image/svg+xml": "<svg/>",
        [MIME.jacobian]: {},
        "text/html": "<b>",
      },
      order: [MIME.jacobian, "text/html", "image/svg+xml", "text/plain"],
    },
    {
      name: "chain and trace before html",
      bundle: { "text/html": "<b>", [MIME.trace]: {}, [MIME.chain]: {} },
      order: [MIME.chain, MIME.trace, "text/html"],
    },
    {
      name: "unknown types keep bundle order, before text/plain",
      bundle: { "text/plain": "x", "application/x-b": 1, "application/x-a": 2 },
      order: ["application/x-b", "application/x-a", "text/plain"],
    },
  ])("$name", ({ bundle, order }) => {
    expect(orderMimes(bundle)).toEqual(order);
    expect(bundleToItems(bundle).map((item) => item.mime)).toEqual(order);
  });

  test("encodes JSON, base64 images, text and nbformat line arrays", () => {
    const png = Buffer.from([137, 80, 78, 71]).toString("base64");
    const items = bundleToItems({
      [MIME.jacobian]: { kind: "jacobian" },
      "image/png": png,
      "text/markdown": ["# a\n", "b"],
      "text/plain": "plain",
    });
    expect(JSON.parse(text(items[0].data))).toEqual({ kind: "jacobian" });
    expect([...items[1].data]).toEqual([137, 80, 78, 71]);
    expect(text(items[2].data)).toBe("# a\nb");
    expect(text(items[3].data)).toBe("plain");
  });
});

describe("errors", () => {
  test("the stack starts with name and message, then the cell frames", () => {
    const stack = errorStack({
      ename: "Error",
      evalue: "boom",
      traceback: ["    at cell:3:7", ""],
    });
    expect(stack).toBe("Error: boom\n    at cell:3:7");
  });

  test("a traceback that already starts with the message is kept as is", () => {
    const traceback = ["Error: boom", "    at cell:3:7"];
    expect(errorStack({ ename: "Error", evalue: "boom", traceback })).toBe(traceback.join("\n"));
  });

  test("a type error's diagnostics say its message once", () => {
    const traceback = [
      "cell:1:7 - error TS2322: Type 'string' is not assignable to type 'number'.",
      "    const n: number = 'x';",
      "          ~",
    ];
    const evalue = "cell:1:7 - Type 'string' is not assignable to type 'number'.";
    const stack = errorStack({ ename: "TypeScriptError", evalue, traceback });
    expect(stack.match(/is not assignable/g)).toHaveLength(1);
  });

  test("no position is added when a frame names the cell line (cell[3]:4:22)", () => {
    const item = errorItem({
      type: "error",
      id: "r1",
      ename: "Error",
      evalue: "boom",
      traceback: ["Error: boom", "    at check (cell[3]:4:22)"],
      position: { line: 4, column: 22 },
    });
    const error = JSON.parse(text(item.data)) as { stack: string };
    expect(error.stack).toBe("Error: boom\n    at check (cell[3]:4:22)");
  });

  test("the position is added when no frame names the cell line", () => {
    const item = errorItem({
      type: "error",
      id: "r1",
      ename: "TypeError",
      evalue: "Type 'number' is not assignable to type 'string'.",
      traceback: [],
      position: { line: 2, column: 7 },
    });
    const error = JSON.parse(text(item.data)) as { name: string; stack: string };
    expect(error.name).toBe("TypeError");
    expect(error.stack).toMatch(/at cell:2:7$/);
  });
});

describe("CellOutputWriter", () => {
  const stream = (name: "stdout" | "stderr", value: string) =>
    ({ type: "stream", id: "r1", name, text: value }) as const;
  const display = (data: Record<string, unknown>, displayId?: string, update = false) => ({
    type: "display" as const,
    id: "r1",
    data,
    metadata: {},
    update,
    ...(displayId === undefined ? {} : { displayId }),
  });

  test("consecutive stdout chunks are appended to one output; stderr and displays break it", async () => {
    const execution = FakeExecution.forCode("");
    const writer = new CellOutputWriter(execution);
    writer.stream(stream("stdout", "a\n"));
    writer.stream(stream("stdout", "b\n"));
    writer.stream(stream("stderr", "oops\n"));
    writer.display(display({ "text/plain": "shown" }));
    writer.stream(stream("stderr", "again\n"));
    await writer.flush();
    expect(execution.rendered()).toEqual([
      ["application/vnd.code.notebook.stdout=a\n", "application/vnd.code.notebook.stdout=b\n"],
      ["application/vnd.code.notebook.stderr=oops\n"],
      ["text/plain=shown"],
      ["application/vnd.code.notebook.stderr=again\n"],
    ]);
    expect(execution.log.filter((op) => op === "appendOutputItems")).toHaveLength(1);
  });

  test("a display update replaces that output's items in place", async () => {
    const execution = FakeExecution.forCode("");
    const writer = new CellOutputWriter(execution);
    writer.display(display({ [MIME.trace]: { step: 0 } }, "t1"));
    writer.stream(stream("stdout", "between\n"));
    writer.display(display({ [MIME.trace]: { step: 1 } }, "t1", true));
    writer.display(display({ [MIME.trace]: { step: 2 } }, "t1", true));
    await writer.flush();
    expect(execution.rendered()).toEqual([
      [`${MIME.trace}={"step":2}`],
      ["application/vnd.code.notebook.stdout=between\n"],
    ]);
  });

  test("an update for an unknown display shows it as a new output", async () => {
    const execution = FakeExecution.forCode("");
    const writer = new CellOutputWriter(execution);
    writer.display(display({ "text/plain": "late" }, "elsewhere", true));
    await writer.flush();
    expect(execution.rendered()).toEqual([["text/plain=late"]]);
  });

  test("clear(wait) clears only when the next output arrives; clear() at once", async () => {
    const execution = FakeExecution.forCode("");
    const writer = new CellOutputWriter(execution);
    writer.stream(stream("stdout", "first\n"));
    writer.clear(true);
    await writer.flush();
    expect(execution.rendered()).toHaveLength(1);
    writer.stream(stream("stdout", "second\n"));
    await writer.flush();
    expect(execution.rendered()).toEqual([["application/vnd.code.notebook.stdout=second\n"]]);
    writer.clear(false);
    await writer.flush();
    expect(execution.rendered()).toEqual([]);
  });

  test("a result carries its execution count and outputType for the saved notebook", async () => {
    const execution = FakeExecution.forCode("");
    const writer = new CellOutputWriter(execution);
    writer.result({
      type: "result",
      id: "r1",
      executionCount: 3,
      data: { "text/plain": "42" },
      metadata: {},
    });
    await writer.flush();
    expect(execution.outputs[0]?.metadata).toMatchObject({
      outputType: "execute_result",
      executionCount: 3,
    });
  });
});
