/**
 * The explore flow's coalescing without a DOM: animation frames and the clock are driven by the
 * test, the host is a list of sent messages.
 */
import { describe, expect, it } from "vitest";
import {
  createExploreFlow,
  type FlowMessaging,
  type FlowState,
} from "../../extension/renderer/explore-flow.js";
import type { ExploreRendererMessage } from "../../kernel/shared/payloads.js";

interface Frame {
  x: number[];
}

function harness(withMessaging = true) {
  const sent: ExploreRendererMessage[] = [];
  const callbacks: (() => void)[] = [];
  let clock = 0;
  const messaging: FlowMessaging = {
    send: (m) => sent.push(m),
    schedule: (cb) => callbacks.push(cb),
    now: () => clock,
  };
  const drawn: { x: number[]; seq: number }[] = [];
  const states: [FlowState, string][] = [];
  const flow = createExploreFlow<Frame>("v1", [0], withMessaging ? messaging : null, {
    draw: (frame, seq) => drawn.push({ x: frame.x, seq }),
    state: (state, detail) => states.push([state, detail]),
  });
  /** Run the pending animation frame callbacks (one repaint). */
  const repaint = (): void => {
    clock += 16;
    for (const cb of callbacks.splice(0)) cb();
  };
  type Move = Extract<ExploreRendererMessage, { type: "exploreMove" }>;
  const moves = (): Move[] => sent.filter((m): m is Move => m.type === "exploreMove");
  /** The host answers move `seq` with the frame at its x. */
  const answer = (seq: number): void => {
    const move = moves().find((m) => m.seq === seq);
    if (!move) throw new Error(`no move ${seq}`);
    clock += 3;
    flow.receive(
      {
        type: "exploreFrame",
        viewId: "v1",
        seq,
        x: move.x,
        payload: { kind: "curve" } as never,
        ms: 1,
      },
      { x: move.x },
    );
  };
  return {
    flow,
    sent,
    moves,
    drawn,
    states,
    repaint,
    answer,
    pendingFrames: () => callbacks.length,
  };
}

