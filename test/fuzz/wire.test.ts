/**
 * The Jupyter kernel's wire under hostile clients (fast-check, fixed seeds): the real ZeroMQ
 * sockets and protocol handler (a scripted executor behind them) get random frames, bad and
 * missing signatures, invalid JSON, wrong field types, unknown message types and oversized
 * messages on shell and on control (over IPC endpoints). After each one the kernel answers a valid request on the
 * same channel, and it never exits.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Dealer } from "zeromq";
import { endpoint, type ConnectionInfo } from "../../kernel/jupyter/connection.js";
import { JupyterKernel } from "../../kernel/jupyter/handler.js";
import { openKernelSockets, type KernelSockets } from "../../kernel/jupyter/sockets.js";
import {
  createSigner,
  decodeMessage,
  encodeMessage,
  makeHeader,
} from "../../kernel/jupyter/wire.js";
import { FakeExecutor } from "../jupyter/fake-executor.js";
import { CASES, fuzzParams, fuzzTimeout } from "./config.js";
import { hostileMessage } from "./wire-messages.js";

const KEY = "fuzz-key-0123456789";
const signer = createSigner("hmac-sha256", KEY);

const folder = mkdtempSync(join(tmpdir(), "cotangent-fuzz-wire-"));

/** IPC endpoints in a fresh folder: no port another process could take first. */
const info: ConnectionInfo = {
  transport: "ipc",
  ip: join(folder, "kernel"),
  shell_port: 1,
  iopub_port: 2,
  stdin_port: 3,
  control_port: 4,
  hb_port: 5,
  key: KEY,
  signature_scheme: "hmac-sha256",
};

const state = {
  sockets: undefined as KernelSockets | undefined,
  dealers: {} as Record<"shell" | "control", Dealer>,
  exits: 0,
  rejected: 0,
  served: 0,
  logs: [] as string[],
};

beforeAll(async () => {
  const executor = new FakeExecutor(() => ({ outputs: [] }));
  const log = (text: string): void => {
    if (text.startsWith("rejected")) state.rejected += 1;
    else state.served += 1;
    if (state.logs.length < 50) state.logs.push(text.slice(0, 200));
  };
  const kernel = new JupyterKernel({
    executor,
    io: { send: (ch, m) => state.sockets?.send(ch, m), log, exit: () => (state.exits += 1) },
  });
  state.sockets = await openKernelSockets(info, {
    onMessage: (ch, m) => kernel.handle(ch, m),
    onSubscribe: () => kernel.announceState(),
    log,
  });
  for (const channel of ["shell", "control"] as const) {
    const dealer = new Dealer({ routingId: `fuzz-${channel}`, receiveTimeout: 20_000 });
    dealer.connect(endpoint(info, channel));
    state.dealers[channel] = dealer;
  }
});

afterAll(async () => {
  for (const dealer of Object.values(state.dealers)) dealer.close();
  await state.sockets?.close();
  rmSync(folder, { recursive: true, force: true });
});

/** Send a valid kernel_info_request and read replies until its own arrives. */
async function answersKernelInfo(channel: "shell" | "control"): Promise<void> {
  const dealer = state.dealers[channel];
  const request = {
    identities: [],
    header: makeHeader("kernel_info_request", "fuzz", "fuzz"),
    parent_header: {},
    metadata: {},
    content: {},
    buffers: [],
  };
  await dealer.send(encodeMessage(request, signer));
  for (;;) {
    const decoded = decodeMessage(await dealer.receive(), signer);
    expect(decoded.ok, decoded.ok ? "" : decoded.reason).toBe(true);
    if (!decoded.ok) return;
    const parent = decoded.message.parent_header as { msg_id?: string };
    if (parent.msg_id !== request.header.msg_id) continue;
    expect(decoded.message.header.msg_type).toBe("kernel_info_reply");
    expect(decoded.message.content["status"]).toBe("ok");
    return;
  }
}

describe("the Jupyter wire under hostile messages", () => {
  it.each(["shell", "control"] as const)(
    "on %s: every hostile message is survived and the next valid request answered",
    async (channel) => {
      await answersKernelInfo(channel);
      const rejectedBefore = state.rejected;
      const servedBefore = state.served;
      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(hostileMessage(signer), async (frames) => {
          await state.dealers[channel].send(frames);
          await answersKernelInfo(channel);
          expect(state.exits).toBe(0);
        }),
        fuzzParams(`wire.${channel}`),
      );
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const refused = state.rejected - rejectedBefore;
      const handled = state.served - servedBefore;
      console.log(
        `wire fuzz on ${channel}: ${refused} refused at the wire, ${handled} refused or failed in the handler, ${seconds} s`,
      );
      // at the default 1,000 cases, both layers are reached (a short run may miss one)
      if (CASES >= 200) expect([refused > 0, handled > 0]).toEqual([true, true]);
    },
    fuzzTimeout(100, 120_000),
  );
});
