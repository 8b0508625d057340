import { describe, expect, it, vi } from "vitest";
import { JupyterKernel, type Channel } from "../../kernel/jupyter/handler.js";
import { makeHeader, type JupyterMessage } from "../../kernel/jupyter/wire.js";
import { expressionCell } from "../../kernel/jupyter/expressions.js";
import { expressionIn, FakeExecutor, VERSIONS, type ScriptedCell } from "./fake-executor.js";

interface Sent {
  channel: Channel;
  message: JupyterMessage;
}

function setup(script?: (code: string) => ScriptedCell) {
  const executor = new FakeExecutor(script);
  const sent: Sent[] = [];
  const logs: string[] = [];
  const exits: boolean[] = [];
  const kernel = new JupyterKernel({
    executor,
    io: {
      send: (channel, message) => sent.push({ channel, message }),
      log: (t) => logs.push(t),
      exit: (r) => exits.push(r),
    },
    session: "kernel-session",
  });
  const request = (type: string, content: Record<string, unknown> = {}): JupyterMessage => ({
    identities: [Buffer.from("peer")],
    header: makeHeader(type, "client-session", "tester"),
    parent_header: {},
    metadata: {},
    content,
    buffers: [],
  });
  /** Send on shell, wait for it to be served, return what was sent in answer to it. */
  const shell = async (type: string, content: Record<string, unknown> = {}) => {
    const message = request(type, content);
    kernel.handle("shell", message);
    await kernel.idle();
    return answers(message);
  };
  const answers = (message: JupyterMessage) => {
    const mine = sent.filter(
      (s) => (s.message.parent_header as { msg_id?: string }).msg_id === message.header.msg_id,
    );
    const reply = mine.find((s) => s.channel !== "iopub")?.message;
    const iopub = mine.filter((s) => s.channel === "iopub").map((s) => s.message);
    return {
      reply,
      iopub,
      types: iopub.map((m) => m.header.msg_type),
      content: reply?.content ?? {},
    };
  };
  return { executor, kernel, sent, logs, exits, request, shell, answers };
}

const out = {
  stream: (text: string) => ({ type: "stream" as const, id: "x", name: "stdout" as const, text }),
  result: (text: string) => ({
    type: "result" as const,
    id: "x",
    executionCount: 9,
    data: { "text/plain": text },
    metadata: {},
  }),
  error: (evalue: string) => ({
    type: "error" as const,
    id: "x",
    ename: "TypeError",
    evalue,
    traceback: [`TypeError: ${evalue}`, "    at cell:1:5"],
  }),
};

describe("JupyterKernel: kernel_info", () => {
  it("replies with protocol 5.3, TypeScript language_info and the executor's versions", async () => {
    const { shell } = setup();
    const { reply, types, content } = await shell("kernel_info_request");
    expect(types).toEqual(["status", "status"]);
    expect(reply?.header.msg_type).toBe("kernel_info_reply");
    expect(reply?.identities.map(String)).toEqual(["peer"]);
    expect(content).toMatchObject({
      status: "ok",
      protocol_version: "5.3",
      implementation: "cotangent",
      implementation_version: VERSIONS.cotangent,
      language_info: { name: "typescript", version: VERSIONS.typescript, file_extension: ".ts" },
    });
  });
});

