/**
 * Restart Kernel asks before it discards the kernel's state; a dead kernel is reported once;
 * selecting the controller starts the notebook's kernel before the first run.
 */
import { beforeEach, describe, expect, test, vi } from "vitest";
vi.mock("vscode", () => import("./fake-vscode.js"));
import { registerCommands, RESTART, RESTART_ALWAYS } from "../../extension/commands.js";
import { CotangentController } from "../../extension/controller.js";
import { KernelManager } from "../../extension/kernel-manager.js";
import { reportKernelDeaths } from "../../extension/notifications.js";
import { Uri, created, registered, settings, shown, workspace } from "./fake-vscode.js";
import { FakeKernel } from "./fakes.js";
import type * as vscode from "vscode";

function setup(trusted = true) {
  const kernels: FakeKernel[] = [];
  const manager = new KernelManager(
    () => {
      const kernel = new FakeKernel();
      kernels.push(kernel);
      return kernel;
    },
    () => "/dir",
  );
  const controller = new CotangentController({
    kernels: manager,
    isTrusted: () => trusted,
    warnUntrusted: () => undefined,
  });
  const commands = registerCommands(manager, controller);
  const notebook = Uri.file("/work/a.ipynb") as unknown as vscode.Uri;
  const restart = () => registered.get("cotangent.restartKernel")!(notebook);
  return { manager, kernels, controller, commands, notebook, restart };
}

beforeEach(() => {
  created.controllers.length = 0;
  workspace.notebookDocuments = [];
  settings.clear();
  shown.messages.length = 0;
  shown.answer = () => undefined;
});

describe("Restart Kernel", () => {
  test("asks with a modal before discarding a running kernel; dismissing it keeps the kernel", async () => {
    const { manager, kernels, notebook, restart } = setup();
    manager.kernel(notebook);
    await restart();
    expect(shown.messages).toHaveLength(1);
    const [asked] = shown.messages;
    expect(asked?.options?.modal).toBe(true);
    expect(asked?.message).toMatch(/Restart the Cotangent kernel\?/);
    expect(asked?.options?.detail).toMatch(/variables/);
    expect(asked?.buttons).toEqual([RESTART, RESTART_ALWAYS]);
    expect(kernels[0]?.restarts).toBe(0);
    expect(kernels[0]?.interrupts).toBe(0);
  });

  test("restarts when the user says Restart, and asks again next time", async () => {
    const { manager, kernels, notebook, restart } = setup();
    manager.kernel(notebook);
    shown.answer = () => RESTART;
    await restart();
    await restart();
    expect(kernels[0]?.restarts).toBe(2);
    expect(shown.messages).toHaveLength(2);
    expect(settings.get("cotangent.askForKernelRestart")).toBeUndefined();
  });

  test("Don't Ask Again restarts and turns the question off", async () => {
    const { manager, kernels, notebook, restart } = setup();
    manager.kernel(notebook);
    shown.answer = () => RESTART_ALWAYS;
    await restart();
    expect(settings.get("cotangent.askForKernelRestart")).toBe(false);
    await restart();
    expect(kernels[0]?.restarts).toBe(2);
    expect(shown.messages).toHaveLength(1);
  });

  test("does not ask when the notebook has no running kernel", async () => {
    const { manager, kernels, notebook, restart } = setup();
    manager.kernel(notebook);
    kernels[0].state = "dead";
    await restart();
    expect(shown.messages).toHaveLength(0);
    expect(kernels[0]?.restarts).toBe(1);
  });
});

describe("kernel death notices", () => {
  test("one warning per death, even when the exit is reported twice; again after a fresh kernel", () => {
    const { manager, kernels, notebook } = setup();
    const warnings: string[] = [];
    const notices = reportKernelDeaths(
      manager,
      () => undefined,
      (m) => warnings.push(m),
    );
    manager.kernel(notebook);
    const kernel = kernels[0];
    const exit = { code: 3, message: "The kernel exited with code 3." };
    kernel.exit(exit);
    kernel.exit(exit);
    expect(warnings).toEqual([
      "Cotangent: The kernel exited with code 3. The next run starts a fresh kernel.",
    ]);
    kernel.setState("starting");
    kernel.setState("idle");
    kernel.exit(exit);
    expect(warnings).toHaveLength(2);
    expect(notices.shown()).toEqual(warnings);
  });

  test("an expected exit (shutdown, restart) shows nothing", () => {
    const { manager, kernels, notebook } = setup();
    const warnings: string[] = [];
    reportKernelDeaths(
      manager,
      () => undefined,
      (m) => warnings.push(m),
    );
    manager.kernel(notebook);
    kernels[0].exit({ expected: true, message: "The kernel was shut down." });
    expect(warnings).toEqual([]);
  });
});

describe("kernel start at selection", () => {
  const opened = (path: string) => ({
    uri: Uri.file(path),
    getCells: () => [
      { kind: 1, document: { getText: () => "# Title" } },
      { kind: 2, document: { getText: () => 'import { grad } from "cotangent";' } },
      { kind: 2, document: { getText: () => "grad" } },
    ],
  });

  test("selecting the controller starts the kernel and checks the first code cell, before any run", async () => {
    const { manager, kernels } = setup();
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const states: (string | undefined)[] = [];
    manager.onDidChangeState(({ state }) => states.push(state));
    const fake = created.controllers.at(-1)!;
    const notebook = opened("/work/a.ipynb");
    const uri = notebook.uri as unknown as vscode.Uri;
    fake.selection.fire({ notebook, selected: true });
    const kernel = kernels[0];
    kernel.diagnoseAnswer = async () => {
      await answered;
      return { type: "diagnoseReply", id: "d", diagnostics: [] };
    };
    expect(kernels).toHaveLength(1);
    expect(kernel.starts).toBe(1);
    await vi.waitFor(() => expect(kernel.diagnosed).toEqual(['import { grad } from "cotangent";']));
    // Until the check is answered the status bar says "starting".
    expect(manager.state(uri)).toBe("starting");
    answer();
    await vi.waitFor(() => expect(manager.state(uri)).toBe("idle"));
    expect(states.at(-1)).toBe("idle");
    expect(kernel.executed).toEqual([]);
  });

  test("a failed warm-up check leaves the kernel usable", async () => {
    const { manager, kernels } = setup();
    const fake = created.controllers.at(-1)!;
    const notebook = opened("/work/a.ipynb");
    fake.selection.fire({ notebook, selected: true });
    kernels[0].diagnoseAnswer = () => Promise.reject(new Error("checker failed"));
    await vi.waitFor(() =>
      expect(manager.state(notebook.uri as unknown as vscode.Uri)).toBe("idle"),
    );
  });

  test("deselecting starts nothing, and nothing starts in an untrusted workspace", () => {
    const { kernels } = setup(false);
    const fake = created.controllers.at(-1)!;
    fake.selection.fire({ notebook: opened("/work/a.ipynb"), selected: true });
    fake.selection.fire({ notebook: opened("/work/b.ipynb"), selected: false });
    expect(kernels).toHaveLength(0);
  });
});
