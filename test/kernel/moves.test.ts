/** The kernel side of exploration without a process: the pending-move queue and the registry. */
import { describe, expect, it } from "vitest";
import { createMoveQueue } from "../../kernel/executor/moves.js";
import { createExploreRegistry } from "../../kernel/executor/explore.js";
import type { ExploreMoveRequest } from "../../kernel/protocol.js";

const move = (viewId: string, seq: number): ExploreMoveRequest => ({
  type: "exploreMove",
  id: `${viewId}:${seq}`,
  viewId,
  seq,
  x: [seq],
});

describe("the pending-move queue", () => {
  it("keeps the last move per view and serves views in the order they first moved", () => {
    const q = createMoveQueue();
    expect(q.put(move("a", 1))).toBeUndefined();
    q.put(move("b", 1));
    expect(q.put(move("a", 2))?.seq).toBe(1);
    q.put(move("a", 3));
    expect(q.size).toBe(2);
    expect(q.take()).toMatchObject({ viewId: "a", seq: 3 });
    expect(q.take()).toMatchObject({ viewId: "b", seq: 1 });
    expect(q.take()).toBeUndefined();
  });

  it("drops one view's move or all of them", () => {
    const q = createMoveQueue();
    q.put(move("a", 1));
    q.put(move("b", 2));
    expect(q.drop("a")?.seq).toBe(1);
    expect(q.drop("a")).toBeUndefined();
    q.put(move("c", 3));
    expect(q.clear().map((m) => m.viewId)).toEqual(["b", "c"]);
    expect(q.size).toBe(0);
  });
});

describe("the explorer registry", () => {
  it("gives each explorer one viewId and releases the oldest beyond the limit", () => {
    const r = createExploreRegistry<object>("k", 3);
    const [a, b, c, d] = [{}, {}, {}, {}];
    expect(r.register(a)).toEqual({ viewId: "k-1", released: [] });
    r.register(b);
    r.register(c);
    expect(r.register(a)).toEqual({ viewId: "k-1", released: [] }); // shown again: the youngest
    expect(r.register(d)).toEqual({ viewId: "k-4", released: ["k-2"] });
    expect(r.get("k-2")).toBeUndefined();
    expect(r.get("k-1")).toBe(a);
    expect(r.release("k-1")).toBe(true);
    expect(r.size).toBe(2);
    expect(r.register(a).viewId).toBe("k-5"); // released: a fresh view
  });
});