describe("JupyterKernel: execute", () => {
  it("publishes busy, the input, the outputs, then replies and goes idle", async () => {
    const { shell, sent } = setup(() => ({ outputs: [out.stream("hello\n"), out.result("2")] }));
    const { reply, iopub, types, content } = await shell("execute_request", {
      code: "console.log('hello'); 1 + 1",
    });
    expect(types).toEqual(["status", "execute_input", "stream", "execute_result", "status"]);
    expect(iopub[0].content).toEqual({ execution_state: "busy" });
    expect(iopub[1].content).toEqual({ code: "console.log('hello'); 1 + 1", execution_count: 1 });
    expect(iopub[2].content).toEqual({ name: "stdout", text: "hello\n" });
    expect(iopub[3].content).toEqual({
      execution_count: 1,
      data: { "text/plain": "2" },
      metadata: {},
    });
    expect(iopub[4].content).toEqual({ execution_state: "idle" });
    expect(content).toEqual({
      status: "ok",
      execution_count: 1,
      user_expressions: {},
      payload: [],
    });
    // the reply goes out before the idle status
    const order = sent.map((s) => s.message);
    expect(order.indexOf(reply!)).toBeLessThan(order.indexOf(iopub[4]));
  });

  it("counts executions and keeps the count for store_history: false and silent cells", async () => {
    const { shell, executor } = setup();
    expect((await shell("execute_request", { code: "a" })).content["execution_count"]).toBe(1);
    expect(
      (await shell("execute_request", { code: "b", store_history: false })).content[
        "execution_count"
      ],
    ).toBe(1);
    const silent = await shell("execute_request", { code: "c", silent: true });
    expect(silent.content["execution_count"]).toBe(1);
    expect(silent.types).toEqual(["status", "status"]);
    expect((await shell("execute_request", { code: "d" })).content["execution_count"]).toBe(2);
    expect(executor.executed).toEqual([
      { code: "a", silent: false },
      { code: "b", silent: false },
      { code: "c", silent: true },
      { code: "d", silent: false },
    ]);
  });

  it("turns displays, updates and clears into display_data, update_display_data and clear_output", async () => {
    const bundle = {
      "text/plain": "trace",
      "application/vnd.cotangent.trace+json": { kind: "trace" },
    };
    const { shell } = setup(() => ({
      outputs: [
        { type: "display", id: "x", data: bundle, metadata: {}, displayId: "t1", update: false },
        {
          type: "display",
          id: "x",
          data: bundle,
          metadata: { a: 1 },
          displayId: "t1",
          update: true,
        },
        {
          type: "display",
          id: "x",
          data: { "text/html": "<b>x</b>" },
          metadata: {},
          update: false,
        },
        { type: "clear", id: "x", wait: true },
      ],
    }));
    const { iopub, types } = await shell("execute_request", { code: "show()" });
    expect(types).toEqual([
      "status",
      "execute_input",
      "display_data",
      "update_display_data",
      "display_data",
      "clear_output",
      "status",
    ]);
    expect(iopub[2].content).toEqual({
      data: bundle,
      metadata: {},
      transient: { display_id: "t1" },
    });
    expect(iopub[3].content).toEqual({
      data: bundle,
      metadata: { a: 1 },
      transient: { display_id: "t1" },
    });
    expect(iopub[4].content["transient"]).toEqual({});
    expect(iopub[5].content).toEqual({ wait: true });
  });

  it("publishes one error and replies with its ename, evalue and traceback", async () => {
    const { shell } = setup(() => ({
      outputs: [out.error("x is not a function")],
      status: "error",
    }));
    const { iopub, types, content } = await shell("execute_request", { code: "x()" });
    expect(types).toEqual(["status", "execute_input", "error", "status"]);
    expect(iopub[2].content).toEqual({
      ename: "TypeError",
      evalue: "x is not a function",
      traceback: ["TypeError: x is not a function", "    at cell:1:5"],
    });
    expect(content).toEqual({
      status: "error",
      execution_count: 1,
      ename: "TypeError",
      evalue: "x is not a function",
      traceback: ["TypeError: x is not a function", "    at cell:1:5"],
      user_expressions: {},
    });
  });

  it("reports an interrupted cell as an error even when the executor gave none", async () => {
    const { shell } = setup(() => ({ status: "interrupted" }));
    const { iopub, content } = await shell("execute_request", { code: "while (true) {}" });
    expect(iopub[2].header.msg_type).toBe("error");
    expect(content).toMatchObject({ status: "error", ename: "Interrupted" });
  });

  it("with stop_on_error aborts the executions already queued, and runs later ones", async () => {
    const { kernel, request, answers, executor, shell } = setup((code) =>
      code === "fail" ? { outputs: [out.error("boom")], status: "error" } : {},
    );
    const queued = ["fail", "second", "third"].map((code) => request("execute_request", { code }));
    for (const message of queued) kernel.handle("shell", message);
    await kernel.idle();
    expect(executor.executed.map((e) => e.code)).toEqual(["fail"]);
    expect(answers(queued[1]).content).toEqual({ status: "aborted", execution_count: 1 });
    expect(answers(queued[2]).types).toEqual(["status", "status"]);
    await shell("execute_request", { code: "later" });
    expect(executor.executed.map((e) => e.code)).toEqual(["fail", "later"]);
  });

  it("with stop_on_error: false runs the queued executions after an error", async () => {
    const { kernel, request, executor } = setup((code) =>
      code === "fail" ? { status: "error" } : {},
    );
    kernel.handle("shell", request("execute_request", { code: "fail", stop_on_error: false }));
    kernel.handle("shell", request("execute_request", { code: "next" }));
    await kernel.idle();
    expect(executor.executed.map((e) => e.code)).toEqual(["fail", "next"]);
  });

  it("replies with an error naming the field when code is missing", async () => {
    const { shell } = setup();
    const { content, types } = await shell("execute_request", {});
    expect(types).toEqual(["status", "error", "status"]);
    expect(content).toMatchObject({
      status: "error",
      evalue: 'the request\'s "code" must be a string',
    });
  });
});

