/**
 * The attach handshake of an explore view (VS Code): the flow starts "attaching", asks the host
 * at once, sends no move until the host says the kernel knows the view, and closes without ever
 * going live when the host says it does not (a reopened notebook, a restarted kernel).
 */
import { describe, expect, it } from "vitest";
import {
  createExploreFlow,
  type FlowMessaging,
  type FlowState,
} from "../../extension/renderer/explore-flow.js";
import type { ExploreRendererMessage } from "../../kernel/shared/payloads.js";
import { validateHostMessage } from "../../kernel/shared/validate.js";

function harness(attach: boolean) {
  const sent: ExploreRendererMessage[] = [];
  const callbacks: (() => void)[] = [];
  const messaging: FlowMessaging = {
    send: (m) => sent.push(m),
    schedule: (cb) => callbacks.push(cb),
    now: () => 0,
    attach,
  };
  const states: [FlowState, string][] = [];
  const flow = createExploreFlow<{ x: number[] }>("v7", [0], messaging, {
    draw: () => undefined,
    state: (state, detail) => states.push([state, detail]),
  });
  const repaint = (): void => {
    for (const cb of callbacks.splice(0)) cb();
  };
  return { sent, states, flow, repaint };
}

describe("explore attach handshake", () => {
  it("asks the host when the view mounts and sends moves only once attached", () => {
    const { sent, states, flow, repaint } = harness(true);
    expect(flow.state).toBe("attaching");
    expect(sent).toEqual([{ type: "exploreAttach", viewId: "v7" }]);
    flow.move([1]);
    repaint();
    expect(sent).toHaveLength(1); // no move before the answer
    flow.receive({ type: "exploreAttached", viewId: "v7" }, undefined);
    expect(flow.state).toBe("live");
    expect(states.at(-1)).toEqual(["live", ""]);
    repaint();
    expect(sent.at(-1)).toEqual({ type: "exploreMove", viewId: "v7", seq: 1, x: [1] });
  });

  it("a stale view closes from the start and never sends a move", () => {
    const { sent, states, flow, repaint } = harness(true);
    flow.receive({ type: "exploreClosed", viewId: "v7", reason: "run the cell" }, undefined);
    expect(flow.state).toBe("closed");
    expect(states.map(([s]) => s)).toEqual(["closed"]); // never live
    flow.move([2], true);
    repaint();
    expect(sent).toEqual([{ type: "exploreAttach", viewId: "v7" }]);
  });

  it("without attach (hosts that do not answer it) the view starts live, as before", () => {
    const { sent, flow } = harness(false);
    expect(flow.state).toBe("live");
    expect(sent).toEqual([]);
  });

  it("validates the host's answer", () => {
    expect(validateHostMessage({ type: "exploreAttached", viewId: "v7" }).ok).toBe(true);
    expect(validateHostMessage({ type: "exploreAttached" }).ok).toBe(false);
  });
});
