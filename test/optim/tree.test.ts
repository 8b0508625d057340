/** The public pytree functions: map, leaves, flatten/unflatten, structure, zerosLike, onesLike. */
import { describe, expect, it } from "vitest";
import { add, jit, mul, onesLike, tensor, tree, zerosLike } from "cotangent";
import type { Tensor } from "cotangent";

describe("tree", () => {
  const value = { w: tensor([1, 2]), b: 3, layers: [tensor([[1, 0]]), 4] };

  it("leaves lists tensors and numbers in order, numbers as 0-d tensors", () => {
    const leaves = tree.leaves(value);
    expect(leaves.map((l) => l.shape)).toEqual([[2], [], [1, 2], []]);
    expect(leaves.map((l) => l.toArray())).toEqual([[1, 2], 3, [[1, 0]], 4]);
  });

  it("flatten and unflatten round-trip, numbers staying numbers", () => {
    const [leaves, def] = tree.flatten(value);
    expect(def.leafCount).toBe(4);
    const back = tree.unflatten<typeof value>(def, leaves);
    expect(typeof back.b).toBe("number");
    expect(back).toEqual(value);
    expect(() => tree.unflatten(def, leaves.slice(1))).toThrow(/3 leaves for a structure of 4/);
  });

  it("structure compares trees and prints them", () => {
    const s = tree.structure(value);
    expect(s.equals(tree.structure({ w: 0, b: tensor(1), layers: [0, 0] }))).toBe(true);
    expect(s.equals(tree.structure({ w: 0, b: 1 }))).toBe(false);
    expect(String(s)).toBe("TreeStructure({w: tensor, b: number, layers: [tensor, number]})");
  });

  it("map applies f leaf by leaf over several trees and names a mismatch", () => {
    const doubled = tree.map((x: Tensor, y: Tensor) => add(x, y), value, value);
    expect(doubled.w.toArray()).toEqual([2, 4]);
    expect(doubled.b).toBe(6);
    expect(() => tree.map((x: Tensor) => x, value, { w: 1 })).toThrow(/tree 2 has structure/);
  });

  it("map works on traced leaves under jit", () => {
    const f = jit((p: { a: Tensor; b: Tensor }) => tree.map((x: Tensor) => mul(x, 3), p));
    const out = f({ a: tensor([1, 2]), b: tensor(5) });
    expect(out.a.toArray()).toEqual([3, 6]);
    expect(out.b.item()).toBe(15);
  });

  it("zerosLike and onesLike keep the structure and the kinds of leaves", () => {
    expect(zerosLike(value)).toEqual({ w: tensor([0, 0]), b: 0, layers: [tensor([[0, 0]]), 0] });
    expect(onesLike([tensor([5, 6]), 7])).toEqual([tensor([1, 1]), 1]);
  });
});