describe("JupyterKernel: user_expressions", () => {
  const display = (data: Record<string, unknown>, update = false) => ({
    type: "display" as const,
    id: "x",
    data,
    metadata: {},
    update,
  });
  const tensorBundle = { "text/plain": "Tensor [1, 2]", "text/html": "<table></table>" };

  /** Cells run as scripted; expressions answer by the table, anything else is an error. */
  function withExpressions(
    table: Record<string, ScriptedCell>,
    cell: (code: string) => ScriptedCell = () => ({}),
  ) {
    return setup((code) => {
      const expression = expressionIn(code);
      if (expression === undefined) return cell(code);
      return (
        table[expression] ?? { outputs: [out.error(`unscripted ${expression}`)], status: "error" }
      );
    });
  }

  it("evaluates each expression in order, silently, and answers with its bundle", async () => {
    const { shell, executor } = withExpressions({
      "x * 2": { outputs: [out.stream("noise\n"), display({ "text/plain": "42" })] },
      t: { outputs: [display(tensorBundle)] },
    });
    const { content, types } = await shell("execute_request", {
      code: "const x = 21;",
      user_expressions: { double: "x * 2", tensor: "t" },
    });
    expect(content["status"]).toBe("ok");
    expect(content["user_expressions"]).toEqual({
      double: { status: "ok", data: { "text/plain": "42" }, metadata: {} },
      tensor: { status: "ok", data: tensorBundle, metadata: {} },
    });
    expect(Object.keys(content["user_expressions"] as object)).toEqual(["double", "tensor"]);
    expect(executor.executed).toEqual([
      { code: "const x = 21;", silent: false },
      { code: expressionCell("x * 2"), silent: true },
      { code: expressionCell("t"), silent: true },
    ]);
    // nothing of the expressions' runs (their stream, their displays) reaches IOPub
    expect(types).toEqual(["status", "execute_input", "status"]);
  });

  it("publishes nothing for the expressions, even when the cell shows a result", async () => {
    const { shell } = withExpressions({ y: { outputs: [display({ "text/plain": "7" })] } }, () => ({
      outputs: [out.result("1")],
    }));
    const { iopub, types } = await shell("execute_request", {
      code: "1",
      user_expressions: { y: "y" },
    });
    expect(types).toEqual(["status", "execute_input", "execute_result", "status"]);
    expect(iopub[2].content).toMatchObject({ data: { "text/plain": "1" } });
  });

  it("takes the value's display, not displays the expression made or live updates after it", async () => {
    const { shell } = withExpressions({
      "show(3)": {
        outputs: [
          display({ "text/plain": "3" }),
          display({ "text/plain": "undefined" }),
          display({ "text/plain": "trace, flushed" }, true),
        ],
      },
    });
    const { content } = await shell("execute_request", {
      code: "",
      user_expressions: { e: "show(3)" },
    });
    expect(content["user_expressions"]).toEqual({
      e: { status: "ok", data: { "text/plain": "undefined" }, metadata: {} },
    });
  });

  it("answers a failing expression with its error, positions on the expression's own lines", async () => {
    const typeError = {
      type: "error" as const,
      id: "x",
      ename: "TypeScriptError",
      evalue: "cell:3:2 - ')' expected. (and 1 more)",
      traceback: [
        "cell:3:2 - error TS1005: ')' expected.",
        "    )",
        "     ~",
        "cell:2:1 - error TS2304: Cannot find name 'nope'.",
        "    nope(",
        "    ~~~~",
      ],
    };
    // a runtime error's frames are the executor's (the silent run shares the last cell's count)
    const thrown = {
      ...out.error("boom is not a function"),
      traceback: ["TypeError: boom is not a function", "    at cell[1]:2:1"],
    };
    const { shell } = withExpressions({
      "nope(": { outputs: [typeError], status: "error" },
      "boom()": { outputs: [thrown], status: "error" },
      "1": { outputs: [display({ "text/plain": "1" })] },
    });
    const { content } = await shell("execute_request", {
      code: "let a = 1;",
      user_expressions: { bad: "nope(", thrown: "boom()", fine: "1" },
    });
    expect(content["status"]).toBe("ok");
    expect(content["user_expressions"]).toEqual({
      bad: {
        status: "error",
        ename: "TypeScriptError",
        evalue: "expression:1:6 - ')' expected. (and 1 more)",
        traceback: [
          "expression:1:6 - error TS1005: ')' expected.",
          "    )",
          "     ~",
          "expression:1:1 - error TS2304: Cannot find name 'nope'.",
          "    nope(",
          "    ~~~~",
        ],
      },
      thrown: {
        status: "error",
        ename: "TypeError",
        evalue: "boom is not a function",
        traceback: ["TypeError: boom is not a function", "    at cell[1]:2:1"],
      },
      fine: { status: "ok", data: { "text/plain": "1" }, metadata: {} },
    });
  });

  it("renumbers positions of a multi-line expression", async () => {
    const error = {
      ...out.error("bad"),
      evalue: "cell:3:4 - bad",
      traceback: ["cell:3:4 - error TS1: bad", "cell:5:2 - error TS2: end"],
    };
    const { shell } = withExpressions({ "[\n  1 +\n  ]": { outputs: [error], status: "error" } });
    const { content } = await shell("execute_request", {
      code: "",
      user_expressions: { e: "[\n  1 +\n  ]" },
    });
    expect(content["user_expressions"]).toMatchObject({
      e: {
        evalue: "expression:2:4 - bad",
        traceback: ["expression:2:4 - error TS1: bad", "expression:3:4 - error TS2: end"],
      },
    });
  });

  it("changes neither the execution count nor the history", async () => {
    const { shell } = withExpressions(
      { a: { outputs: [display({ "text/plain": "a" })] } },
      (code) => ({
        outputs: [out.result(`=${code}`)],
      }),
    );
    const first = await shell("execute_request", {
      code: "c1",
      user_expressions: { a: "a", b: "a" },
    });
    expect(first.content["execution_count"]).toBe(1);
    const second = await shell("execute_request", { code: "c2" });
    expect(second.content["execution_count"]).toBe(2);
    const history = await shell("history_request", {
      hist_access_type: "tail",
      n: 10,
      output: true,
      raw: true,
    });
    expect(history.content["history"]).toEqual([
      [1, 1, ["c1", "=c1"]],
      [1, 2, ["c2", "=c2"]],
    ]);
  });

  it("evaluates them after a silent cell too, and still publishes nothing", async () => {
    const { shell } = withExpressions({ a: { outputs: [display({ "text/plain": "a" })] } });
    const { content, types } = await shell("execute_request", {
      code: "quiet",
      silent: true,
      user_expressions: { a: "a" },
    });
    expect(types).toEqual(["status", "status"]);
    expect(content["user_expressions"]).toEqual({
      a: { status: "ok", data: { "text/plain": "a" }, metadata: {} },
    });
  });

  it.each([
    ["a failed cell", { outputs: [out.error("cell failed")], status: "error" as const }],
    ["an interrupted cell", { status: "interrupted" as const }],
  ])("does not evaluate them after %s, and the cell's error stands", async (_name, cell) => {
    const { shell, executor } = withExpressions(
      { a: { outputs: [display({ "text/plain": "a" })] } },
      () => cell,
    );
    const { content } = await shell("execute_request", { code: "c", user_expressions: { a: "a" } });
    expect(executor.executed).toEqual([{ code: "c", silent: false }]);
    expect(content).toMatchObject({ status: "error", user_expressions: {} });
    expect(content["ename"]).toBe(cell.status === "error" ? "TypeError" : "Interrupted");
  });

  it("an interrupted expression ends the evaluation; the cell's reply stays ok", async () => {
    const { kernel, request, answers, executor } = withExpressions({
      first: { outputs: [display({ "text/plain": "1" })] },
      loop: { untilInterrupted: true },
      after: { outputs: [display({ "text/plain": "3" })] },
    });
    const cell = request("execute_request", {
      code: "c",
      user_expressions: { first: "first", loop: "loop", after: "after" },
    });
    kernel.handle("shell", cell);
    while (executor.executed.length < 3) await new Promise((resolve) => setTimeout(resolve, 0));
    kernel.handle("control", request("interrupt_request"));
    await kernel.idle();
    expect(executor.executed.map((e) => expressionIn(e.code) ?? e.code)).toEqual([
      "c",
      "first",
      "loop",
    ]);
    const { content, types } = answers(cell);
    expect(content["status"]).toBe("ok");
    expect(content["user_expressions"]).toEqual({
      first: { status: "ok", data: { "text/plain": "1" }, metadata: {} },
      loop: {
        status: "error",
        ename: "Interrupted",
        evalue: "the expression was interrupted",
        traceback: ["Interrupted: the expression was interrupted"],
      },
      after: {
        status: "error",
        ename: "Interrupted",
        evalue: "not evaluated: an earlier expression was interrupted",
        traceback: ["Interrupted: not evaluated: an earlier expression was interrupted"],
      },
    });
    expect(types).toEqual(["status", "execute_input", "status"]);
  });

  it("a failing expression aborts nothing queued behind the cell", async () => {
    const { kernel, request, answers, executor } = withExpressions({});
    const first = request("execute_request", { code: "c1", user_expressions: { bad: "nope" } });
    const second = request("execute_request", { code: "c2" });
    kernel.handle("shell", first);
    kernel.handle("shell", second);
    await kernel.idle();
    expect(answers(first).content["user_expressions"]).toMatchObject({ bad: { status: "error" } });
    expect(answers(second).content["status"]).toBe("ok");
    expect(executor.executed.map((e) => expressionIn(e.code) ?? e.code)).toEqual([
      "c1",
      "nope",
      "c2",
    ]);
  });

  it.each([
    ["not an object", "x * 2", {}],
    ["an array", ["x"], {}],
    ["null", null, {}],
    [
      "an entry that is not a string",
      { n: 3 },
      {
        n: {
          status: "error",
          ename: "TypeError",
          evalue: "the expression must be a string, got number",
          traceback: ["TypeError: the expression must be a string, got number"],
        },
      },
    ],
    [
      "an empty expression",
      { e: "  " },
      {
        e: {
          status: "error",
          ename: "SyntaxError",
          evalue: "the expression is empty",
          traceback: ["SyntaxError: the expression is empty"],
        },
      },
    ],
  ])("answers %s without running anything", async (_name, given, expected) => {
    const { shell, executor } = withExpressions({});
    const { content } = await shell("execute_request", { code: "c", user_expressions: given });
    expect(content["user_expressions"]).toEqual(expected);
    expect(executor.executed).toEqual([{ code: "c", silent: false }]);
  });
});

