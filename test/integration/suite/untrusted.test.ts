/// <reference types="mocha" />
/**
 * Run in a workspace that is not trusted (the server starts with Workspace Trust enabled on a
 * fresh folder, no startup prompt): asking to run a cell must not run it. VS Code itself asks
 * for trust before it hands the cell to a controller (the test host refuses the dialog); if a
 * cell still reached our controller, it would refuse too (see test/extension/controller.test.ts).
 */
import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import {
  activateExtension,
  appendCells,
  describeOutputs,
  openFixture,
  STDOUT,
  texts,
} from "./helpers.js";

const SETTLE_MS = 5_000;

suite("Cotangent in an untrusted workspace", () => {
  test("does not run a cell", async () => {
    const api = await activateExtension();
    assert.equal(
      vscode.workspace.isTrusted,
      false,
      "the workspace should be untrusted for this run",
    );
    const notebook = await openFixture("demo.ipynb");
    const index = await appendCells(notebook, ['console.log("this must not run")']);
    const request = vscode.commands.executeCommand("notebook.cell.execute", {
      ranges: [{ start: index, end: index + 1 }],
      document: notebook.uri,
    });
    // The request waits on the trust dialog, which never resolves here: give it time, then look.
    await Promise.race([request, new Promise((resolve) => setTimeout(resolve, SETTLE_MS))]);
    const cell = notebook.cellAt(index);
    assert.deepEqual(texts(cell, STDOUT), [], describeOutputs(cell));
    assert.equal(cell.executionSummary?.timing, undefined, "the cell must not have run");
    assert.equal(api.kernelState(notebook.uri), undefined, "no kernel may start");
  });
});
