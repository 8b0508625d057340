import { describe, expect, it } from "vitest";
import type { ExecuteHandlers, ExitInfo, KernelClient } from "../../kernel/client.js";
import { linkKernelClient } from "../../kernel/jupyter/client-link.js";
import type { CellOutput } from "../../kernel/jupyter/executor-link.js";
import type { DoneEvent, ReadyEvent } from "../../kernel/protocol.js";

const READY: ReadyEvent = {
  type: "ready",
  protocol: 1,
  versions: { cotangent: "0.1.0", typescript: "5.0.4", node: "20" },
};

function fakeClient(overrides: Partial<KernelClient> = {}) {
  const exitListeners: ((info: ExitInfo) => void)[] = [];
  const calls = { start: 0, interrupt: 0, shutdown: 0 };
  const client = {
    start: () => {
      calls.start++;
      return Promise.resolve(READY);
    },
    interrupt: () => {
      calls.interrupt++;
    },
    shutdown: () => {
      calls.shutdown++;
      return Promise.resolve();
    },
    onExit: (listener: (info: ExitInfo) => void) => {
      exitListeners.push(listener);
      return () => undefined;
    },
    onExplore: () => () => undefined,
    ...overrides,
  } as unknown as KernelClient;
  const exit = (expected: boolean): void => {
    const info: ExitInfo = {
      reason: "exit",
      code: 3,
      signal: null,
      expected,
      message: "The kernel exited with code 3.",
      stderrTail: "",
    };
    for (const listener of exitListeners) listener(info);
  };
  return { client, calls, exit };
}

describe("linkKernelClient", () => {
  it("reports the executor's versions once it is ready", async () => {
    const { client } = fakeClient();
    await expect(linkKernelClient(client, () => undefined).ready()).resolves.toEqual(
      READY.versions,
    );
  });

  it("forwards every kind of cell output and the cell's status", async () => {
    const outputs: CellOutput[] = [
      { type: "stream", id: "r1", name: "stdout", text: "a\n" },
      { type: "display", id: "r1", data: { "text/plain": "d" }, metadata: {}, update: false },
      { type: "result", id: "r1", executionCount: 1, data: { "text/plain": "2" }, metadata: {} },
      { type: "clear", id: "r1", wait: false },
      { type: "error", id: "r1", ename: "E", evalue: "v", traceback: [] },
    ];
    const seen: { code: string; silent: boolean | undefined }[] = [];
    const { client } = fakeClient({
      execute: (
        code: string,
        handlers: ExecuteHandlers = {},
        options: { silent?: boolean } = {},
      ): Promise<DoneEvent> => {
        seen.push({ code, silent: options.silent });
        handlers.onStream?.(outputs[0] as never);
        handlers.onDisplay?.(outputs[1] as never);
        handlers.onResult?.(outputs[2] as never);
        handlers.onClear?.(outputs[3] as never);
        handlers.onError?.(outputs[4] as never);
        return Promise.resolve({
          type: "done",
          id: "r1",
          status: "interrupted",
          executionCount: 1,
        });
      },
    });
    const received: CellOutput[] = [];
    const outcome = await linkKernelClient(client, () => undefined).execute("x", true, (o) =>
      received.push(o),
    );
    expect(outcome).toEqual({ status: "interrupted" });
    expect(received).toEqual(outputs);
    expect(seen).toEqual([{ code: "x", silent: true }]);
  });

  it("starts a fresh executor at once after an unexpected death, not after an expected one", () => {
    const { client, calls, exit } = fakeClient();
    const logs: string[] = [];
    linkKernelClient(client, (t) => logs.push(t));
    exit(true);
    expect(calls.start).toBe(0);
    exit(false);
    expect(calls.start).toBe(1);
    expect(logs).toEqual(["The kernel exited with code 3. Starting a fresh executor."]);
  });

  it("does not restart eagerly in a loop when the executor keeps dying", () => {
    const { client, calls, exit } = fakeClient();
    let clock = 0;
    const logs: string[] = [];
    linkKernelClient(
      client,
      (t) => logs.push(t),
      () => clock,
    );
    exit(false);
    clock += 1_000;
    exit(false);
    expect(calls.start).toBe(1);
    expect(logs[1]).toMatch(/died again soon after a restart/);
    clock += 10_000;
    exit(false);
    expect(calls.start).toBe(2);
  });

  it("does not restart the executor once shutting down", async () => {
    const { client, calls, exit } = fakeClient();
    const link = linkKernelClient(client, () => undefined);
    await link.shutdown();
    exit(false);
    expect(calls).toMatchObject({ shutdown: 1, start: 0 });
  });

  it("stops waiting for an executor that does not exit", async () => {
    const { client, calls } = fakeClient({ shutdown: () => new Promise<void>(() => undefined) });
    const link = linkKernelClient(client, () => undefined);
    await expect(link.shutdown()).resolves.toBeUndefined();
    link.interrupt();
    expect(calls.interrupt).toBe(1);
  });
});