describe("JupyterKernel: editor requests", () => {
  it("converts cursor positions between code points and UTF-16 for completion", async () => {
    const { shell, executor } = setup();
    const code = "const 𝑥 = 1; 𝑥.to";
    // code points: "const 𝑥 = 1; 𝑥." is 15 code points, 17 UTF-16 units
    executor.completeReply = {
      matches: ["toFixed", "toString"],
      cursorStart: 17,
      cursorEnd: 19,
      details: [{ name: "toFixed", kind: "method", type: "(digits?: number) => string" }],
    };
    const { content } = await shell("complete_request", { code, cursor_pos: 17 });
    expect(executor.completions).toEqual([{ code, cursor: 19 }]);
    expect(content).toMatchObject({
      status: "ok",
      matches: ["toFixed", "toString"],
      cursor_start: 15,
      cursor_end: 17,
    });
    expect(content["metadata"]).toEqual({
      _jupyter_types_experimental: [
        {
          start: 15,
          end: 17,
          text: "toFixed",
          type: "method",
          signature: "(digits?: number) => string",
        },
      ],
    });
  });

  it("completes at the end of the code when cursor_pos is absent", async () => {
    const { shell, executor } = setup();
    await shell("complete_request", { code: "Math." });
    expect(executor.completions).toEqual([{ code: "Math.", cursor: 5 }]);
  });

  it("inspects with text/plain when found and empty data otherwise", async () => {
    const { shell, executor } = setup();
    executor.inspectReply = {
      found: true,
      text: "function grad(f): (x: Tensor) => Tensor\nThe gradient of f.",
    };
    const found = await shell("inspect_request", { code: "grad", cursor_pos: 2, detail_level: 1 });
    expect(found.content).toEqual({
      status: "ok",
      found: true,
      data: { "text/plain": executor.inspectReply.text },
      metadata: {},
    });
    expect(executor.inspections).toEqual([{ code: "grad", cursor: 2, detailLevel: 1 }]);
    executor.inspectReply = { found: false, text: "" };
    expect((await shell("inspect_request", { code: "zz", cursor_pos: 1 })).content).toMatchObject({
      found: false,
      data: {},
    });
  });

  it.each([
    [{ status: "complete" as const }, { status: "complete" }],
    [
      { status: "incomplete" as const, indent: "  " },
      { status: "incomplete", indent: "  " },
    ],
    [{ status: "incomplete" as const }, { status: "incomplete", indent: "" }],
    [{ status: "invalid" as const }, { status: "invalid" }],
  ])("answers is_complete %j", async (given, expected) => {
    const { shell, executor } = setup();
    executor.isCompleteReply = given;
    expect((await shell("is_complete_request", { code: "x" })).content).toEqual(expected);
  });

  it("calls a complete cell that would not compile invalid, and ignores warnings", async () => {
    const { shell, executor } = setup();
    const at = { line: 1, column: 7 };
    executor.diagnostics = [
      { message: "Variable declaration expected.", start: at, end: at, severity: "error" },
    ];
    expect((await shell("is_complete_request", { code: "const = 1;" })).content).toEqual({
      status: "invalid",
    });
    executor.diagnostics = [{ message: "unused", start: at, end: at, severity: "warning" }];
    expect((await shell("is_complete_request", { code: "const a = 1;" })).content).toEqual({
      status: "complete",
    });
  });

  it("replies with status error when the executor fails a request", async () => {
    const { shell, executor } = setup();
    executor.failNextRequest = new Error(
      "The kernel died (out of memory). The request was not answered.",
    );
    const { reply, content, types } = await shell("complete_request", { code: "a", cursor_pos: 1 });
    expect(reply?.header.msg_type).toBe("complete_reply");
    expect(content).toMatchObject({
      status: "error",
      ename: "Error",
      evalue: "The kernel died (out of memory). The request was not answered.",
    });
    expect(types).toEqual(["status", "status"]);
  });

  it("rejects a bad cursor_pos by name", async () => {
    const { shell } = setup();
    const { content } = await shell("inspect_request", { code: "a", cursor_pos: -1 });
    expect(content).toMatchObject({
      status: "error",
      evalue: "cursor_pos must be a non-negative integer, got -1",
    });
  });
});

