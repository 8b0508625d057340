/** Explore comms through the Jupyter handler with a scripted executor: no process, no sockets. */
import { describe, expect, it } from "vitest";
import { JupyterKernel, type Channel } from "../../kernel/jupyter/handler.js";
import { makeHeader, type JupyterMessage } from "../../kernel/jupyter/wire.js";
import { EXPLORE_COMM_TARGET, MIME } from "../../kernel/shared/payloads.js";
import type { ExploreFrame } from "../../kernel/shared/payloads.js";
import { FakeExecutor } from "./fake-executor.js";

const FRAME: ExploreFrame = { kind: "curve", x: [1], value: 1, slope: 2, second: 2 };

function setup() {
  // Every cell shows the explore view "v1".
  const executor = new FakeExecutor(() => ({
    outputs: [
      {
        type: "result",
        id: "x",
        executionCount: 1,
        data: { [MIME.explore]: { viewId: "v1" }, "text/plain": "explore" },
        metadata: {},
      },
    ],
  }));
  const sent: { channel: Channel; message: JupyterMessage }[] = [];
  const kernel = new JupyterKernel({
    executor,
    io: {
      send: (channel, message) => sent.push({ channel, message }),
      log: () => undefined,
      exit: () => undefined,
    },
    session: "kernel-session",
  });
  const message = (type: string, content: Record<string, unknown>): JupyterMessage => ({
    identities: [Buffer.from("peer")],
    header: makeHeader(type, "client-session", "tester"),
    parent_header: {},
    metadata: {},
    content,
    buffers: [],
  });
  const send = (type: string, content: Record<string, unknown>): JupyterMessage => {
    const m = message(type, content);
    kernel.handle("shell", m);
    return m;
  };
  /** IOPub messages whose parent is m, as "type" or "type:method" / "status:idle". */
  const about = (m: JupyterMessage): string[] =>
    sent
      .filter((s) => (s.message.parent_header as { msg_id?: string }).msg_id === m.header.msg_id)
      .map((s) => {
        const c = s.message.content;
        const detail =
          s.message.header.msg_type === "status"
            ? c["execution_state"]
            : ((c["data"] as Record<string, unknown> | undefined)?.["method"] ??
              (c["data"] as Record<string, unknown> | undefined)?.["reason"]);
        return `${s.message.header.msg_type}:${String(detail)}`;
      });
  const run = async (): Promise<void> => {
    send("execute_request", { code: "explore(…)" });
    await kernel.idle();
  };
  return { executor, kernel, sent, send, about, run };
}

const open = { comm_id: "c1", target_name: EXPLORE_COMM_TARGET, data: { viewId: "v1" } };

describe("explore comms", () => {
  it("attaches to a view a cell showed and lists the comm in comm_info", async () => {
    const { send, about, run, kernel, sent } = setup();
    await run();
    const m = send("comm_open", open);
    expect(about(m)).toEqual(["status:busy", "comm_msg:attached", "status:idle"]);
    const info = send("comm_info_request", { target_name: EXPLORE_COMM_TARGET });
    await kernel.idle();
    const reply = sent.find(
      (s) => s.channel === "shell" && s.message.parent_header["msg_id"] === info.header.msg_id,
    );
    expect(reply?.message.content["comms"]).toEqual({ c1: { target_name: EXPLORE_COMM_TARGET } });
  });

  it("closes a comm to an unknown view or target with a reason", () => {
    const { send, about } = setup();
    expect(about(send("comm_open", open))).toEqual([
      "status:busy",
      expect.stringMatching(/^comm_close:this kernel does not know/),
      "status:idle",
    ]);
    const other = send("comm_open", { comm_id: "c2", target_name: "jupyter.widget", data: {} });
    expect(about(other)[1]).toMatch(/^comm_close:this kernel has no comm target "jupyter.widget"/);
  });

  it("sends moves to the executor; idle comes with the answer, superseded moves go idle with it", async () => {
    const { send, about, run, executor } = setup();
    await run();
    send("comm_open", open);
    const moves = [1, 2, 3].map((seq) =>
      send("comm_msg", { comm_id: "c1", data: { method: "move", seq, x: [seq] } }),
    );
    expect(moves.map(about)).toEqual([["status:busy"], ["status:busy"], ["status:busy"]]);
    expect(executor.moves.map((m) => [m.viewId, m.seq, m.x])).toEqual([
      ["v1", 1, [1]],
      ["v1", 2, [2]],
      ["v1", 3, [3]],
    ]);
    const last = executor.moves[2];
    executor.explore.answer({
      type: "exploreFrame",
      id: last.id,
      viewId: "v1",
      seq: 3,
      x: [3],
      payload: FRAME,
      ms: 0.1,
    });
    expect(moves.map(about)).toEqual([
      ["status:busy", "status:idle"],
      ["status:busy", "status:idle"],
      ["status:busy", "comm_msg:frame", "status:idle"],
    ]);
  });

  it("answers a bad move with an error at once", async () => {
    const { send, about, run, executor } = setup();
    await run();
    send("comm_open", open);
    const bad = send("comm_msg", { comm_id: "c1", data: { method: "move", seq: 1, x: ["a"] } });
    expect(about(bad)).toEqual(["status:busy", "comm_msg:error", "status:idle"]);
    expect(executor.moves).toEqual([]);
  });

  it("closes the comm when the executor says the view is gone, or the executor died", async () => {
    const { send, about, run, executor } = setup();
    await run();
    send("comm_open", open);
    const move = send("comm_msg", { comm_id: "c1", data: { method: "move", seq: 1, x: [1] } });
    executor.explore.answer({
      type: "exploreClosed",
      id: executor.moves[0].id,
      viewId: "v1",
      reason: "released",
    });
    expect(about(move)).toEqual(["status:busy", "comm_close:released", "status:idle"]);
    await run();
    send("comm_open", { ...open, comm_id: "c3" });
    const waiting = send("comm_msg", { comm_id: "c3", data: { method: "move", seq: 2, x: [2] } });
    executor.explore.reset("The kernel died.");
    expect(about(waiting)).toEqual(["status:busy", "status:idle"]);
    expect(about(send("comm_open", { ...open, comm_id: "c4" }))[1]).toMatch(/^comm_close:/);
  });

  it("releases the view when the front end closes its last comm", async () => {
    const { send, run, executor } = setup();
    await run();
    send("comm_open", open);
    send("comm_close", { comm_id: "c1", data: {} });
    expect(executor.releases).toEqual(["v1"]);
  });
});
