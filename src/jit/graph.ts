/**
 * The graph `jit` compiles: f traced once on abstract tracers (a `JitTrace` at a new level; a
 * `JitTracer` carries only a shape and a node id) into equations (primitive, params, input
 * nodes). Constants (closures, creation functions, literals) become constant nodes; anything
 * computed from constants alone is computed eagerly while tracing (bind evaluates when no tracer
 * is among the inputs), which is constant folding for free. Then common subexpressions are merged
 * and nodes no output needs are dropped.
 */
import { Trace, Tracer } from "../core.js";
import type { ParamsOf } from "../primitives/primitive.js";
import { NO_PARAMS, type Primitive } from "../primitives/primitive.js";
import type { Tensor } from "../tensor/tensor.js";
import { fmtShape } from "../tensor/shape.js";
import { jitRules, type JitRule } from "./rules.js";

export type GraphNode =
  | { kind: "input"; shape: number[]; index: number }
  | { kind: "const"; shape: number[]; value: Tensor }
  | { kind: "op"; shape: number[]; prim: Primitive; params: unknown; inputs: number[] };

export interface Graph {
  /** Topologically ordered: every node's inputs come before it. */
  nodes: GraphNode[];
  /** The node of each output leaf. */
  outputs: number[];
}

/** Thrown when f closes over a tracer of an outer transformation: jit then runs f directly. */
export class OuterTracerCaptured extends Error {
  constructor() {
    super("jit: f captured a value traced by an outer transformation");
  }
}

export class JitTracer extends Tracer {
  constructor(
    readonly trace: JitTrace,
    readonly node: number,
    shape: readonly number[],
    readonly what: string,
  ) {
    super(shape);
  }

  concrete(): Tensor {
    throw new Error(
      `jit: f read the value of a traced tensor of shape ${fmtShape(this.shape)} (${this.what}); ` +
        `under jit values are abstract: use where() instead of if/else on values, or call f ` +
        `without jit`,
    );
  }
}

export class JitTrace extends Trace {
  readonly nodes: GraphNode[] = [];
  private readonly constants = new Map<Tensor, number>();
  private readonly scalars = new Map<string, number>();

  /** A tracer for input leaf `index`. */
  input(index: number, shape: readonly number[]): JitTracer {
    this.nodes.push({ kind: "input", shape: shape.slice(), index });
    return new JitTracer(this, this.nodes.length - 1, shape, `argument leaf ${index}`);
  }

  /** A tracer of an existing node. */
  tracerOf(node: number, shape: readonly number[]): JitTracer {
    return new JitTracer(this, node, shape, "a value the loop body closes over");
  }

  /** The node of a value: a tracer's own, or a new constant node. */
  nodeOf(x: Tensor): number {
    if (x instanceof JitTracer && x.trace === this) return x.node;
    return (this.lift(x) as JitTracer).node;
  }

  lift(x: Tensor): Tracer {
    if (x instanceof Tracer) throw new OuterTracerCaptured();
    // a number literal (a fresh 0-d tensor at every use) gets one node per value
    const scalar = x.shape.length === 0 ? scalarKey(x.data[0]) : undefined;
    let node = scalar === undefined ? this.constants.get(x) : this.scalars.get(scalar);
    if (node === undefined) {
      this.nodes.push({ kind: "const", shape: x.shape.slice(), value: x });
      node = this.nodes.length - 1;
      if (scalar === undefined) this.constants.set(x, node);
      else this.scalars.set(scalar, node);
    }
    return new JitTracer(this, node, x.shape, "a constant");
  }

  process<P extends Primitive>(prim: P, inputs: Tracer[], params: ParamsOf<P>): Tensor {
    const ids = inputs.map((t) => (t as JitTracer).node);
    const rule = jitRules[prim] as JitRule<P>;
    const shape = rule.shape(
      inputs.map((t) => t.shape),
      params,
    );
    this.nodes.push({ kind: "op", shape, prim, params, inputs: ids });
    return new JitTracer(this, this.nodes.length - 1, shape, `the result of ${prim}`);
  }
}

/** The key of a scalar constant: by value, -0 and 0 apart (they are different constants). */
export function scalarKey(v: number): string {
  return Object.is(v, -0) ? "c-0" : `c${v}`;
}

/** Loop bodies (graphs in a loop primitive's params) are keyed by identity. */
const graphIds = new WeakMap<object, number>();
let nextGraphId = 0;

/** Params whose fields are numbers, strings, booleans or arrays of numbers, written directly. */
function flatParamsKey(params: object): string | null {
  let key = "";
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === "number") key += `${k}:${Object.is(v, -0) ? "-0" : v};`;
    else if (typeof v === "string" || typeof v === "boolean") key += `${k}:${JSON.stringify(v)};`;
    else if (Array.isArray(v) && v.every((x) => typeof x === "number"))
      key += `${k}:[${v.join()}];`;
    else return null;
  }
  return key;
}

export function paramsKey(params: unknown): string {
  if (params === NO_PARAMS) return "";
  const flat = typeof params === "object" && params !== null ? flatParamsKey(params) : null;
  if (flat !== null) return flat;
  return JSON.stringify(params, (_k, v: unknown) => {
    if (v instanceof Int32Array) return Array.from(v).join(",");
    if (typeof v === "object" && v !== null && "nodes" in v && "outputs" in v) {
      let id = graphIds.get(v);
      if (id === undefined) graphIds.set(v, (id = nextGraphId++));
      return `graph#${id}`;
    }
    return v;
  });
}

/** A key equal for nodes computing the same value (after their inputs were merged). */
function nodeKey(node: GraphNode, remap: readonly number[]): string | null {
  if (node.kind === "input") return null;
  if (node.kind === "const") {
    // scalars merge by value (every literal 2 is one node); larger constants by identity
    if (node.value.size !== 1 || node.shape.length !== 0) return null;
    return scalarKey(node.value.data[0]);
  }
  return `${node.prim}|${node.inputs.map((i) => remap[i]).join(",")}|${paramsKey(node.params)}`;
}

/** Merges common subexpressions and drops nodes no output depends on; renumbers the nodes. */
export function optimize(graph: Graph): Graph {
  const { nodes } = graph;
  const remap = new Array<number>(nodes.length);
  const seen = new Map<string, number>();
  nodes.forEach((node, id) => {
    const key = nodeKey(node, remap);
    const prior = key === null ? undefined : seen.get(key);
    if (prior !== undefined) remap[id] = prior;
    else {
      remap[id] = id;
      if (key !== null) seen.set(key, id);
    }
  });
  const live = new Uint8Array(nodes.length);
  for (const o of graph.outputs) live[remap[o]] = 1;
  for (let id = nodes.length - 1; id >= 0; id--) {
    const node = nodes[id];
    if (live[id] === 1 && node.kind === "op") for (const i of node.inputs) live[remap[i]] = 1;
  }
  const renumber = new Array<number>(nodes.length).fill(-1);
  const out: GraphNode[] = [];
  nodes.forEach((node, id) => {
    if (live[id] !== 1 || remap[id] !== id) return;
    renumber[id] = out.length;
    out.push(
      node.kind === "op" ? { ...node, inputs: node.inputs.map((i) => renumber[remap[i]]) } : node,
    );
  });
  return { nodes: out, outputs: graph.outputs.map((o) => renumber[remap[o]]) };
}