describe("JupyterKernel: history, unknown messages", () => {
  it("keeps the history of the session with outputs", async () => {
    const { shell } = setup((code) => ({ outputs: [out.result(`=${code}`)] }));
    await shell("execute_request", { code: "a" });
    await shell("execute_request", { code: "b" });
    await shell("execute_request", { code: "hidden", silent: true });
    const tail = await shell("history_request", {
      hist_access_type: "tail",
      n: 5,
      output: true,
      raw: true,
    });
    expect(tail.content).toEqual({
      status: "ok",
      history: [
        [1, 1, ["a", "=a"]],
        [1, 2, ["b", "=b"]],
      ],
    });
  });

  it("logs unknown message types and still reports busy and idle", async () => {
    const { shell, logs } = setup();
    const { reply, types } = await shell("frobnicate_request");
    expect(reply).toBeUndefined();
    expect(types).toEqual(["status", "status"]);
    expect(logs).toEqual(['unknown message type "frobnicate_request" on shell']);
  });
});

describe("JupyterKernel: stdin (a cell's input())", () => {
  const asking = (): ScriptedCell => ({
    outputs: [out.stream("before\n")],
    asks: [
      { prompt: "Name?", password: false },
      { prompt: "Key?", password: true },
    ],
  });

  /** Wait until the kernel has sent `count` input_requests; return them. */
  async function inputRequests(sent: Sent[], count: number): Promise<Sent[]> {
    await vi.waitFor(() => {
      if (sent.filter((s) => s.channel === "stdin").length < count) throw new Error("not yet");
    });
    return sent.filter((s) => s.channel === "stdin");
  }

  function inputReply(request: JupyterMessage, value: unknown): JupyterMessage {
    return {
      identities: [Buffer.from("client-a")],
      header: makeHeader("input_reply", "client-session", "tester"),
      parent_header: request.header,
      metadata: {},
      content: { value },
      buffers: [],
    };
  }

  it("sends input_request on stdin to the cell's client and answers with its input_reply", async () => {
    const { kernel, request, executor, sent } = setup(asking);
    const cell = { ...request("execute_request", { code: "ask", allow_stdin: true }) };
    cell.identities = [Buffer.from("client-a"), Buffer.from("route")];
    kernel.handle("shell", cell);

    const [first] = await inputRequests(sent, 1);
    expect(first?.message.header.msg_type).toBe("input_request");
    expect(first?.message.identities).toEqual(cell.identities);
    expect(first?.message.parent_header).toEqual(cell.header);
    expect(first?.message.header.session).toBe("kernel-session");
    expect(first?.message.content).toEqual({ prompt: "Name?", password: false });
    kernel.handle("stdin", inputReply(first.message, "Ada"));

    const [, second] = await inputRequests(sent, 2);
    expect(second?.message.content).toEqual({ prompt: "Key?", password: true });
    kernel.handle("stdin", inputReply(second.message, "xyz"));
    await kernel.idle();

    expect(executor.answers).toEqual([{ value: "Ada" }, { value: "xyz" }]);
    const reply = sent.find((s) => s.channel === "shell")?.message;
    expect(reply?.header.msg_type).toBe("execute_reply");
    expect(reply?.content["status"]).toBe("ok");
  });

  it("does not ask a client that did not allow stdin, and says why", async () => {
    for (const content of [{ code: "ask", allow_stdin: false }, { code: "ask" }]) {
      const { kernel, request, executor, sent } = setup(asking);
      kernel.handle("shell", request("execute_request", content));
      await kernel.idle();
      expect(sent.filter((s) => s.channel === "stdin")).toEqual([]);
      expect(executor.answers).toEqual([
        { reason: "the Jupyter client does not allow input (allow_stdin is false)" },
        { reason: "the Jupyter client does not allow input (allow_stdin is false)" },
      ]);
    }
  });

  it("ignores a reply nobody asked for and a reply without text, saying so", async () => {
    const { kernel, request, executor, sent, logs } = setup(asking);
    kernel.handle("stdin", inputReply(request("execute_request"), "stray"));
    expect(logs).toEqual(["ignoring input_reply on stdin: no input was requested"]);

    kernel.handle("shell", request("execute_request", { code: "ask", allow_stdin: true }));
    const [first] = await inputRequests(sent, 1);
    kernel.handle("stdin", inputReply(first.message, 42));
    const [, second] = await inputRequests(sent, 2);
    kernel.handle("stdin", inputReply(second.message, ""));
    await kernel.idle();
    expect(executor.answers).toEqual([
      { reason: "the input_reply had no text value" },
      { value: "" },
    ]);
  });
});

