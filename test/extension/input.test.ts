import { describe, expect, test, vi } from "vitest";
vi.mock("vscode", () => import("./fake-vscode.js"));
import type * as vscode from "vscode";
import { createInputHandler, inputSource, type AskText } from "../../extension/input.js";
import { runCell } from "../../extension/cell-execution.js";
import { CancellationTokenSource } from "./fake-vscode.js";
import { FakeExecution, FakeKernel } from "./fakes.js";

/** An input box that records what it was asked and answers with `answer` (undefined: Escape). */
function fakeBox(answer: string | undefined): { ask: AskText; asked: vscode.InputBoxOptions[] } {
  const asked: vscode.InputBoxOptions[] = [];
  const ask: AskText = (options) => {
    asked.push(options);
    return Promise.resolve(answer);
  };
  return { ask, asked };
}

/** An input box that stays open until its token is cancelled, then resolves undefined. */
function openBox(): { ask: AskText; closed: () => boolean } {
  let closed = false;
  const ask: AskText = (_options, token) =>
    new Promise((resolve) =>
      token.onCancellationRequested(() => {
        closed = true;
        resolve(undefined);
      }),
    );
  return { ask, closed: () => closed };
}

const event = (prompt: string, password = false) =>
  ({ type: "input", id: "c1", prompt, password }) as const;

describe("createInputHandler", () => {
  test.each([
    { prompt: "Name?", password: false, typed: "Ada" },
    { prompt: "API key:", password: true, typed: "s3cret" },
    { prompt: "Empty is an answer", password: false, typed: "" },
  ])("asks $prompt (password $password) and answers $typed", async (row) => {
    const box = fakeBox(row.typed);
    const cellEnded = new CancellationTokenSource().token;
    const onInput = createInputHandler({ ask: box.ask, source: "demo.ipynb, cell 2", cellEnded });
    await expect(onInput(event(row.prompt, row.password))).resolves.toBe(row.typed);
    expect(box.asked).toEqual([
      {
        title: "demo.ipynb, cell 2: input",
        prompt: row.prompt,
        password: row.password,
        ignoreFocusOut: true,
      },
    ]);
  });

  test("an empty prompt still tells the user what the box is for", async () => {
    const box = fakeBox("x");
    const cellEnded = new CancellationTokenSource().token;
    await createInputHandler({ ask: box.ask, source: "n", cellEnded })(event(""));
    expect(box.asked[0]?.prompt).toBe("Type a line of text for the cell");
  });

  test("Escape rejects with 'the input was cancelled'", async () => {
    const cellEnded = new CancellationTokenSource().token;
    const onInput = createInputHandler({ ask: fakeBox(undefined).ask, source: "n", cellEnded });
    await expect(onInput(event("Name?"))).rejects.toThrow(/^the input was cancelled$/);
  });

  test("ending the cell closes the open box and rejects", async () => {
    const source = new CancellationTokenSource();
    const box = openBox();
    const onInput = createInputHandler({
      ask: box.ask,
      source: "n",
      cellEnded: source.token,
    });
    const answer = onInput(event("Name?"));
    expect(box.closed()).toBe(false);
    source.cancel();
    await expect(answer).rejects.toThrow("the cell ended before the answer came");
    expect(box.closed()).toBe(true);
  });

  test("a question after the cell ended is refused without a box", async () => {
    const source = new CancellationTokenSource();
    source.cancel();
    const box = fakeBox("late");
    const onInput = createInputHandler({
      ask: box.ask,
      source: "n",
      cellEnded: source.token,
    });
    await expect(onInput(event("Name?"))).rejects.toThrow("the cell ended");
    expect(box.asked).toEqual([]);
  });
});

describe("inputSource", () => {
  test.each([
    {
      cell: { index: 2, notebook: { uri: { path: "/w/demo.ipynb" } } },
      named: "demo.ipynb, cell 3",
    },
    { cell: { notebook: { uri: { path: "/w/demo.ipynb" } } }, named: "demo.ipynb" },
    { cell: { index: 0 }, named: "Cotangent, cell 1" },
    { cell: {}, named: "Cotangent" },
  ])("names $named", ({ cell, named }) => {
    expect(inputSource(cell)).toBe(named);
  });
});

describe("runCell with input", () => {
  test("the box is titled with the notebook and cell", async () => {
    const kernel = new FakeKernel(async (_code, h, id) => {
      await h.onInput!(event("Name?"));
      return { type: "done", id, status: "ok", executionCount: 1 };
    });
    const execution = new FakeExecution({
      document: { getText: () => "await input()" },
      index: 4,
      notebook: { uri: { path: "/w/demo.ipynb" } },
    } as { document: { getText(): string } });
    const box = fakeBox("Ada");
    expect(await runCell(execution, kernel, box.ask)).toBe("ok");
    expect(box.asked[0]?.title).toBe("demo.ipynb, cell 5: input");
  });

  test("the cell's end closes a box still open and its input() rejects", async () => {
    let answer: Promise<string> | undefined;
    const kernel = new FakeKernel((_code, h, id) => {
      answer = h.onInput!(event("Wait"));
      answer.catch(() => undefined);
      return Promise.resolve({ type: "done", id, status: "interrupted", executionCount: 1 });
    });
    const box = openBox();
    expect(await runCell(FakeExecution.forCode("await input()"), kernel, box.ask)).toBe(
      "interrupted",
    );
    expect(box.closed()).toBe(true);
    await expect(answer).rejects.toThrow("the cell ended before the answer came");
  });

  test("cancelling the execution closes the open box and the cell's input() rejects", async () => {
    const executionToken = new CancellationTokenSource();
    let answer: Promise<string> | undefined;
    const kernel = new FakeKernel(async (_code, h, id) => {
      answer = h.onInput!(event("Name?"));
      const message = await answer.catch((error: Error) => error.message);
      h.onError?.({ type: "error", id, ename: "InputError", evalue: message, traceback: [] });
      return { type: "done", id, status: "error", executionCount: 1 };
    });
    const execution = Object.assign(FakeExecution.forCode("await input()"), {
      token: executionToken.token,
    });
    const box = openBox();
    const run = runCell(execution, kernel, box.ask);
    await vi.waitFor(() => expect(answer).toBeDefined());
    expect(box.closed()).toBe(false);
    executionToken.cancel();
    expect(await run).toBe("error");
    expect(box.closed()).toBe(true);
    await expect(answer).rejects.toThrow("the cell ended before the answer came");
  });
});
