/**
 * Loop bodies as graphs. `scan`, `foriLoop` and `whileLoop` trace their body once on abstract
 * values (a `BodyTrace`, jit's tracer with closure conversion: a tracer of an enclosing
 * transformation that the body closes over becomes an explicit input, so every rule sees it);
 * the loop primitives carry that graph. Rules re-trace derived bodies (the body's JVP, its
 * pullback, its batched form) from the graph by `interpret`, which binds each node's primitive on
 * whatever values it is given. Concretely, a body runs as a program compiled once (jit's).
 */
import { Tracer, bind, isObserving, withNewLevel } from "../core.js";
import { JitTrace, optimize, paramsKey, scalarKey, type Graph } from "../jit/graph.js";
import { compileGraph, runGraph } from "../jit/jit.js";
import type { RunProgram } from "../jit/codegen.js";
import type { Tensor } from "../tensor/tensor.js";
import { fmtShape } from "../tensor/shape.js";

/** A traced body: its graph and the outer tracers it closed over (extra inputs, after the rest). */
export interface Body {
  graph: Graph;
  captured: Tensor[];
}

/** jit's trace, except that outer tracers are captured as new inputs instead of refused. */
class BodyTrace extends JitTrace {
  readonly captured: Tensor[] = [];
  private readonly capturedNodes = new Map<Tensor, number>();

  constructor(
    level: number,
    private readonly inputs: number,
  ) {
    super(level);
  }

  override lift(x: Tensor): Tracer {
    if (!(x instanceof Tracer)) return super.lift(x);
    let node = this.capturedNodes.get(x);
    if (node === undefined) {
      node = this.input(this.inputs + this.captured.length, x.shape).node;
      this.captured.push(x);
      this.capturedNodes.set(x, node);
    }
    return this.tracerOf(node, x.shape);
  }
}

/** Traces `fn` on abstract inputs of these shapes; `what` names the loop in errors. */
export function traceBody(
  fn: (inputs: Tensor[]) => Tensor[],
  shapes: readonly (readonly number[])[],
): Body {
  return withNewLevel((level) => {
    const trace = new BodyTrace(level, shapes.length);
    const outs = fn(shapes.map((s, i) => trace.input(i, s)));
    const outputs = outs.map((y) => trace.nodeOf(y));
    const graph = optimize({ nodes: trace.nodes, outputs });
    return { graph, captured: trace.captured };
  });
}

/** Runs a graph by binding each node's primitive on `inputs` (any values: concrete or traced). */
export function interpret(graph: Graph, inputs: readonly Tensor[]): Tensor[] {
  const values = new Array<Tensor>(graph.nodes.length);
  graph.nodes.forEach((node, id) => {
    if (node.kind === "input") values[id] = inputs[node.index];
    else if (node.kind === "const") values[id] = node.value;
    else
      values[id] = bind(
        node.prim,
        node.inputs.map((i) => values[i]),
        node.params as never,
      );
  });
  return graph.outputs.map((o) => values[o]);
}

const compiled = new WeakMap<Graph, RunProgram>();

/**
 * Programs of bodies by structure, so that a loop called again (a new trace of the same body:
 * same primitives, parameters, shapes, scalar constants and tensor constants) reuses code V8 has
 * already optimized. A few hundred bodies at most; the oldest goes first.
 */
const byStructure = new Map<string, RunProgram>();
const STRUCTURES = 256;
const tensorIds = new WeakMap<Tensor, number>();
let nextTensorId = 0;

function structureKey(graph: Graph): string {
  const parts = graph.nodes.map((node) => {
    if (node.kind === "input") return `i${node.index}[${node.shape.join(",")}]`;
    if (node.kind === "const") {
      if (node.shape.length === 0) return scalarKey(node.value.data[0]);
      let id = tensorIds.get(node.value);
      if (id === undefined) tensorIds.set(node.value, (id = nextTensorId++));
      return `t${id}`;
    }
    return `${node.prim}(${node.inputs.join(",")})${paramsKey(node.params)}`;
  });
  return `${parts.join(";")}=>${graph.outputs.join(",")}`;
}

function programOf(graph: Graph): RunProgram {
  let run = compiled.get(graph);
  if (run !== undefined) return run;
  const key = structureKey(graph);
  run = byStructure.get(key);
  if (run === undefined) {
    run = compileGraph(graph).run;
    if (byStructure.size >= STRUCTURES) byStructure.delete(byStructure.keys().next().value!);
    byStructure.set(key, run);
  }
  compiled.set(graph, run);
  return run;
}

/** One concrete run of a body: its program compiled on first use (interpreted when observing). */
export function runBody(graph: Graph, inputs: readonly Tensor[]): Tensor[] {
  if (isObserving()) return interpret(graph, inputs);
  return runGraph(graph, programOf(graph), inputs);
}

/** Shapes of the graph's outputs. */
export function outputShapes(graph: Graph): number[][] {
  return graph.outputs.map((o) => graph.nodes[o].shape);
}

/** Checks that a body returns carries shaped like the ones it was given. */
export function checkCarry(op: string, given: readonly Tensor[], got: readonly Tensor[]): void {
  if (given.length !== got.length)
    throw new Error(`${op}: the body returned ${got.length} carry leaves for ${given.length}`);
  given.forEach((g, i) => {
    const shape = got[i].shape;
    if (shape.length !== g.shape.length || shape.some((d, k) => d !== g.shape[k]))
      throw new Error(
        `${op}: the body changed carry leaf ${i} from shape ${fmtShape(g.shape)} to ` +
          `${fmtShape(shape)}; a carry keeps its shape`,
      );
  });
}
