/// <reference types="mocha" />
/**
 * The extension end to end in a real VS Code: open the fixture notebook, select Cotangent, Run
 * All, and check what the user sees — execution order, streamed stdout, results, our MIME types
 * first, the renderer drawing them — then errors, interrupt and recovery from a dead kernel.
 */
import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import { MIME } from "../../../kernel/shared/payloads.js";
import {
  activateExtension,
  appendCells,
  describeOutputs,
  errors,
  openFixture,
  ranSince,
  askBeforeRestart,
  runCells,
  startCells,
  STDOUT,
  texts,
  waitFor,
  type CotangentApi,
} from "./helpers.js";

suite("Cotangent notebook in a real VS Code", () => {
  let api: CotangentApi;
  let notebook: vscode.NotebookDocument;
  /** The stdout text of the streaming cell each time its outputs changed while it ran. */
  const streamedWhileRunning: string[] = [];
  const runAll = { started: 0, firstOutput: 0, lastOutput: 0 };

  const cellWith = (text: string): vscode.NotebookCell => {
    const cell = notebook.getCells().find((c) => c.document.getText().includes(text));
    if (!cell) throw new Error(`no cell contains ${JSON.stringify(text)}`);
    return cell;
  };

  suiteSetup(async () => {
    api = await activateExtension();
    console.log(`measure: extension activation ${api.activationMs} ms`);
    notebook = await openFixture("demo.ipynb");
    const listener = vscode.workspace.onDidChangeNotebookDocument((event) => {
      if (event.notebook !== notebook) return;
      for (const change of event.cellChanges) {
        if (!change.outputs) continue;
        const now = Date.now();
        if (runAll.firstOutput === 0 && change.outputs.length > 0) runAll.firstOutput = now;
        runAll.lastOutput = now;
        if (
          change.cell.document.getText().includes("tick 1") &&
          !change.cell.executionSummary?.timing?.endTime
        ) {
          streamedWhileRunning.push(texts(change.cell, STDOUT).join(""));
        }
      }
    });
    runAll.started = Date.now();
    await vscode.commands.executeCommand("notebook.execute", notebook.uri);
    const code = notebook.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
    // Cells skipped after a failure never get an end time: the tests below then say which failed.
    await waitFor("Run All to finish", () =>
      code.every((c) => c.executionSummary?.timing?.endTime !== undefined),
    ).catch((error: Error) => console.log(error.message));
    listener.dispose();
    console.log(
      `measure: Run All → first output ${runAll.firstOutput - runAll.started} ms, ` +
        `last output ${runAll.lastOutput - runAll.started} ms`,
    );
  });

  test("runs every code cell successfully, in order", () => {
    const code = notebook.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
    const failed = code.filter((c) => c.executionSummary?.success !== true);
    assert.deepEqual(
      failed.map((c) => ({ source: c.document.getText(), outputs: errors(c) })),
      [],
      "cells that did not succeed",
    );
    const orders = code.map((c) => c.executionSummary?.executionOrder);
    assert.deepEqual(
      orders,
      code.map((_, i) => i + 1),
    );
  });

  test("streams stdout while the cell is still running", () => {
    const cell = cellWith("tick 1");
    assert.ok(
      streamedWhileRunning.some((text) => text.includes("tick 1") && !text.includes("tick 2")),
      `expected "tick 1" alone before the cell ended; saw ${JSON.stringify(streamedWhileRunning)}`,
    );
    assert.match(texts(cell, STDOUT).join(""), /tick 1\n[^]*tick 2/);
  });

  test("shows a tensor as the cell's result", () => {
    const cell = cellWith("const kept = 41");
    const result = cell.outputs.find((o) => o.metadata?.["outputType"] === "execute_result");
    assert.ok(result, "no execute_result output");
    const plain = texts(cell, "text/plain").join("\n");
    assert.match(plain, /1[^\d]+2[^\d]+3[^\d]+4/);
  });

  test("puts the Jacobian first with Cotangent's MIME type, fallbacks after", () => {
    const cell = cellWith("jacobian(f)");
    const output = cell.outputs.find((o) => o.items.some((i) => i.mime === MIME.jacobian));
    assert.ok(
      output,
      `no ${MIME.jacobian} output; have ${cell.outputs.map((o) => o.items.map((i) => i.mime).join(",")).join(" | ")}`,
    );
    assert.equal(output.items[0]?.mime, MIME.jacobian);
    assert.ok(
      output.items.some((i) => i.mime === "text/plain"),
      "no text/plain fallback",
    );
    const payload = JSON.parse(new TextDecoder().decode(output.items[0].data)) as {
      kind: string;
      outShape: number[];
      inShape: number[];
    };
    assert.equal(payload.kind, "jacobian");
    assert.deepEqual([payload.outShape, payload.inShape], [[3], [3]]);
  });

  test("shows a chain and a finished trace with their MIME types", () => {
    const chain = cellWith("traceChain(F");
    assert.ok(
      chain.outputs.some((o) => o.items[0]?.mime === MIME.chain),
      "no chain output",
    );
    const traceCell = cellWith('trace("loss")');
    const traces = traceCell.outputs.filter((o) => o.items[0]?.mime === MIME.trace);
    assert.equal(traces.length, 1, "the trace should update one output in place");
    const payload = JSON.parse(new TextDecoder().decode(traces[0].items[0].data)) as {
      done: boolean;
    };
    assert.equal(payload.done, true, "the trace output should show the finished trace");
  });

  test("the renderer reports drawing the Jacobian, the chain and the trace", async () => {
    const editor = await vscode.window.showNotebookDocument(notebook);
    const views = [
      { mime: MIME.jacobian, cell: cellWith("jacobian(f)") },
      { mime: MIME.chain, cell: cellWith("traceChain(F") },
      { mime: MIME.trace, cell: cellWith('trace("loss")') },
    ];
    for (const { mime, cell } of views) {
      // The notebook list is virtual: only outputs of cells in view are rendered.
      const range = new vscode.NotebookRange(cell.index, cell.index + 1);
      editor.revealRange(range, vscode.NotebookEditorRevealType.InCenter);
      await waitFor(`the renderer to report drawing ${mime}`, () =>
        api.rendererMessages().some((m) => {
          const message = m.message as { type?: unknown; mime?: unknown };
          return message.type === "rendered" && message.mime === mime;
        }),
      );
    }
  });

  test("an error points to the right line of its cell", async () => {
    const index = await appendCells(notebook, [
      'const a = 1;\nconst b = a + 1;\nthrow new Error("boom " + b);',
    ]);
    await runCells(notebook, index, index + 1);
    const cell = notebook.cellAt(index);
    assert.equal(cell.executionSummary?.success, false);
    const [error] = errors(cell);
    assert.ok(error, "no error output");
    assert.equal(error.message, "boom 2");
    assert.match(
      error.stack ?? "",
      /cell[^\n]*:3:\d+/,
      `stack should point to line 3: ${error.stack}`,
    );
  });

  test("a type error is reported at its line and the cell does not run", async () => {
    const index = await appendCells(notebook, ['console.log("ran");\nconst s: string = kept;']);
    await runCells(notebook, index, index + 1);
    const cell = notebook.cellAt(index);
    assert.equal(cell.executionSummary?.success, false);
    assert.deepEqual(texts(cell, STDOUT), [], "a cell that does not type-check must not run");
    const [error] = errors(cell);
    assert.ok(error, "no error output");
    assert.match(
      `${error.message}\n${error.stack}`,
      /2:\d+/,
      `should point to line 2: ${error.stack}`,
    );
  });

  test("completion, hover and type errors in a cell come from the kernel", async () => {
    const index = await appendCells(notebook, ["J.", "const wrong: string = kept;"]);
    const member = notebook.cellAt(index).document;
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      "vscode.executeCompletionItemProvider",
      member.uri,
      new vscode.Position(0, 2),
    );
    const labels = list.items.map((item) =>
      typeof item.label === "string" ? item.label : item.label.label,
    );
    assert.ok(
      labels.includes("outShape"),
      `completions of J. should include outShape: ${labels.slice(0, 40).join(", ")}`,
    );
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      "vscode.executeHoverProvider",
      member.uri,
      new vscode.Position(0, 0),
    );
    const hoverText = hovers
      .flatMap((hover) => hover.contents.map((c) => (typeof c === "string" ? c : c.value)))
      .join("\n");
    assert.match(hoverText, /Jacobian/, `hover on J: ${hoverText}`);
    const typed = notebook.cellAt(index + 1).document;
    const diagnostics = await waitFor("a type-error diagnostic", () => {
      const found = vscode.languages
        .getDiagnostics(typed.uri)
        .filter((d) => d.source === "cotangent");
      return found.length > 0 ? found : undefined;
    });
    assert.equal(diagnostics[0]?.range.start.line, 0);
    assert.match(diagnostics[0]?.message ?? "", /not assignable/);
  });

  test("a cell's input() is answered in VS Code's input box, or cancelled with Escape", async () => {
    const index = await appendCells(notebook, [
      'const answer = await input("Name?");\n`[${answer}]`',
      'await input("Again?")',
    ]);
    // Accept the (empty) box once it shows, then cancel the second one: "" and an InputError.
    const answered = notebook.cellAt(index);
    await answerWhileRunning(notebook, index, "workbench.action.acceptSelectedQuickOpenItem");
    assert.deepEqual(texts(answered, "text/plain"), ["'[]'"], describeOutputs(answered));
    const cancelled = notebook.cellAt(index + 1);
    await answerWhileRunning(notebook, index + 1, "workbench.action.closeQuickOpen");
    assert.equal(cancelled.executionSummary?.success, false);
    assert.match(errors(cancelled)[0]?.message ?? "", /the input was cancelled/);
  });

  test("hover on an imported name says `import grad` once; completion lists no internal member first", async () => {
    const index = await appendCells(notebook, [
      'import { grad } from "cotangent";\ngrad',
      "const member = tensor([1, 2]);\nmember.",
    ]);
    const hoverCell = notebook.cellAt(index).document;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      "vscode.executeHoverProvider",
      hoverCell.uri,
      new vscode.Position(1, 2),
    );
    const hoverText = hovers
      .flatMap((hover) => hover.contents)
      .map((content) => (typeof content === "string" ? content : content.value))
      .join("\n---\n");
    console.log(`hover on an imported name:\n${hoverText}`);
    assert.match(hoverText, /function grad/, "the kernel's hover names the function");
    assert.equal(hoverText.match(/\bimport grad\b/g)?.length ?? 0, 1, hoverText);
    const completeCell = notebook.cellAt(index + 1).document;
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      "vscode.executeCompletionItemProvider",
      completeCell.uri,
      new vscode.Position(1, 7),
      ".",
    );
    // The order VS Code shows: by sortText, else by label.
    const label = (item: vscode.CompletionItem): string =>
      typeof item.label === "string" ? item.label : item.label.label;
    const shown = [...list.items]
      .sort((a, b) => (a.sortText ?? label(a)).localeCompare(b.sortText ?? label(b)))
      .map(label);
    assert.ok(shown.includes("sum"), `completion lists the tensor's methods: ${shown.join(" ")}`);
    const firstInternal = shown.findIndex((name) => name.startsWith("_"));
    const afterIt = firstInternal < 0 ? [] : shown.slice(firstInternal);
    assert.ok(
      afterIt.every((name) => name.startsWith("_")),
      `internal members must come after every public one: ${shown.join(" ")}`,
    );
  });

  test("a Jacobian running past a second shows a progress bar in place, then a summary", async () => {
    // jacfwd runs f once per batch: 12 batches of 150 ms (wall clock), so the bar must appear
    const source = [
      'import { jacfwd, sin, tensor } from "cotangent";',
      "const slow = (v) => {",
      "  const t = Date.now();",
      "  while (Date.now() - t < 150) {}",
      "  return sin(v);",
      "};",
      "const J12 = jacfwd(slow, { chunkSize: 1 })(tensor(Array.from({ length: 12 }, (_, i) => i)));",
    ].join("\n");
    const index = await appendCells(notebook, [source]);
    const cell = notebook.cellAt(index);
    const seen: string[] = [];
    const listener = vscode.workspace.onDidChangeNotebookDocument((event) => {
      for (const change of event.cellChanges)
        if (change.cell === cell && change.outputs) seen.push(texts(cell, "text/html").join("\n"));
    });
    await runCells(notebook, index, index + 1).finally(() => {
      listener.dispose();
    });
    assert.equal(cell.executionSummary?.success, true, describeOutputs(cell));
    assert.ok(
      seen.some((html) => html.includes("<progress")),
      `no progress bar while it ran: ${JSON.stringify(seen)}`,
    );
    assert.equal(cell.outputs.length, 1, describeOutputs(cell));
    assert.match(
      texts(cell, "text/plain").join(""),
      /^jacfwd: 12 columns in 12 batches of 1 columns · \d+\.\d s$/,
    );
  });

  test("interrupting `while (true) {}` keeps the kernel's state", async () => {
    const index = await appendCells(notebook, ["while (true) {}", "kept + 1"]);
    const since = Date.now();
    void startCells(notebook, index, index + 1);
    await waitFor("the loop to be running", () => api.kernelState(notebook.uri) === "busy");
    await new Promise((resolve) => setTimeout(resolve, 300));
    await vscode.commands.executeCommand("cotangent.interruptKernel", notebook.uri);
    const loop = notebook.cellAt(index);
    await waitFor(
      "the loop to stop",
      () => (loop.executionSummary?.timing?.endTime ?? 0) >= since,
      10_000,
    );
    assert.equal(loop.executionSummary?.success, false);
    await runCells(notebook, index + 1, index + 2);
    const next = notebook.cellAt(index + 1);
    assert.deepEqual(texts(next, "text/plain"), ["42"], describeOutputs(next));
  });

  test("after process.exit(1) the cell reports the death and the next run starts a fresh kernel", async () => {
    const before = notebook.getCells().map((c) => c.document.getText());
    const index = await appendCells(notebook, ["process.exit(1)", "6 * 7"]);
    await runCells(notebook, index, index + 1);
    const dead = notebook.cellAt(index);
    assert.equal(dead.executionSummary?.success, false);
    const [error] = errors(dead);
    assert.ok(error, "no error output for the dead kernel");
    assert.match(`${error.name} ${error.message}`, /KernelDied|exited|died/i);
    await runCells(notebook, index + 1, index + 2);
    const fresh = notebook.cellAt(index + 1);
    assert.deepEqual(texts(fresh, "text/plain"), ["42"], describeOutputs(fresh));
    const after = notebook.getCells().map((c) => c.document.getText());
    assert.deepEqual(after.slice(0, before.length), before, "notebook content must be unchanged");
  });

  test("after process.exit(3): one notification, and the cell shows its own execution count", async () => {
    const index = await appendCells(notebook, [
      "const beforeExit = 1;",
      "process.exit(3)",
      "6 * 7",
    ]);
    const noticesBefore = api.deathNotices().length;
    await runCells(notebook, index, index + 1);
    const previous = notebook.cellAt(index).executionSummary?.executionOrder ?? 0;
    await runCells(notebook, index + 1, index + 2);
    const dead = notebook.cellAt(index + 1);
    assert.equal(dead.executionSummary?.success, false);
    assert.match(errors(dead)[0]?.message ?? "", /exited with code 3/, describeOutputs(dead));
    assert.equal(dead.executionSummary?.executionOrder, previous + 1, "the dead cell's own count");
    // The next run starts a fresh kernel; by then every notice of this death has been shown.
    await runCells(notebook, index + 2, index + 3);
    assert.deepEqual(texts(notebook.cellAt(index + 2), "text/plain"), ["42"]);
    const notices = api.deathNotices().slice(noticesBefore);
    assert.deepEqual(notices, [
      "Cotangent: The kernel exited with code 3. The next run starts a fresh kernel.",
    ]);
  });

  test("Restart Kernel asks first (a modal); unanswered, the kernel keeps its state", async () => {
    const index = await appendCells(notebook, [
      "const survivor = 7;",
      "survivor * 6",
      "typeof globalThis.process",
    ]);
    await runCells(notebook, index, index + 1);
    // VS Code's test host refuses modal dialogs, naming the one asked for; a user would answer.
    const restore = await askBeforeRestart(true);
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand("cotangent.restartKernel", notebook.uri)),
      /dialog.*Restart the Cotangent kernel\?/s,
    );
    await runCells(notebook, index + 1, index + 2);
    const kept = notebook.cellAt(index + 1);
    assert.deepEqual(texts(kept, "text/plain"), ["42"], describeOutputs(kept));
    // With the question turned off (its "Don't Ask Again"), Restart discards the state.
    await askBeforeRestart(false);
    await vscode.commands.executeCommand("cotangent.restartKernel", notebook.uri);
    await restore();
    await runCells(notebook, index + 2, index + 3);
    const fresh = notebook.cellAt(index + 2);
    assert.equal(fresh.executionSummary?.executionOrder, 1, "a restarted kernel counts from 1");
    await runCells(notebook, index + 1, index + 2);
    assert.match(
      errors(kept)[0]?.message ?? "",
      /Cannot find name 'survivor'/,
      describeOutputs(kept),
    );
  });

  test("an interrupted live trace is marked interrupted and shows every push", async () => {
    const index = await appendCells(notebook, [
      'const spin = trace("spin");\nlet spun = 0;\nwhile (true) { spin.push(spun, { v: spun }); spun++; if (spun % 20000 === 0) console.log(spun); }',
      'Math.min(spin.steps.length, spin.series.get("v")!.length)',
    ]);
    const since = Date.now();
    void startCells(notebook, index, index + 1);
    const loop = notebook.cellAt(index);
    await waitFor("the loop to push", () => texts(loop, STDOUT).join("").includes("20000"));
    await vscode.commands.executeCommand("cotangent.interruptKernel", notebook.uri);
    await waitFor("the loop to stop", () => ranSince(loop, since), 30_000);
    assert.equal(loop.executionSummary?.success, false);
    await runCells(notebook, index + 1, index + 2);
    const pushed = texts(notebook.cellAt(index + 1), "text/plain")[0];
    const shown = texts(loop, "text/plain").find((text) => text.startsWith('trace "spin"'));
    assert.match(shown ?? "", /^trace "spin": \d+ steps \(interrupted\)/, describeOutputs(loop));
    assert.equal(/(\d+) steps/.exec(shown ?? "")?.[1], pushed, "every completed push is shown");
    const payload = texts(loop, MIME.trace).map(
      (text) => JSON.parse(text) as { interrupted?: boolean },
    );
    assert.equal(payload.at(-1)?.interrupted, true, describeOutputs(loop));
  });

  test("after kill -9 of the executor while a cell streams, earlier outputs stay, the cell reports the death, the next run starts a fresh kernel", async () => {
    const snapshot = (): string[] =>
      notebook.getCells().map((c) => `${c.document.getText()}\n${describeOutputs(c)}`);
    const before = snapshot();
    const index = await appendCells(notebook, [
      "console.log(`pid ${process.pid}`);\nfor (let n = 0; ; n++) {\n  console.log(`tick ${n}`);\n  await new Promise((resolve) => setTimeout(resolve, 10));\n}",
      "6 * 7",
    ]);
    const since = Date.now();
    void startCells(notebook, index, index + 1);
    const cell = notebook.cellAt(index);
    const streamed = await waitFor("the cell to stream four ticks", () => {
      const text = texts(cell, STDOUT).join("");
      return text.includes("tick 3\n") ? text : undefined;
    });
    process.kill(Number(/pid (\d+)/.exec(streamed)?.[1]), "SIGKILL");
    await waitFor("the killed cell to end", () => ranSince(cell, since), 30_000);
    assert.equal(cell.executionSummary?.success, false);
    const [error] = errors(cell);
    assert.ok(error, "no error output for the killed kernel");
    assert.match(`${error.name} ${error.message}`, /KernelDied.*SIGKILL/s);
    assert.match(texts(cell, STDOUT).join(""), /^pid \d+\ntick 0\ntick 1\ntick 2\ntick 3\n/);
    assert.deepEqual(snapshot().slice(0, before.length), before, "earlier cells must be unchanged");
    await runCells(notebook, index + 1, index + 2);
    const fresh = notebook.cellAt(index + 1);
    assert.deepEqual(texts(fresh, "text/plain"), ["42"], describeOutputs(fresh));
  });

  test("New Notebook creates a Cotangent notebook that runs its import cell; Restart Kernel works", async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>("cotangent.newNotebook");
    const created = vscode.workspace.notebookDocuments.find(
      (n) => n.uri.toString() === uri.toString(),
    );
    assert.ok(created, "the new notebook is not open");
    const spec = (created.metadata["metadata"] as { kernelspec?: { name?: string } } | undefined)
      ?.kernelspec;
    assert.equal(spec?.name, "cotangent");
    assert.match(created.cellAt(0).document.getText(), /from "cotangent"/);
    assert.equal(created.cellAt(0).document.languageId, "typescript");
    await runCells(created, 0, 1);
    assert.equal(
      created.cellAt(0).executionSummary?.success,
      true,
      describeOutputs(created.cellAt(0)),
    );
    const restore = await askBeforeRestart(false);
    await vscode.commands.executeCommand("cotangent.restartKernel", created.uri);
    await restore();
    assert.equal(api.kernelState(created.uri), "idle");
    const index = await appendCells(created, ["2 ** 10"]);
    await runCells(created, index, index + 1);
    assert.deepEqual(
      texts(created.cellAt(index), "text/plain"),
      ["1024"],
      describeOutputs(created.cellAt(index)),
    );
    assert.equal(
      created.cellAt(index).executionSummary?.executionOrder,
      1,
      "a restarted kernel counts from 1",
    );
  });
});

/** Runs one cell and, until it has finished, keeps sending `command` to VS Code's input box. */
async function answerWhileRunning(
  notebook: vscode.NotebookDocument,
  index: number,
  command: string,
): Promise<void> {
  const since = Date.now();
  const cell = notebook.cellAt(index);
  void startCells(notebook, index, index + 1);
  const until = Date.now() + 30_000;
  while (!ranSince(cell, since)) {
    if (Date.now() > until) throw new Error(`cell ${index} did not finish: no input box answered`);
    await vscode.commands.executeCommand(command);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
