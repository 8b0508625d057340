import { describe, expect, test, vi } from "vitest";
vi.mock("vscode", () => import("./fake-vscode.js"));
import { CellQueue, runCell } from "../../extension/cell-execution.js";
import { FakeExecution, FakeKernel } from "./fakes.js";

const STDOUT = "application/vnd.code.notebook.stdout";
const ERROR = "application/vnd.code.notebook.error";

function errorOf(execution: FakeExecution): { name: string; message: string } {
  const item = execution.outputs.flatMap((o) => o.items).find((i) => i.mime === ERROR);
  if (!item) throw new Error("no error output");
  return JSON.parse(new TextDecoder().decode(item.data)) as { name: string; message: string };
}

describe("runCell", () => {
  test("maps a cell's events to outputs in order and ends with success and its count", async () => {
    const kernel = new FakeKernel((code, h, id) => {
      h.onStream?.({ type: "stream", id, name: "stdout", text: `running ${code}\n` });
      h.onDisplay?.({
        type: "display",
        id,
        data: { "text/plain": "shown" },
        metadata: {},
        update: false,
      });
      h.onResult?.({
        type: "result",
        id,
        executionCount: 7,
        data: { "text/plain": "42" },
        metadata: {},
      });
      return Promise.resolve({ type: "done", id, status: "ok", executionCount: 7 });
    });
    const execution = FakeExecution.forCode("6 * 7");
    expect(await runCell(execution, kernel)).toBe("ok");
    expect(execution.rendered()).toEqual([
      [`${STDOUT}=running 6 * 7\n`],
      ["text/plain=shown"],
      ["text/plain=42"],
    ]);
    expect(execution.executionOrder).toBe(7);
    expect(execution.log[0]).toBe("start");
    expect(execution.log.at(-1)).toBe("end:true");
  });

  test("clears a cell that shows outputs before it runs, and skips clearing an empty one", async () => {
    const kernel = new FakeKernel();
    const empty = new FakeExecution({ document: { getText: () => "1" }, outputs: [] });
    const shown = new FakeExecution({ document: { getText: () => "1" }, outputs: [{}] });
    await runCell(empty, kernel);
    await runCell(shown, kernel);
    expect(empty.log).not.toContain("clear");
    expect(shown.log.slice(0, 2)).toEqual(["start", "clear"]);
  });

  test("a kernel death during the cell ends it failed with the kernel's error", async () => {
    const kernel: FakeKernel = new FakeKernel((_code, h, id) => {
      const evalue = "The kernel exited with code 1 while running this cell.";
      h.onError?.({ type: "error", id, ename: "KernelDied", evalue, traceback: [evalue] });
      kernel.exit();
      return Promise.resolve({ type: "done", id, status: "error", executionCount: 1 });
    });
    const execution = FakeExecution.forCode("process.exit(1)");
    expect(await runCell(execution, kernel)).toBe("error");
    expect(errorOf(execution).name).toBe("KernelDied");
    expect(execution.success).toBe(false);
  });

  test("a kernel that cannot start gives a clear error instead of throwing", async () => {
    const kernel = new FakeKernel(() => Promise.reject(new Error("spawn node ENOENT")));
    const execution = FakeExecution.forCode("1");
    expect(await runCell(execution, kernel)).toBe("error");
    expect(errorOf(execution)).toEqual({
      name: "KernelError",
      message: "The Cotangent kernel could not run this cell: spawn node ENOENT",
      stack: "",
    });
    expect(execution.success).toBe(false);
  });

  test("an interrupted cell says that the kernel kept its state", async () => {
    const kernel: FakeKernel = new FakeKernel((_code, _h, id) => kernel.done(id, "interrupted"));
    const execution = FakeExecution.forCode("while (true) {}");
    expect(await runCell(execution, kernel)).toBe("interrupted");
    expect(errorOf(execution).name).toBe("Interrupted");
    expect(execution.success).toBe(false);
  });
});

/** A kernel whose cells finish only when the test releases them. */
function gatedKernel(): {
  kernel: FakeKernel;
  release: (status?: "ok" | "error") => void;
  running: () => number;
} {
  const gates: ((status: "ok" | "error") => void)[] = [];
  let active = 0;
  let maxActive = 0;
  const kernel = new FakeKernel(async (_code, _h, id) => {
    active += 1;
    maxActive = Math.max(maxActive, active);
    const status = await new Promise<"ok" | "error">((resolve) => gates.push(resolve));
    active -= 1;
    return { type: "done", id, status, executionCount: 0 };
  });
  const release = (status: "ok" | "error" = "ok"): void => gates.shift()?.(status);
  return { kernel, release, running: () => maxActive };
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe("CellQueue", () => {
  test("runs batches one cell at a time, in the order they were queued", async () => {
    const { kernel, release, running } = gatedKernel();
    const queue = new CellQueue(() => kernel);
    const a = ["a1", "a2"].map((code) => FakeExecution.forCode(code));
    const b = [FakeExecution.forCode("b1")];
    const doneA = queue.enqueue(a);
    const doneB = queue.enqueue(b);
    for (let i = 0; i < 3; i++) {
      await settle();
      release();
    }
    await Promise.all([doneA, doneB]);
    expect(kernel.executed).toEqual(["a1", "a2", "b1"]);
    expect(running()).toBe(1);
    expect([...a, ...b].map((e) => e.success)).toEqual([true, true, true]);
  });

  test("a failed cell skips the rest of its batch but not later batches", async () => {
    const kernel: FakeKernel = new FakeKernel((code, _h, id) =>
      kernel.done(id, code === "bad" ? "error" : "ok"),
    );
    const queue = new CellQueue(() => kernel);
    const batch = ["ok", "bad", "skipped"].map((code) => FakeExecution.forCode(code));
    const later = [FakeExecution.forCode("later")];
    await Promise.all([queue.enqueue(batch), queue.enqueue(later)]);
    expect(kernel.executed).toEqual(["ok", "bad", "later"]);
    expect(batch.map((e) => e.success)).toEqual([true, false, undefined]);
    expect(batch[2].started).toBe(false);
    expect(later[0].success).toBe(true);
  });

  test("cancelWaiting ends the queued cells unrun and leaves the running one to the kernel", async () => {
    const { kernel, release } = gatedKernel();
    const queue = new CellQueue(() => kernel);
    const batch = ["loop", "next", "last"].map((code) => FakeExecution.forCode(code));
    const done = queue.enqueue(batch);
    await settle();
    expect(queue.busy).toBe(true);
    queue.cancelWaiting();
    expect(batch.slice(1).map((e) => e.success)).toEqual([undefined, undefined]);
    release("error");
    await done;
    expect(kernel.executed).toEqual(["loop"]);
    expect(batch[0].success).toBe(false);
    expect(queue.busy).toBe(false);
  });
});
