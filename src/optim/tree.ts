/**
 * The pytree functions the transforms use, made public: a pytree is a Tensor or a number (a
 * leaf), or an array or plain object of pytrees. `tree.map` applies a function leaf by leaf over
 * one or more trees of the same structure; `flatten` / `unflatten` take a tree apart and put it
 * back together; number leaves stay numbers where the result is a concrete scalar.
 */
import { asTensor, ones, zeros } from "../tensor/creation.js";
import { Tracer } from "../core.js";
import {
  describe,
  flatten as flattenTree,
  sameStructure,
  unflatten as unflattenTree,
  type Pytree,
  type TreeDef,
} from "../tensor/pytree.js";
import type { Tensor } from "../tensor/tensor.js";

/** The structure of a pytree: its containers and which leaves are numbers, without the values. */
export class TreeStructure {
  /** @internal */
  constructor(readonly def: TreeDef) {}

  /** How many leaves a tree of this structure has. */
  get leafCount(): number {
    const count = (d: TreeDef): number =>
      d.kind === "tensor" || d.kind === "number" ? 1 : d.children.reduce((n, c) => n + count(c), 0);
    return count(this.def);
  }

  /** Whether another tree or structure has this structure (numbers and tensors match). */
  equals(other: TreeStructure): boolean {
    return sameStructure(this.def, other.def);
  }

  toString(): string {
    return `TreeStructure(${describe(this.def)})`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** A concrete 0-d tensor goes back to a number where the tree had a number. */
const scalarNumber = (t: Tensor): boolean => !(t instanceof Tracer) && t.ndim === 0;

/**
 * The leaves of a tree in order (depth first, object keys in insertion order), each as a Tensor
 * (a number leaf becomes a 0-d tensor).
 *
 * @example
 * tree.leaves({ w: tensor([1, 2]), b: 3 }); // → [tensor([1, 2]), tensor(3)]
 */
export function leaves(x: unknown): Tensor[] {
  return flattenTree(x, "tree.leaves").leaves;
}

/**
 * The structure of a tree, to compare trees or to rebuild one with `unflatten`.
 *
 * @example
 * tree.structure({ w: tensor([1, 2]), b: 3 }).toString(); // → "TreeStructure({w: tensor, b: number})"
 */
export function structure(x: unknown): TreeStructure {
  return new TreeStructure(flattenTree(x, "tree.structure").def);
}

/**
 * The leaves and the structure of a tree: `unflatten(structure, leaves)` gives the tree back.
 *
 * @example
 * const [xs, def] = tree.flatten([1, { a: tensor([2, 3]) }]);
 * xs.length; // → 2
 * tree.unflatten(def, xs); // → [1, { a: tensor([2, 3]) }]
 */
export function flatten(x: unknown): [Tensor[], TreeStructure] {
  const flat = flattenTree(x, "tree.flatten");
  return [flat.leaves, new TreeStructure(flat.def)];
}

/**
 * Rebuilds a tree of the given structure from its leaves (numbers where the structure had
 * numbers and the leaf is a concrete 0-d tensor).
 *
 * @example
 * const def = tree.structure({ a: 0, b: [0, 0] });
 * tree.unflatten(def, [1, 2, 3]); // → { a: 1, b: [2, 3] }
 */
export function unflatten<T = Pytree>(def: TreeStructure, leaves: readonly (Tensor | number)[]): T {
  const expected = def.leafCount;
  if (leaves.length !== expected)
    throw new Error(`tree.unflatten: ${leaves.length} leaves for a structure of ${expected}`);
  return unflattenTree(def.def, leaves.map(asTensor), scalarNumber) as T;
}

/**
 * Applies f leaf by leaf: f receives the leaf of each tree at the same position (as Tensors) and
 * returns the leaf of the result; every tree must have the structure of the first.
 *
 * @example
 * const step = tree.map((p, g) => sub(p, mul(0.1, g)), { w: tensor([1, 2]) }, { w: tensor([10, 20]) });
 * step; // → { w: tensor([0, 0]) }
 */
export function map<T>(
  f: (...leaves: Tensor[]) => Tensor | number,
  first: T,
  ...rest: unknown[]
): T {
  const head = flattenTree(first, "tree.map: the first tree");
  const others = rest.map((t, i) => {
    const flat = flattenTree(t, `tree.map: tree ${i + 2}`);
    if (!sameStructure(head.def, flat.def))
      throw new Error(
        `tree.map: tree ${i + 2} has structure ${describe(flat.def)}, ` +
          `the first tree ${describe(head.def)}`,
      );
    return flat.leaves;
  });
  const out = head.leaves.map((leaf, j) => asTensor(f(leaf, ...others.map((o) => o[j]))));
  return unflattenTree(head.def, out, scalarNumber) as T;
}

/**
 * A tree like x with every leaf zero (numbers stay numbers, tensors keep their shape).
 *
 * @example
 * zerosLike({ w: tensor([1, 2]), b: 3 }); // → { w: tensor([0, 0]), b: 0 }
 */
export function zerosLike<T>(x: T): T {
  return map((leaf) => zeros(leaf.shape), x);
}

/**
 * A tree like x with every leaf one (numbers stay numbers, tensors keep their shape).
 *
 * @example
 * onesLike([tensor([5, 6]), 7]); // → [tensor([1, 1]), 1]
 */
export function onesLike<T>(x: T): T {
  return map((leaf) => ones(leaf.shape), x);
}

/** Tensor zeros of each leaf's shape (numbers become 0-d tensors): optimizer state. */
export function tensorZerosLike(x: unknown): Pytree {
  const flat = flattenTree(x, "optimizer state");
  return unflattenTree(
    flat.def,
    flat.leaves.map((l) => zeros(l.shape)),
    () => false,
  ) as Pytree;
}

/** Tensor leaves everywhere: number leaves become 0-d tensors. */
export function asTensorTree(x: unknown): Pytree {
  const flat = flattenTree(x, "optimizer state");
  return unflattenTree(flat.def, flat.leaves, () => false) as Pytree;
}
