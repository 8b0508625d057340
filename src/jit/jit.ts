/**
 * `jit(f)`: f traced once per input signature into a graph of primitives (graph.ts), fused
 * into loops (fuse.ts) and compiled to one JavaScript function (codegen.ts). Programs are
 * cached by the arguments' tree structure, leaf shapes and which leaves were numbers.
 */
import { Tracer, isObserving, withNewLevel } from "../core.js";
import { JitTrace, OuterTracerCaptured, optimize, type Graph } from "./graph.js";
import { planBuffers, planFusion } from "./fuse.js";
import { emitProgram, type RunProgram } from "./codegen.js";
import { describe, flatten, unflatten, type TreeDef } from "../tensor/pytree.js";
import { Tensor } from "../tensor/tensor.js";
import { Jacobian, tracedJacobianShapes, type JacobianShapes } from "../tensor/jacobian.js";

/** One compiled program for one input signature. */
interface Compiled {
  outDef: TreeDef;
  graph: Graph;
  run: RunProgram;
  /** Per output leaf: its Jacobian shapes when f returned a Jacobian there, so it stays one. */
  jacobians: (JacobianShapes | null)[];
  /** The shape when f returns one Tensor computed by the program (the fast path). */
  single: number[] | null;
}

/** Traces f on abstract tracers of the leaves' shapes; null if f captured an outer tracer. */
function traceGraph(f: (...args: unknown[]) => unknown, inDef: TreeDef, leaves: Tensor[]) {
  try {
    return withNewLevel((level) => {
      const trace = new JitTrace(level);
      const tracers = leaves.map((x, i) => trace.input(i, x.shape));
      const result = f(...(unflatten(inDef, tracers) as unknown[]));
      const out = flatten(result, "jit: the output of f");
      const graph: Graph = { nodes: trace.nodes, outputs: out.leaves.map((y) => trace.nodeOf(y)) };
      const jacobians = out.leaves.map((y) => tracedJacobianShapes(y) ?? null);
      return { graph, outDef: out.def, jacobians };
    });
  } catch (e) {
    if (e instanceof OuterTracerCaptured) return null;
    throw e;
  }
}

/**
 * The most operations one program may hold. An unrolled JavaScript loop grows the program with
 * every step; past this size compiling would take long and much memory, so it fails early.
 */
const MAX_NODES = 400_000;

/** Optimises, plans and emits a traced graph (also used by linearize). */
export function compileGraph(traced: Graph): { graph: Graph; run: RunProgram; roots: number } {
  const graph = optimize(traced);
  if (graph.nodes.length > MAX_NODES) {
    throw new Error(
      `jit: f traced to ${graph.nodes.length} operations, more than the ${MAX_NODES} one ` +
        `program may hold: a JavaScript loop is unrolled into the program at every step; write ` +
        `long loops with scan, foriLoop or whileLoop (the body is compiled once)`,
    );
  }
  const plan = planFusion(graph);
  const run = emitProgram(graph, plan, planBuffers(graph, plan));
  return { graph, run, roots: plan.roots.length };
}

/** The output leaves of a compiled program run on `leaves`. */
export function runGraph(graph: Graph, run: RunProgram, leaves: readonly Tensor[]): Tensor[] {
  const data = run(leaves);
  return graph.outputs.map((id, i) => {
    const node = graph.nodes[id];
    if (node.kind === "input") return leaves[node.index];
    if (node.kind === "const") return node.value;
    return new Tensor(data[i], node.shape);
  });
}

function compile(
  f: (...args: unknown[]) => unknown,
  inDef: TreeDef,
  leaves: Tensor[],
): Compiled | null {
  const traced = traceGraph(f, inDef, leaves);
  if (traced === null) return null;
  const { graph, run } = compileGraph(traced.graph);
  const out = graph.nodes[graph.outputs[0]];
  const single = traced.outDef.kind === "tensor" && out.kind === "op" ? out.shape : null;
  return { outDef: traced.outDef, graph, run, jacobians: traced.jacobians, single };
}

/** A Jacobian again where f returned one (jacobian/hessian under jit), else the tensor. */
function restoreJacobian(t: Tensor, shapes: JacobianShapes | null): Tensor {
  if (shapes === null) return t;
  return new Jacobian(t.data, shapes.outShape, shapes.inShape, shapes.derivative ?? "jacobian");
}

