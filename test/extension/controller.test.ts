import { beforeEach, describe, expect, test, vi } from "vitest";
vi.mock("vscode", () => import("./fake-vscode.js"));
import { CotangentController, namesOurKernel } from "../../extension/controller.js";
import { KernelManager, type KernelStateChange } from "../../extension/kernel-manager.js";
import { Uri, created, workspace, type FakeController } from "./fake-vscode.js";
import { FakeExecution, FakeKernel } from "./fakes.js";
import type * as vscode from "vscode";

const ERROR = "application/vnd.code.notebook.error";

describe("namesOurKernel", () => {
  test.each([
    { metadata: { metadata: { kernelspec: { name: "cotangent" } } }, ours: true },
    { metadata: { kernelspec: { name: "cotangent" } }, ours: true },
    { metadata: { metadata: { kernelspec: { name: "python3" } } }, ours: false },
    { metadata: { metadata: {} }, ours: false },
    { metadata: undefined, ours: false },
  ])("$metadata → $ours", ({ metadata, ours }) => {
    expect(namesOurKernel(metadata)).toBe(ours);
  });
});

function setup(trusted: boolean) {
  const kernels: FakeKernel[] = [];
  const manager = new KernelManager(
    (cwd) => {
      const kernel = new FakeKernel();
      kernel.executed.push(`cwd:${cwd}`);
      kernels.push(kernel);
      return kernel;
    },
    (notebook) => `/dir/of${notebook.path}`,
  );
  const warnings: string[] = [];
  created.executionFactory = (cell) => new FakeExecution(cell as FakeExecution["cell"]);
  const controller = new CotangentController({
    kernels: manager,
    isTrusted: () => trusted,
    warnUntrusted: () => warnings.push("untrusted"),
  });
  const fake = created.controllers.at(-1)!;
  const notebook = {
    uri: Uri.file("/work/a.ipynb"),
    notebookType: "jupyter-notebook",
    metadata: {},
  };
  const cells = ["1 + 1", "2 + 2"].map((code) => ({ document: { getText: () => code } }));
  const run = async (): Promise<FakeExecution[]> => {
    await fake.executeHandler!(cells, notebook, fake);
    return fake.executions.splice(0) as FakeExecution[];
  };
  return { manager, kernels, controller, fake, notebook, run, warnings };
}

describe("CotangentController", () => {
  beforeEach(() => {
    created.controllers.length = 0;
    workspace.notebookDocuments = [];
  });

  test("is a TypeScript/JavaScript controller for Jupyter notebooks with execution order", () => {
    const { fake } = setup(true);
    expect(fake).toMatchObject<Partial<FakeController>>({
      id: "cotangent-kernel",
      notebookType: "jupyter-notebook",
      supportedLanguages: ["typescript", "javascript"],
      supportsExecutionOrder: true,
    });
    expect(fake.interruptHandler).toBeTypeOf("function");
  });

  test("runs cells on one kernel per notebook, started in the notebook's folder", async () => {
    const { kernels, run } = setup(true);
    const first = await run();
    await run();
    expect(kernels).toHaveLength(1);
    expect(kernels[0].executed).toEqual([
      "cwd:/dir/of/work/a.ipynb",
      "1 + 1",
      "2 + 2",
      "1 + 1",
      "2 + 2",
    ]);
    expect(first.map((e) => e.success)).toEqual([true, true]);
  });

  test("in an untrusted workspace, cells do not run and say why", async () => {
    const { kernels, run, warnings } = setup(false);
    const executions = await run();
    expect(kernels).toHaveLength(0);
    expect(warnings).toEqual(["untrusted"]);
    for (const execution of executions) {
      expect(execution.success).toBe(false);
      const item = execution.outputs[0].items[0];
      expect(item.mime).toBe(ERROR);
      expect(new TextDecoder().decode(item.data)).toContain("not trusted");
    }
  });

  test("is preferred for notebooks whose kernelspec is cotangent, and starts their kernel at once", () => {
    const getCells = () => [{ kind: 2, document: { getText: () => "1 + 1" } }];
    const ours = {
      uri: Uri.file("/a.ipynb"),
      notebookType: "jupyter-notebook",
      metadata: { metadata: { kernelspec: { name: "cotangent" } } },
      getCells,
    };
    const other = {
      uri: Uri.file("/b.ipynb"),
      notebookType: "jupyter-notebook",
      metadata: { metadata: { kernelspec: { name: "python3" } } },
      getCells,
    };
    workspace.notebookDocuments = [ours, other];
    const { fake, kernels, manager } = setup(true);
    expect(fake.affinity.get(ours)).toBe(2);
    expect(fake.affinity.has(other)).toBe(false);
    expect(kernels).toHaveLength(1);
    expect(kernels[0]?.starts).toBe(1);
    expect(manager.state(ours.uri as unknown as vscode.Uri)).toBeDefined();
    expect(manager.state(other.uri as unknown as vscode.Uri)).toBeUndefined();
    // Selecting the controller afterwards does not start a second kernel or check again.
    fake.selection.fire({ notebook: ours, selected: true });
    expect(kernels).toHaveLength(1);
    expect(kernels[0]?.starts).toBe(1);
  });

  test("the interrupt handler interrupts the notebook's running kernel", async () => {
    const { fake, kernels, run, notebook } = setup(true);
    await run();
    await fake.interruptHandler!(notebook);
    expect(kernels[0].interrupts).toBe(1);
  });
});

