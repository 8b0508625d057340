/** The extension host answers a mounting explore view: attached, or closed with the reason. */
import { describe, expect, it } from "vitest";
import {
  createExploreBridge,
  NO_KERNEL_REASON,
  STALE_VIEW_REASON,
} from "../../extension/explore-bridge.js";
import type { ExploreFrame, ExploreHostMessage } from "../../kernel/shared/payloads.js";
import { FakeKernel } from "./fakes.js";

const NB = { toString: () => "file:///a.ipynb" };
const FRAME: ExploreFrame = { kind: "curve", x: [1], value: 1, slope: 2, second: 0 };

function setup(kernel: FakeKernel | undefined) {
  const posted: { message: ExploreHostMessage; editor: string }[] = [];
  const bridge = createExploreBridge<string>({
    kernelFor: () => kernel,
    post: (message, editor) => posted.push({ message, editor }),
  });
  return { bridge, posted };
}

describe("explore attach (VS Code extension host)", () => {
  it("a view the running kernel showed is attached, and its frames come back to its editor", () => {
    const kernel = new FakeKernel();
    kernel.shownViews.add("k1-3");
    const { bridge, posted } = setup(kernel);
    bridge.receive({ type: "exploreAttach", viewId: "k1-3" }, NB, "editor-2");
    expect(posted).toEqual([
      { message: { type: "exploreAttached", viewId: "k1-3" }, editor: "editor-2" },
    ]);
    expect(kernel.moves).toEqual([]); // attaching computes nothing
    bridge.receive({ type: "exploreMove", viewId: "k1-3", seq: 1, x: [1] }, NB, "editor-2");
    kernel.explore({
      type: "exploreFrame",
      id: "m1",
      viewId: "k1-3",
      seq: 1,
      x: [1],
      payload: FRAME,
      ms: 1,
    });
    expect(posted.at(-1)?.editor).toBe("editor-2");
    expect(posted.at(-1)?.message.type).toBe("exploreFrame");
  });

  it("a view of an older kernel (a reopened notebook, a restart) is closed at once", () => {
    const kernel = new FakeKernel();
    kernel.shownViews.add("k2-1");
    const { bridge, posted } = setup(kernel);
    bridge.receive({ type: "exploreAttach", viewId: "k1-3" }, NB, "e");
    expect(posted).toEqual([
      {
        message: { type: "exploreClosed", viewId: "k1-3", reason: STALE_VIEW_REASON },
        editor: "e",
      },
    ]);
  });

  it("with no kernel running, the view says run the cell", () => {
    const { bridge, posted } = setup(undefined);
    bridge.receive({ type: "exploreAttach", viewId: "k1-3" }, NB, "e");
    expect(posted).toEqual([
      { message: { type: "exploreClosed", viewId: "k1-3", reason: NO_KERNEL_REASON }, editor: "e" },
    ]);
    expect(NO_KERNEL_REASON).toMatch(/run the cell to explore/);
  });
});