describe("JupyterKernel: control channel", () => {
  it("serves interrupt_request at once while a cell runs on shell", async () => {
    const { kernel, request, answers, executor } = setup(() => ({ untilInterrupted: true }));
    const cell = request("execute_request", { code: "await new Promise(() => {})" });
    kernel.handle("shell", cell);
    await Promise.resolve();
    const interrupt = request("interrupt_request");
    kernel.handle("control", interrupt);
    await kernel.idle();
    expect(executor.interrupts).toBe(1);
    expect(answers(interrupt).reply?.content).toEqual({ status: "ok" });
    expect(answers(cell).content).toMatchObject({ status: "error", ename: "Interrupted" });
  });

  it("forwards a signal interrupt to the executor", () => {
    const { kernel, executor } = setup();
    kernel.interrupt();
    expect(executor.interrupts).toBe(1);
  });

  it("answers shutdown_request, stops the executor, exits and ignores what follows", async () => {
    const { kernel, request, answers, executor, exits, sent } = setup();
    const shutdown = request("shutdown_request", { restart: true });
    kernel.handle("control", shutdown);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const { reply, types } = answers(shutdown);
    expect(reply?.content).toEqual({ status: "ok", restart: true });
    expect(types).toEqual(["status", "shutdown_reply"]);
    expect(executor.shutdowns).toBe(1);
    expect(exits).toEqual([true]);
    const count = sent.length;
    kernel.handle("shell", request("execute_request", { code: "1" }));
    await kernel.idle();
    expect(sent.length).toBe(count);
    expect(executor.executed).toEqual([]);
  });

  it("announces the starting status with no parent", () => {
    const { kernel, sent } = setup();
    kernel.announceStarting();
    expect(sent).toHaveLength(1);
    expect(sent[0].channel).toBe("iopub");
    expect(sent[0].message.content).toEqual({ execution_state: "starting" });
    expect(sent[0].message.parent_header).toEqual({});
  });
});