describe("explore flow", () => {
  it("sends at most one move per animation frame, the latest one", () => {
    const h = harness();
    for (let k = 1; k <= 10; k++) h.flow.move([k / 10]);
    expect(h.moves()).toHaveLength(0);
    expect(h.pendingFrames()).toBe(1);
    h.repaint();
    expect(h.moves()).toEqual([{ type: "exploreMove", viewId: "v1", seq: 1, x: [1] }]);
  });

  it("keeps at most one move in flight and sends the latest when the answer comes", () => {
    const h = harness();
    h.flow.move([0.1]);
    h.repaint();
    for (let k = 2; k <= 50; k++) {
      h.flow.move([k / 10]);
      h.repaint();
    }
    expect(h.moves()).toHaveLength(1);
    h.answer(1);
    expect(h.drawn).toEqual([{ x: [0.1], seq: 1 }]);
    h.repaint();
    expect(h.moves().map((m) => (m.type === "exploreMove" ? m.x : []))).toEqual([[0.1], [5]]);
    h.answer(2);
    expect(h.drawn.at(-1)).toEqual({ x: [5], seq: 2 });
    expect(h.flow.drawnX).toEqual([5]);
    h.repaint();
    expect(h.moves()).toHaveLength(2); // nothing left to send
  });

  it("always sends a release's final value, even to the point last sent", () => {
    const h = harness();
    h.flow.move([0.5]);
    h.repaint();
    h.flow.move([0.5]); // same point, not final: dropped
    h.answer(1);
    h.repaint();
    expect(h.moves()).toHaveLength(1);
    h.flow.move([0.5], true);
    h.repaint();
    expect(h.moves()).toHaveLength(2);
    h.answer(2);
    expect(h.drawn.at(-1)!.x).toEqual([0.5]);
  });

  it("draws last the frame of the final position after a drag of 100 steps", () => {
    const h = harness();
    let answered = 0;
    for (let k = 1; k <= 100; k++) {
      h.flow.move([k], k === 100);
      h.repaint();
      // the host answers every other repaint
      if (k % 2 === 0)
        for (const m of h.moves())
          if (m.type === "exploreMove" && m.seq > answered) h.answer((answered = m.seq));
    }
    for (let round = 0; round < 5; round++) {
      h.repaint();
      for (const m of h.moves())
        if (m.type === "exploreMove" && m.seq > answered) h.answer((answered = m.seq));
    }
    expect(h.drawn.at(-1)!.x).toEqual([100]);
    expect(h.moves().length).toBeLessThan(100);
    const seqs = h.drawn.map((d) => d.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(h.flow.timings).toHaveLength(h.drawn.length);
    for (const t of h.flow.timings) expect(t.drawnAt).toBeGreaterThanOrEqual(t.movedAt);
  });

  it("while the kernel waits for a running cell, says so and lets the latest move replace it", () => {
    const h = harness();
    h.flow.move([1]);
    h.repaint();
    h.flow.receive({ type: "exploreWaiting", viewId: "v1", seq: 1 }, undefined);
    expect(h.states.at(-1)).toEqual(["waiting", "waiting for the running cell"]);
    h.flow.move([2]);
    h.repaint();
    h.flow.move([3]);
    h.repaint();
    expect(h.moves().map((m) => m.seq)).toEqual([1, 2]); // 3 waits for 2's waiting
    h.flow.receive({ type: "exploreWaiting", viewId: "v1", seq: 2 }, undefined);
    h.repaint();
    expect(h.moves().map((m) => m.seq)).toEqual([1, 2, 3]);
    h.answer(3); // the kernel computed only the latest
    expect(h.drawn).toEqual([{ x: [3], seq: 3 }]);
    expect(h.states.at(-1)).toEqual(["live", ""]);
    h.answer(1); // a late frame for an older move is not drawn over the newer one
    expect(h.drawn).toHaveLength(1);
  });

  it("shows an error and goes on with the next move", () => {
    const h = harness();
    h.flow.move([1]);
    h.repaint();
    h.flow.move([2]);
    h.flow.receive(
      { type: "exploreError", viewId: "v1", seq: 1, ename: "RangeError", evalue: "bad" },
      undefined,
    );
    expect(h.states.at(-1)).toEqual(["error", "RangeError: bad"]);
    h.repaint();
    expect(h.moves().at(-1)).toMatchObject({ seq: 2, x: [2] });
    h.flow.move([1]); // where the failed move went: asked again
    h.answer(2);
    h.repaint();
    expect(h.moves().at(-1)).toMatchObject({ seq: 3, x: [1] });
    expect(h.flow.state).toBe("live");
  });

  it("an unreadable frame is an error of that move, not an exception", () => {
    const h = harness();
    h.flow.move([1]);
    h.repaint();
    h.flow.receive(
      { type: "exploreFrame", viewId: "v1", seq: 1, x: [1], payload: {} as never, ms: 0 },
      "frame.kind: is undefined",
    );
    expect(h.states.at(-1)![0]).toBe("error");
    expect(h.drawn).toHaveLength(0);
  });

  it("stops sending when closed, and ignores other views' messages", () => {
    const h = harness();
    h.flow.receive({ type: "exploreClosed", viewId: "other", reason: "x" }, undefined);
    expect(h.flow.state).toBe("live");
    h.flow.receive(
      { type: "exploreClosed", viewId: "v1", reason: "the kernel restarted" },
      undefined,
    );
    expect(h.states.at(-1)).toEqual(["closed", "the kernel restarted"]);
    h.flow.move([2], true);
    h.repaint();
    expect(h.moves()).toHaveLength(0);
    h.flow.release();
    expect(h.sent).toHaveLength(0); // the kernel has already let it go
  });

  it("releases the view once", () => {
    const h = harness();
    h.flow.release();
    h.flow.release();
    expect(h.sent).toEqual([{ type: "exploreRelease", viewId: "v1" }]);
  });

  it("without messaging is static: nothing is sent", () => {
    const h = harness(false);
    expect(h.flow.state).toBe("static");
    h.flow.move([1], true);
    h.repaint();
    h.flow.release();
    expect(h.sent).toHaveLength(0);
  });
});
