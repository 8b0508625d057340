/**
 * Pytrees, as in JAX: numbers and Tensors are leaves; arrays and plain objects are containers.
 * `flatten` lists the leaves in order with a structure to rebuild from; `unflatten` rebuilds.
 */
import { Tensor } from "./tensor.js";
import { asTensor } from "./creation.js";
import { fmtShape } from "./shape.js";

/** A structured value of tensors and numbers. */
export type Pytree = Tensor | number | readonly Pytree[] | { readonly [key: string]: Pytree };

export type TreeDef =
  | { kind: "tensor" }
  | { kind: "number" }
  | { kind: "array"; children: TreeDef[] }
  | { kind: "object"; keys: string[]; children: TreeDef[] };

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== "object") return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The leaves (as Tensors) and the structure; `what` names the value in errors. */
export function flatten(tree: unknown, what: string): { leaves: Tensor[]; def: TreeDef } {
  const leaves: Tensor[] = [];
  const walk = (x: unknown, path: string): TreeDef => {
    if (x instanceof Tensor) {
      leaves.push(x);
      return { kind: "tensor" };
    }
    if (typeof x === "number") {
      leaves.push(asTensor(x));
      return { kind: "number" };
    }
    if (Array.isArray(x))
      return { kind: "array", children: x.map((c, i) => walk(c, `${path}[${i}]`)) };
    if (isPlainObject(x)) {
      const keys = Object.keys(x);
      return { kind: "object", keys, children: keys.map((k) => walk(x[k], `${path}.${k}`)) };
    }
    const type = x === null ? "null" : typeof x;
    throw new Error(
      `${what}: ${path} is a ${type}; expected a Tensor, a number, or arrays/objects of them`,
    );
  };
  const def = walk(tree, what);
  return { leaves, def };
}

/** Rebuilds a tree; number leaves become numbers again when `numbers` says so and they are concrete. */
export function unflatten(
  def: TreeDef,
  leaves: readonly Tensor[],
  asNumber: (t: Tensor) => boolean = () => false,
): unknown {
  let i = 0;
  const build = (d: TreeDef): unknown => {
    switch (d.kind) {
      case "tensor":
        return leaves[i++];
      case "number": {
        const t = leaves[i++];
        return asNumber(t) ? t.item() : t;
      }
      case "array":
        return d.children.map(build);
      case "object": {
        const out: Record<string, unknown> = {};
        d.keys.forEach((k, j) => (out[k] = build(d.children[j])));
        return out;
      }
    }
  };
  return build(def);
}

/** The number of leaves of a structure. */
export function leafCount(def: TreeDef): number {
  if (def.kind === "tensor" || def.kind === "number") return 1;
  return def.children.reduce((n, c) => n + leafCount(c), 0);
}

/** Whether two structures are the same (number and tensor leaves match each other). */
export function sameStructure(a: TreeDef, b: TreeDef): boolean {
  const aLeaf = a.kind === "tensor" || a.kind === "number";
  const bLeaf = b.kind === "tensor" || b.kind === "number";
  if (a.kind === "tensor" || a.kind === "number" || b.kind === "tensor" || b.kind === "number")
    return aLeaf && bLeaf;
  if (a.kind !== b.kind || a.children.length !== b.children.length) return false;
  if (a.kind === "object" && b.kind === "object" && a.keys.join("\u0000") !== b.keys.join("\u0000"))
    return false;
  return a.children.every((c, i) => sameStructure(c, b.children[i]));
}

/** Describes a structure briefly for errors: `[tensor [3], number]`. */
export function describe(def: TreeDef, leaves?: readonly Tensor[]): string {
  let i = 0;
  const go = (d: TreeDef): string => {
    if (d.kind === "tensor" || d.kind === "number") {
      const t = leaves?.[i++];
      return t ? `${d.kind} ${fmtShape(t.shape)}` : d.kind;
    }
    if (d.kind === "array") return `[${d.children.map(go).join(", ")}]`;
    return `{${d.keys.map((k, j) => `${k}: ${go(d.children[j])}`).join(", ")}}`;
  };
  return go(def);
}

/**
 * The path of each leaf of a structure, in leaf order: "" for a lone leaf, then `W`, `b`,
 * `layers[0].W`, `[1]` (object keys joined by ".", array indices in brackets).
 */
export function leafPaths(def: TreeDef): string[] {
  const out: string[] = [];
  const walk = (d: TreeDef, path: string): void => {
    if (d.kind === "tensor" || d.kind === "number") out.push(path);
    else if (d.kind === "array") d.children.forEach((c, i) => walk(c, `${path}[${i}]`));
    else d.children.forEach((c, j) => walk(c, path === "" ? d.keys[j] : `${path}.${d.keys[j]}`));
  };
  walk(def, "");
  return out;
}
