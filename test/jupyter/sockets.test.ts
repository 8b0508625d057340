/**
 * The kernel's real ZeroMQ sockets on loopback: a message with a wrong or missing signature is
 * dropped and never executed; a correctly signed one is executed and answered; heartbeats echo.
 */
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { Dealer, Request, Subscriber } from "zeromq";
import type { ConnectionInfo } from "../../kernel/jupyter/connection.js";
import { JupyterKernel } from "../../kernel/jupyter/handler.js";
import { openKernelSockets, type KernelSockets } from "../../kernel/jupyter/sockets.js";
import {
  createSigner,
  decodeMessage,
  encodeMessage,
  makeHeader,
  type JupyterMessage,
} from "../../kernel/jupyter/wire.js";
import { FakeExecutor } from "./fake-executor.js";

const KEY = "a0b1c2d3-e4f5-test-key";

/** Five distinct free loopback ports: all held open at once, then released together. */
async function freePorts(): Promise<number[]> {
  const servers = Array.from({ length: 5 }, () => createServer());
  const ports = await Promise.all(
    servers.map(
      (server) =>
        new Promise<number>((resolve, reject) => {
          server.once("error", reject);
          server.listen(0, "127.0.0.1", () => {
            const address = server.address();
            if (typeof address === "object" && address) resolve(address.port);
            else reject(new Error("no port"));
          });
        }),
    ),
  );
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

async function connectionInfo(): Promise<ConnectionInfo> {
  const [shell, iopub, stdin, control, hb] = (await freePorts()) as [
    number,
    number,
    number,
    number,
    number,
  ];
  return {
    transport: "tcp",
    ip: "127.0.0.1",
    shell_port: shell,
    iopub_port: iopub,
    stdin_port: stdin,
    control_port: control,
    hb_port: hb,
    key: KEY,
    signature_scheme: "hmac-sha256",
  };
}

function executeRequest(code: string): JupyterMessage {
  return {
    identities: [],
    header: makeHeader("execute_request", "client", "tester"),
    parent_header: {},
    metadata: {},
    content: { code, silent: false },
    buffers: [],
  };
}

/** Receive on the dealer until a reply arrives or `ms` pass. */
async function receiveWithin(dealer: Dealer, ms: number): Promise<Buffer[] | undefined> {
  dealer.receiveTimeout = ms;
  try {
    return await dealer.receive();
  } catch {
    return undefined;
  }
}

describe("kernel sockets over ZeroMQ", () => {
  const cleanup: (() => void | Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function start() {
    const info = await connectionInfo();
    const executor = new FakeExecutor(() => ({
      outputs: [
        { type: "result", id: "x", executionCount: 1, data: { "text/plain": "2" }, metadata: {} },
      ],
    }));
    const logs: string[] = [];
    const holder: { sockets?: KernelSockets } = {};
    const kernel = new JupyterKernel({
      executor,
      io: {
        send: (ch, m) => holder.sockets?.send(ch, m),
        log: (t) => logs.push(t),
        exit: () => undefined,
      },
    });
    holder.sockets = await openKernelSockets(info, {
      onMessage: (ch, m) => kernel.handle(ch, m),
      onSubscribe: () => kernel.announceState(),
      log: (t) => logs.push(t),
    });
    cleanup.push(() => holder.sockets?.close());
    const shell = new Dealer();
    shell.connect(`tcp://127.0.0.1:${info.shell_port}`);
    const iopub = new Subscriber();
    iopub.connect(`tcp://127.0.0.1:${info.iopub_port}`);
    iopub.subscribe();
    cleanup.push(() => {
      shell.close();
      iopub.close();
    });
    return { info, executor, logs, shell, kernel, iopub, sockets: holder.sockets };
  }

  it("drops a message signed with the wrong key and never executes it", async () => {
    const { executor, logs, shell } = await start();
    await shell.send(
      encodeMessage(executeRequest("1 + 1"), createSigner("hmac-sha256", "not the key")),
    );
    expect(await receiveWithin(shell, 500)).toBeUndefined();
    expect(executor.executed).toEqual([]);
    expect(logs).toContain("rejected a message on shell: invalid signature");
  });

  it("drops an unsigned message and never executes it", async () => {
    const { executor, logs, shell } = await start();
    await shell.send(encodeMessage(executeRequest("1 + 1"), createSigner("hmac-sha256", "")));
    expect(await receiveWithin(shell, 500)).toBeUndefined();
    expect(executor.executed).toEqual([]);
    expect(logs).toContain("rejected a message on shell: missing signature");
  });

  it("executes a correctly signed message, answers it signed, and refuses its replay", async () => {
    const { executor, logs, shell, kernel } = await start();
    const signer = createSigner("hmac-sha256", KEY);
    const frames = encodeMessage(executeRequest("1 + 1"), signer);
    await shell.send(frames);
    const reply = await receiveWithin(shell, 5000);
    expect(reply).toBeDefined();
    const decoded = decodeMessage(reply!, signer);
    expect(decoded.ok).toBe(true);
    if (decoded.ok)
      expect(decoded.message.content).toMatchObject({ status: "ok", execution_count: 1 });
    expect(executor.executed).toEqual([{ code: "1 + 1", silent: false }]);

    await shell.send(frames);
    expect(await receiveWithin(shell, 500)).toBeUndefined();
    await kernel.idle();
    expect(executor.executed).toHaveLength(1);
    expect(logs).toContain("rejected a message on shell: replayed signature");
  });

  it("tells a new IOPub subscriber the kernel's state, signed", async () => {
    const { iopub } = await start();
    iopub.receiveTimeout = 5000;
    const decoded = decodeMessage(await iopub.receive(), createSigner("hmac-sha256", KEY));
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.message.header.msg_type).toBe("status");
    expect(decoded.message.content).toEqual({ execution_state: "idle" });
  });

  it("keeps every IOPub message for a subscriber that reads late (nothing dropped at the high-water mark)", async () => {
    const { iopub, sockets } = await start();
    const signer = createSigner("hmac-sha256", KEY);
    iopub.receiveTimeout = 5000;
    await iopub.receive(); // the greeting: the subscription is live
    const count = 20_000;
    const text = "x".repeat(1000);
    for (let i = 0; i < count; i++) {
      sockets.send("iopub", {
        identities: [Buffer.from("kernel.test.stream")],
        header: makeHeader("stream", "kernel"),
        parent_header: {},
        metadata: {},
        content: { name: "stdout", text: `${i} ${text}` },
        buffers: [],
      });
    }
    const seen: number[] = [];
    iopub.receiveTimeout = 2000;
    while (seen.length < count) {
      const frames = await iopub.receive().catch(() => undefined);
      if (frames === undefined) break;
      const decoded = decodeMessage(frames, signer);
      if (decoded.ok) seen.push(Number.parseInt(String(decoded.message.content["text"]), 10));
    }
    expect(seen.length).toBe(count);
    expect(seen.every((n, i) => n === i)).toBe(true);
  });

  it("echoes heartbeats", async () => {
    const { info } = await start();
    const hb = new Request();
    hb.connect(`tcp://127.0.0.1:${info.hb_port}`);
    hb.receiveTimeout = 5000;
    cleanup.push(() => hb.close());
    await hb.send("ping-42");
    const [echo] = await hb.receive();
    expect(echo?.toString()).toBe("ping-42");
  });
});
