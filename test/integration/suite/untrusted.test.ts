/// <reference types="mocha" />
/**
 * Run in a workspace that is not trusted (the server starts with Workspace Trust enabled on a
 * fresh folder): a cell must not run, and the cell says why.
 */
import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import {
  activateExtension,
  appendCells,
  errors,
  openFixture,
  STDOUT,
  texts,
  waitFor,
} from "./helpers.js";

suite("Cotangent in an untrusted workspace", () => {
  test("does not run a cell, and says why", async () => {
    await activateExtension();
    assert.equal(
      vscode.workspace.isTrusted,
      false,
      "the workspace should be untrusted for this run",
    );
    const notebook = await openFixture("demo.ipynb");
    const index = await appendCells(notebook, ['console.log("this must not run")']);
    const since = Date.now();
    await vscode.commands.executeCommand("notebook.cell.execute", {
      ranges: [{ start: index, end: index + 1 }],
      document: notebook.uri,
    });
    const cell = notebook.cellAt(index);
    await waitFor(
      "the refused cell to end",
      () => (cell.executionSummary?.timing?.endTime ?? 0) >= since,
      20_000,
    );
    assert.deepEqual(texts(cell, STDOUT), []);
    assert.equal(cell.executionSummary?.success, false);
    const [error] = errors(cell);
    assert.equal(error?.name, "WorkspaceNotTrusted");
  });
});