function execute(c: Compiled, leaves: readonly Tensor[]): unknown {
  if (c.single !== null)
    return restoreJacobian(new Tensor(c.run(leaves)[0], c.single), c.jacobians[0]);
  const outs = runGraph(c.graph, c.run, leaves).map((t, i) => restoreJacobian(t, c.jacobians[i]));
  return unflatten(c.outDef, outs);
}

/**
 * Compiles f: the first call with a new input signature (tree structure, leaf shapes, which
 * leaves are numbers) traces f once on abstract values and compiles the whole computation
 * (elementwise chains fused into single loops, reductions fused into the loop producing their
 * operand, buffers allocated once); later calls with that signature run the compiled code.
 * Compose freely: `jit(grad(f))`, `jit(hessian(f))`, `jit(vmap(f))` compile the whole
 * derivative. Called under another transformation (`grad(jit(f))`) or with withDebugNans, f runs
 * as is. As in JAX, every output leaf is a Tensor (a number f returned is a 0-d Tensor), and f
 * must not read values (`.data`, `item()`, `if` on values): use `where` instead. Tensors f
 * closes over are captured when f is traced: pass values that change between calls as arguments.
 *
 * @example
 * const f = jit((x: Tensor) => sum(square(sub(x, 1))));
 * // compiled on this first call
 * f(tensor([1, 2, 3])); // → tensor(5)
 * jit(grad(f))(tensor([1, 2, 3])); // → tensor([0, 2, 4])
 */
export function jit<F extends (...args: never[]) => unknown>(f: F): F {
  const fn = f as unknown as (...args: unknown[]) => unknown;
  const cache = new Map<string, Compiled>();
  const jitted = (...args: unknown[]): unknown => {
    let leaves = args as Tensor[];
    let key = tensorsKey(args);
    if (key === null) {
      const flat = flatten(args, "jit arguments");
      leaves = flat.leaves;
      if (leaves.some((x) => x instanceof Tracer)) return fn(...args);
      key = describe(flat.def, leaves);
    }
    if (isObserving()) return fn(...args); // withDebugNans: the error names the primitive
    let compiled = cache.get(key);
    if (compiled === undefined) {
      const fresh = compile(fn, flatten(args, "jit arguments").def, leaves);
      // null: f closed over an outer transformation's tracer; run it as is (not cached)
      if (fresh === null) return fn(...args);
      compiled = fresh;
      cache.set(key, compiled);
    }
    return execute(compiled, leaves);
  };
  return jitted as unknown as F;
}

/** The cache key when every argument is a concrete Tensor (the common case), else null. */
function tensorsKey(args: readonly unknown[]): string | null {
  let key = "#";
  for (const a of args) {
    if (!(a instanceof Tensor) || a instanceof Tracer) return null;
    key += `${a.shape.join(",")};`;
  }
  return key;
}

/** What `jit` makes of f for these arguments: graph size, generated code, compile time. */
export interface JitReport {
  /** Nodes of the optimized graph (inputs, constants and operations). */
  nodes: number;
  /** Loops and kernel calls in the program (the fusion's roots). */
  roots: number;
  /** The generated JavaScript source. */
  source: string;
  /** Milliseconds to trace, optimize and generate the program (not cached). */
  compileMs: number;
}

/**
 * Compiles f for these arguments as `jit(f)` would on its first call and reports the program:
 * its size in graph nodes and loops, and the generated source (its length measures code size).
 *
 * @example
 * const r = inspectJit((x: Tensor) => sum(sin(x)), zeros([3]));
 * r.nodes; // 3: the input, sin and sum
 * r.source.length; // characters of generated JavaScript
 */
export function inspectJit<A extends unknown[]>(f: (...args: A) => unknown, ...args: A): JitReport {
  const start = performance.now();
  const flat = flatten(args, "inspectJit arguments");
  const traced = traceGraph(f as (...xs: unknown[]) => unknown, flat.def, flat.leaves);
  if (traced === null)
    throw new Error("inspectJit: f closes over a value of an outer transformation");
  const { graph, run, roots } = compileGraph(traced.graph);
  const compileMs = performance.now() - start;
  return { nodes: graph.nodes.length, roots, source: run.source ?? "", compileMs };
}
