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

/** Each node's uses: one consumer id per input slot that reads it (repeats kept). */
function usesOf(graph: Graph): number[][] {
  const out: number[][] = graph.nodes.map(() => []);
  graph.nodes.forEach((node, id) => {
    if (node.kind === "op") for (const i of node.inputs) out[i].push(id);
  });
  return out;
}

/**
 * Fused chains deeper than this start a new root, so the emitter's recursion (one level per fused
 * node) stays bounded however long the program.
 */
const MAX_FUSED_DEPTH = 48;

/** Branching layouts: their operands are read inside `if` arms (or per loop piece). */
const branching = (node: GraphNode): boolean =>
  node.kind === "op" && (node.prim === Primitive.Concat || node.prim === Primitive.Pad);

/** An elementwise op whose output has the operand's shape: it reads the operand where it writes. */
function samePlace(consumer: GraphNode, input: GraphNode): boolean {
  if (consumer.kind !== "op" || !("map" in jitRules[consumer.prim].emit)) return false;
  return consumer.shape.length === input.shape.length && sameDims(consumer.shape, input.shape);
}

const sameDims = (a: readonly number[], b: readonly number[]): boolean =>
  a.every((d, i) => d === b[i]);

/**
 * Groups, walking the graph backwards. A node joins its consumers' group when it has one use, or
 * when all its uses read it at one place in that loop (elementwise ops of its shape, at one
 * position, outside any branch), so the emitter computes it once (a local); any other node with
 * several uses — reached through slices, concats or pads from more than one place — is a root
 * with its own buffer. So every node is emitted once per loop body: code size is linear in the
 * graph. `place` names the position a node is read at (equal places: the same index map).
 */
function assignGroups(graph: Graph): Int32Array {
  const { nodes } = graph;
  const uses = usesOf(graph);
  const { free, closed } = cheapNodes(graph, uses);
  const group = new Int32Array(nodes.length).fill(-1);
  const depth = new Int32Array(nodes.length);
  const place = new Int32Array(nodes.length);
  const plain = new Uint8Array(nodes.length);
  const isOutput = new Set(graph.outputs);
  let places = 0;
  const asRoot = (id: number): void => {
    group[id] = id;
    place[id] = places++;
    plain[id] = 1;
  };
  for (let id = nodes.length - 1; id >= 0; id--) {
    const node = nodes[id];
    if (node.kind !== "op") continue;
    const us = uses[id];
    if (isOutput.has(id) || rootKind(node) !== "map" || us.length === 0) {
      asRoot(id);
      continue;
    }
    if (free[id] === 1 && us.every((c) => readsInline(nodes[c], node))) {
      group[id] = EVERYWHERE;
      continue;
    }
    const g = group[us[0]];
    const d = Math.max(...us.map((c) => depth[c])) + 1;
    const fusable = us.every((c) => group[c] === g && readsInline(nodes[c], node));
    if (!fusable || d > MAX_FUSED_DEPTH) {
      asRoot(id);
      continue;
    }
    const c = us[0];
    if (us.length === 1) {
      group[id] = g;
      depth[id] = d;
      plain[id] = plain[c] === 1 && !branching(nodes[c]) ? 1 : 0;
      place[id] = samePlace(nodes[c], node) ? place[c] : places++;
    } else if (
      us.every((u) => plain[u] === 1 && place[u] === place[c] && samePlace(nodes[u], node))
    ) {
      group[id] = g;
      depth[id] = d;
      plain[id] = 1;
      place[id] = place[c];
    } else if (closed[id] === 1) {
      // small and closed: recomputed at each place it is read (never compounds, see cheapNodes)
      group[id] = g;
      depth[id] = d;
      place[id] = places++;
    } else asRoot(id);
  }
  return group;
}

/** The group of a free node: computed inline wherever it is read. */
export const EVERYWHERE = -2;

const LAYOUT_READS = new Set([
  Primitive.Slice,
  Primitive.Reshape,
  Primitive.Transpose,
  Primitive.BroadcastTo,
]);

/** Elementwise ops cheaper to recompute than to store and load (no Math calls). */
const CHEAP_ARITHMETIC = new Set([
  Primitive.Neg,
  Primitive.Add,
  Primitive.Sub,
  Primitive.Mul,
  Primitive.Div,
  Primitive.Compare,
  Primitive.Where,
  Primitive.StopGradient,
]);

/** Free nodes may be chained this deep (the emitter recurses once per link). */
const MAX_FREE_CHAIN = 8;
/** Operations a closed node may hold (it is recomputed at each place it is read). */
const MAX_CLOSED_OPS = 8;

/**
 * Nodes whose duplication costs (almost) nothing, so they are inlined at every place they are
 * read instead of getting a buffer: free ones, a short chain of slices, reshapes, transposes or
 * broadcasts of an input or a constant (a read at another index); closed ones, arithmetic (no
 * Math calls) of at most MAX_CLOSED_OPS operations over free nodes and single-use closed ones
 * only, so no node inside it is read from more than one place and copies never multiply.
 */
function cheapNodes(graph: Graph, uses: readonly number[][]) {
  const n = graph.nodes.length;
  const free = new Uint8Array(n);
  const chain = new Int32Array(n);
  const closed = new Uint8Array(n);
  const ops = new Int32Array(n);
  graph.nodes.forEach((node, id) => {
    if (node.kind !== "op") {
      free[id] = 1;
      return;
    }
    const x = node.inputs[0];
    if (LAYOUT_READS.has(node.prim) && free[x] === 1 && chain[x] < MAX_FREE_CHAIN) {
      free[id] = 1;
      chain[id] = chain[x] + 1;
      return;
    }
    if (!CHEAP_ARITHMETIC.has(node.prim)) return;
    let count = 1;
    for (const i of node.inputs) {
      if (free[i] === 1) continue;
      if (closed[i] === 1 && uses[i].length === 1) count += ops[i];
      else count = Infinity;
    }
    if (count <= MAX_CLOSED_OPS) {
      closed[id] = 1;
      ops[id] = count;
    }
  });
  return { free, closed };
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
    if (node.kind !== "op" || group[id] === EVERYWHERE) return;
    const r = group[id];
    const list = reads.get(r)!;
    for (const i of node.inputs)
      if (group[i] !== r && group[i] !== EVERYWHERE && !list.includes(i)) list.push(i);
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
