/**
 * The JupyterLab explore transport (extension/jupyterlab/comm-channel.ts) against a fake kernel:
 * the comm it opens, the messages it sends, and the host messages the view gets back.
 */
import { describe, expect, it } from "vitest";
import {
  createCommChannel,
  hostMessage,
  KERNEL_CLOSED_REASON,
  NO_KERNEL_REASON,
  type CommLike,
  type KernelLink,
} from "../../extension/jupyterlab/comm-channel.js";
import { EXPLORE_COMM_TARGET, type ExploreHostMessage } from "../../kernel/shared/payloads.js";

class FakeComm implements CommLike {
  isDisposed = false;
  readonly opened: unknown[] = [];
  readonly sent: unknown[] = [];
  closes = 0;
  onMsg: CommLike["onMsg"] = () => undefined;
  onClose: CommLike["onClose"] = () => undefined;
  constructor(readonly target: string) {}
  open(data: { viewId: string }): void {
    this.opened.push(data);
  }
  send(data: unknown): void {
    this.sent.push(data);
  }
  /** As JupyterLab's CommHandler: closing calls the comm's own onClose, with no reason. */
  close(): void {
    this.closes += 1;
    this.onClose({ content: { data: {} } });
    this.isDisposed = true;
  }
  /** The kernel sends `data` on this comm. */
  reply(data: unknown): void {
    this.onMsg({ content: { data } });
  }
}

function setup(kernelRunning = true) {
  const comms: FakeComm[] = [];
  const delivered: ExploreHostMessage[] = [];
  const kernel = { id: "k1", running: false };
  const link: KernelLink = {
    get id() {
      return kernel.id;
    },
    createComm(target) {
      const comm = new FakeComm(target);
      comms.push(comm);
      return comm;
    },
    executing: () => kernel.running,
  };
  const state = { up: kernelRunning };
  const channel = createCommChannel({
    kernel: () => (state.up ? link : undefined),
    deliver: (m) => delivered.push(m),
  });
  return { channel, comms, delivered, kernel, state };
}

const move = (seq: number, x: number[]) => ({
  type: "exploreMove" as const,
  viewId: "v-1",
  seq,
  x,
});

describe("the JupyterLab explore comm", () => {
  it("opens one cotangent.explore comm with { viewId } and sends each move on it", () => {
    const { channel, comms } = setup();
    channel.post(move(1, [0.5]));
    channel.post(move(2, [0.7]));
    expect(comms).toHaveLength(1);
    expect(comms[0].target).toBe(EXPLORE_COMM_TARGET);
    expect(comms[0].opened).toEqual([{ viewId: "v-1" }]);
    expect(comms[0].sent).toEqual([
      { method: "move", seq: 1, x: [0.5] },
      { method: "move", seq: 2, x: [0.7] },
    ]);
  });

  it("turns frames and errors into host messages; attached is silent", () => {
    const { channel, comms, delivered } = setup();
    channel.post(move(1, [0.5]));
    const comm = comms[0];
    comm.reply({ method: "attached" });
    comm.reply({ method: "frame", seq: 1, x: [0.5], payload: { kind: "curve" }, ms: 3 });
    comm.reply({ method: "error", seq: 2, ename: "RangeError", evalue: "bad x" });
    expect(delivered).toEqual([
      { type: "exploreFrame", viewId: "v-1", seq: 1, x: [0.5], payload: { kind: "curve" }, ms: 3 },
      { type: "exploreError", viewId: "v-1", seq: 2, ename: "RangeError", evalue: "bad x" },
    ]);
  });

  it("says waiting while a cell of the kernel runs", () => {
    const { channel, delivered, kernel } = setup();
    kernel.running = true;
    channel.post(move(1, [0.5]));
    expect(delivered).toEqual([{ type: "exploreWaiting", viewId: "v-1", seq: 1 }]);
  });

  it("closes the view with the kernel's reason, or a default one", () => {
    const first = setup();
    first.channel.post(move(1, [0.5]));
    first.comms[0].onClose({ content: { data: { reason: "unknown view" } } });
    expect(first.delivered).toEqual([
      { type: "exploreClosed", viewId: "v-1", reason: "unknown view" },
    ]);
    const second = setup();
    second.channel.post(move(1, [0.5]));
    second.comms[0].onClose({ content: { data: {} } });
    expect(second.delivered.at(-1)).toMatchObject({ reason: KERNEL_CLOSED_REASON });
  });

  it("closes the view when no kernel runs, and when the kernel changed since the comm opened", () => {
    const none = setup(false);
    none.channel.post(move(1, [0.5]));
    expect(none.delivered).toEqual([
      { type: "exploreClosed", viewId: "v-1", reason: NO_KERNEL_REASON },
    ]);
    const restarted = setup();
    restarted.channel.post(move(1, [0.5]));
    restarted.kernel.id = "k1#1";
    restarted.channel.post(move(2, [0.6]));
    expect(restarted.comms).toHaveLength(1);
    expect(restarted.comms[0].sent).toHaveLength(1);
    expect(restarted.delivered.at(-1)).toMatchObject({ type: "exploreClosed" });
  });

  it("closes its comm on release, and on the plugin's close with the reason given", () => {
    const { channel, comms, delivered } = setup();
    channel.post(move(1, [0.5]));
    channel.post({ type: "exploreRelease", viewId: "v-1" });
    expect(comms[0].closes).toBe(1);
    expect(delivered).toEqual([]);
    channel.post(move(2, [0.6]));
    channel.close("the kernel restarted");
    expect(comms[1].closes).toBe(1);
    expect(delivered).toEqual([
      { type: "exploreClosed", viewId: "v-1", reason: "the kernel restarted" },
    ]);
    // a message of the closed comm that arrives late changes nothing
    comms[1].reply({ method: "frame", seq: 2, x: [0.6], payload: {}, ms: 1 });
    expect(delivered).toHaveLength(1);
  });

  it("ignores methods it does not know", () => {
    expect(hostMessage("v", { method: "later-version" })).toBeUndefined();
    expect(hostMessage("v", null)).toBeUndefined();
  });
});
