/**
 * Fusion planning for `jit`: which graph nodes get a buffer (roots) and which are computed inline
 * inside the loop of the root that consumes them (a group). Walking the graph backwards, an
 * elementwise or layout node joins its consumers' group when they all are in one group and can
 * read it inline; otherwise it is a root. Reductions are roots whose operand fuses into their
 * loop; kernel calls (matmul, linalg, take, …) are roots whose inputs are buffers. Then buffers:
 * each intermediate root gets a pooled buffer allocated once, reused after its last reader.
 */
import type { Graph, GraphNode } from "./graph.js";
import { jitRules } from "./rules.js";
import { Primitive } from "../primitives/primitive.js";
import { sizeOf } from "../tensor/shape.js";

export type RootKind = "map" | "reduce" | "kernel";

/** Whether two shapes differ only by axes of length 1 (a reshape that keeps coordinates). */
export function squeezeEquivalent(a: readonly number[], b: readonly number[]): boolean {
  const x = a.filter((d) => d !== 1);
  const y = b.filter((d) => d !== 1);
  return x.length === y.length && x.every((d, i) => d === y[i]);
}

/** How a node is computed when it is a root. */
export function rootKind(node: GraphNode): RootKind {
  if (node.kind !== "op") return "kernel";
  const emit = jitRules[node.prim].emit;
  if ("reduce" in emit) return "reduce";
  if ("kernel" in emit) return "kernel";
  if (node.prim === Primitive.Pad) {
    const { step } = node.params as { step: number[] };
    if (step.some((s) => s !== 1)) return "kernel";
  }
  return "map";
}

/**
 * Whether `consumer` can compute its input `input` inline (in its own loop). Not when it would
 * broadcast a computed value: inline, exp(x) broadcast over a 1000×1000 loop runs a million
 * times instead of a thousand, so such a value gets its own buffer.
 */
function readsInline(consumer: GraphNode, input: GraphNode): boolean {
  if (consumer.kind !== "op") return false;
  const kind = rootKind(consumer);
  if (kind === "kernel") return false;
  const spreads = "map" in jitRules[consumer.prim].emit || consumer.prim === Primitive.BroadcastTo;
  if (spreads && input.kind === "op" && "map" in jitRules[input.prim].emit) {
    if (sizeOf(input.shape) < sizeOf(consumer.shape)) return false;
  }
  if (consumer.prim === Primitive.Reshape) return squeezeEquivalent(input.shape, consumer.shape);
  return true;
}

export interface Plan {
  /** The root whose loop computes each node (itself for a root); -1 for inputs and constants. */
  group: Int32Array;
  /** Root ids in execution order. */
  roots: number[];
  /** For each root, the buffers (node ids) its step reads. */
  reads: Map<number, number[]>;
}

function consumersOf(graph: Graph): number[][] {
  const out: number[][] = graph.nodes.map(() => []);
  graph.nodes.forEach((node, id) => {
    if (node.kind === "op") for (const i of node.inputs) if (!out[i].includes(id)) out[i].push(id);
  });
  return out;
}

function assignGroups(graph: Graph): Int32Array {
  const { nodes } = graph;
  const group = new Int32Array(nodes.length).fill(-1);
  const consumers = consumersOf(graph);
  const isOutput = new Set(graph.outputs);
  for (let id = nodes.length - 1; id >= 0; id--) {
    const node = nodes[id];
    if (node.kind !== "op") continue;
    const cs = consumers[id];
    if (isOutput.has(id) || rootKind(node) !== "map" || cs.length === 0) {
      group[id] = id;
      continue;
    }
    const g = group[cs[0]];
    const fuse = cs.every((c) => group[c] === g && readsInline(nodes[c], node));
    group[id] = fuse ? g : id;
  }
  return group;
}

export function planFusion(graph: Graph): Plan {
  const group = assignGroups(graph);
  const roots: number[] = [];
  const reads = new Map<number, number[]>();
  graph.nodes.forEach((_node, id) => {
    if (group[id] === id) {
      roots.push(id);
      reads.set(id, []);
    }
  });
  graph.nodes.forEach((node, id) => {
    if (node.kind !== "op") return;
    const r = group[id];
    const list = reads.get(r)!;
    for (const i of node.inputs) if (group[i] !== r && !list.includes(i)) list.push(i);
  });
  return { group, roots, reads };
}

export interface BufferPlan {
  /** Pool slot of each pooled root (intermediate fused results). */
  slot: Map<number, number>;
  /** Size of each pool slot. */
  slotSizes: number[];
}

/** Assigns pool slots: a root reuses a free slot of the same size freed by an earlier step. */
export function planBuffers(graph: Graph, plan: Plan): BufferPlan {
  const outputs = new Set(graph.outputs);
  const lastUse = new Map<number, number>();
  plan.roots.forEach((r, step) => {
    for (const i of plan.reads.get(r)!) lastUse.set(i, step);
  });
  const slot = new Map<number, number>();
  const slotSizes: number[] = [];
  const free: number[] = [];
  plan.roots.forEach((r, step) => {
    const node = graph.nodes[r];
    if (!outputs.has(r) && rootKind(node) !== "kernel") {
      const size = sizeOf(node.shape);
      const k = free.findIndex((s) => slotSizes[s] === size);
      if (k >= 0) slot.set(r, free.splice(k, 1)[0]);
      else {
        slot.set(r, slotSizes.length);
        slotSizes.push(size);
      }
    }
    for (const i of plan.reads.get(r)!) {
      const s = slot.get(i);
      if (s !== undefined && lastUse.get(i) === step) free.push(s);
    }
  });
  return { slot, slotSizes };
}
