/**
 * `linearize(f, ...primals)`: f's value at the primals and its linear part as a compiled function.
 * Forward mode runs once with the concrete primals and abstract tangents (jit tracers at a lower
 * level than the JVP trace), so every primal op is computed now and only the tangent ops are
 * recorded, with primal-derived values as constants; that graph is compiled like `jit`.
 */
import { withNewLevel } from "../core.js";
import { JitTrace, type Graph } from "./graph.js";
import { compileGraph, runGraph } from "./jit.js";
import { flatten, unflatten } from "../tensor/pytree.js";
import type { Tensor } from "../tensor/tensor.js";
import { flattenTangents, jvpFlat, type ArgsOf, type GradOf } from "../transforms/api.js";

/**
 * `[y, fJvp]` with y = f(...primals) and fJvp(...tangents) = J·tangents (one tangent per primal,
 * shaped like it), as JAX's linearize: fJvp evaluates only the linear part (compiled once) and
 * never re-runs f's primal computation.
 *
 * @example
 * const [y, fJvp] = linearize((x: Tensor) => sum(sin(x)), tensor([0, 1]));
 * // cos(0)·1 + cos(1)·0
 * fJvp(tensor([1, 0])); // → tensor(1)
 */
export function linearize<
  P extends unknown[] = Tensor[],
  R = Tensor,
  A extends ArgsOf<P> = ArgsOf<P>,
>(
  f: (...args: P) => R,
  ...primals: A
): [R, (...tangents: Extract<GradOf<A>, unknown[]>) => GradOf<R>] {
  const p = flatten(primals, "linearize primals");
  const traced = withNewLevel((level) => {
    const trace = new JitTrace(level);
    const tangents = p.leaves.map((x, i) => trace.input(i, x.shape));
    const out = jvpFlat(f as (...args: unknown[]) => unknown, p.def, p.leaves, tangents);
    const graph: Graph = { nodes: trace.nodes, outputs: out.tangents.map((t) => trace.nodeOf(t)) };
    return { graph, def: out.def, ys: out.primals };
  });
  const { graph, run } = compileGraph(traced.graph);
  const y = unflatten(traced.def, traced.ys) as R;
  const fJvp = (...tangents: unknown[]): GradOf<R> => {
    const t = flattenTangents("linearize", p, tangents);
    return unflatten(traced.def, runGraph(graph, run, t)) as GradOf<R>;
  };
  return [y, fJvp];
}
