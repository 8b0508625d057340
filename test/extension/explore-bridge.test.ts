/** The extension host's side of explore views: renderer moves → kernel, answers → that editor. */
import { describe, expect, it } from "vitest";
import { createExploreBridge, NO_KERNEL_REASON } from "../../extension/explore-bridge.js";
import type { ExploreFrame, ExploreHostMessage } from "../../kernel/shared/payloads.js";
import { FakeKernel } from "./fakes.js";

const FRAME: ExploreFrame = { kind: "curve", x: [0.5], value: 0.25, slope: 1, second: 2 };
const NB = { toString: () => "file:///a.ipynb" };
const OTHER = { toString: () => "file:///b.ipynb" };

function setup(kernel: FakeKernel | undefined = new FakeKernel()) {
  const posted: { message: ExploreHostMessage; editor: string }[] = [];
  const bridge = createExploreBridge<string>({
    kernelFor: (notebook) => (notebook.toString() === NB.toString() ? kernel : undefined),
    post: (message, editor) => posted.push({ message, editor }),
  });
  return { bridge, posted, kernel };
}

describe("explore bridge (VS Code extension host)", () => {
  it("forwards a move to the kernel and the frame back to the editor that shows the view", () => {
    const { bridge, posted, kernel } = setup();
    bridge.receive({ type: "exploreMove", viewId: "v1", seq: 3, x: [0.5] }, NB, "editor-1");
    expect(kernel.moves).toEqual([
      { type: "exploreMove", id: "m1", viewId: "v1", seq: 3, x: [0.5] },
    ]);
    kernel.explore({
      type: "exploreFrame",
      id: "m1",
      viewId: "v1",
      seq: 3,
      x: [0.5],
      payload: FRAME,
      ms: 0.2,
    });
    kernel.explore({
      type: "exploreError",
      id: "m2",
      viewId: "v1",
      seq: 4,
      ename: "Error",
      evalue: "bad",
    });
    expect(posted).toEqual([
      {
        message: { type: "exploreFrame", viewId: "v1", seq: 3, x: [0.5], payload: FRAME, ms: 0.2 },
        editor: "editor-1",
      },
      {
        message: { type: "exploreError", viewId: "v1", seq: 4, ename: "Error", evalue: "bad" },
        editor: "editor-1",
      },
    ]);
  });

  it("says the move waits while a cell runs", () => {
    const { bridge, posted, kernel } = setup();
    kernel.setState("busy");
    bridge.receive({ type: "exploreMove", viewId: "v1", seq: 1, x: [1] }, NB, "e");
    expect(posted).toEqual([
      { message: { type: "exploreWaiting", viewId: "v1", seq: 1 }, editor: "e" },
    ]);
    expect(kernel.moves).toHaveLength(1);
  });

  it("closes views without a running kernel, and when the kernel restarts or stops", () => {
    const { bridge, posted, kernel } = setup();
    bridge.receive({ type: "exploreMove", viewId: "v9", seq: 1, x: [1] }, OTHER, "e2");
    expect(posted.pop()).toEqual({
      message: { type: "exploreClosed", viewId: "v9", reason: NO_KERNEL_REASON },
      editor: "e2",
    });
    bridge.receive({ type: "exploreMove", viewId: "v1", seq: 1, x: [1] }, NB, "e");
    bridge.kernelChanged(OTHER, "starting");
    bridge.kernelChanged(NB, "idle");
    expect(posted).toEqual([]);
    bridge.kernelChanged(NB, "starting");
    const closed = posted.pop()?.message;
    expect(closed).toMatchObject({ type: "exploreClosed", viewId: "v1" });
    expect(closed?.type === "exploreClosed" ? closed.reason : "").toMatch(/restarted/);
    kernel.explore({
      type: "exploreFrame",
      id: "m1",
      viewId: "v1",
      seq: 1,
      x: [1],
      payload: FRAME,
      ms: 0,
    });
    expect(posted).toEqual([]); // a closed view gets nothing more
  });

  it("passes the executor's closed event on and forgets the view", () => {
    const { bridge, posted, kernel } = setup();
    bridge.receive({ type: "exploreMove", viewId: "v1", seq: 1, x: [1] }, NB, "e");
    kernel.explore({ type: "exploreClosed", id: "m1", viewId: "v1", reason: "released" });
    kernel.explore({ type: "exploreClosed", viewId: "v1", reason: "again" });
    expect(posted).toEqual([
      { message: { type: "exploreClosed", viewId: "v1", reason: "released" }, editor: "e" },
    ]);
  });

  it("releases a view and ignores messages that are not well-formed explore messages", () => {
    const { bridge, posted, kernel } = setup();
    bridge.receive({ type: "exploreRelease", viewId: "v1" }, NB, "e");
    expect(kernel.releases).toEqual(["v1"]);
    for (const bad of [
      null,
      "x",
      { type: "rendered" },
      { type: "exploreMove", viewId: "v", seq: 1, x: [NaN] },
      { type: "exploreMove", viewId: 1, seq: 1, x: [] },
    ]) {
      bridge.receive(bad, NB, "e");
    }
    expect(kernel.moves).toEqual([]);
    expect(posted).toEqual([]);
  });
});