describe("KernelManager", () => {
  const uri = Uri.file("/n.ipynb") as unknown as vscode.Uri;

  test("reports state changes and an unexpected death, then keeps using the same client", () => {
    const kernel = new FakeKernel();
    const manager = new KernelManager(
      () => kernel,
      () => "/",
    );
    const changes: KernelStateChange[] = [];
    manager.onDidChangeState((change) => changes.push(change));
    expect(manager.kernel(uri)).toBe(kernel);
    kernel.setState("busy");
    expect(manager.running(uri)).toBe(kernel);
    kernel.exit({ message: "The kernel died (out of memory).", reason: "oom" });
    expect(manager.running(uri)).toBeUndefined();
    expect(manager.state(uri)).toBe("dead");
    expect(changes.map((c) => c.state)).toEqual(["busy", "dead"]);
    expect(changes[1].exit?.reason).toBe("oom");
    expect(manager.kernel(uri)).toBe(kernel);
  });

  test("two notebooks get two kernels; interrupting one never touches the other", () => {
    const made: FakeKernel[] = [];
    const manager = new KernelManager(
      () => {
        made.push(new FakeKernel());
        return made.at(-1)!;
      },
      () => "/",
    );
    const other = Uri.file("/other.ipynb") as unknown as vscode.Uri;
    const [first, second] = [manager.kernel(uri), manager.kernel(other)];
    expect(made).toHaveLength(2);
    expect(first).not.toBe(second);
    made[0].setState("busy");
    made[1].setState("busy");
    expect(manager.interrupt(uri)).toBe(true);
    expect(made.map((k) => k.interrupts)).toEqual([1, 0]);
    made[0].exit({ message: "The kernel was killed by SIGKILL.", reason: "signal" });
    expect(manager.state(uri)).toBe("dead");
    expect(manager.running(other)).toBe(made[1]);
  });

  test("an expected exit (shutdown) is not reported as a death; shutdown forgets the kernel", async () => {
    const made: FakeKernel[] = [];
    const manager = new KernelManager(
      () => {
        made.push(new FakeKernel());
        return made.at(-1)!;
      },
      () => "/",
    );
    const changes: KernelStateChange[] = [];
    manager.onDidChangeState((change) => changes.push(change));
    manager.kernel(uri);
    made[0].exit({ expected: true });
    expect(changes.at(-1)).toEqual({ notebook: uri, state: "dead" });
    await manager.shutdown(uri);
    expect(made[0].shutdowns).toBe(1);
    expect(manager.state(uri)).toBeUndefined();
    manager.kernel(uri);
    expect(made).toHaveLength(2);
  });
});
