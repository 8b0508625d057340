/**
 * Gradient transformations, as in optax: pure functions over pytrees. A transformation is
 * `{ init(params) → state, update(updates, state, params?) → [updates, state] }`; its state is a
 * plain pytree of tensors (so it can be saved, displayed and passed through `jit`), and the step
 * count it keeps is a 0-d tensor. Optimizers are chains of these (optimizers.ts).
 */
import { zeros } from "../tensor/creation.js";
import { add, div, less, mul, sqrt, sum, where } from "../ops.js";
import type { Pytree } from "../tensor/pytree.js";
import type { Tensor } from "../tensor/tensor.js";
import { asSchedule, type ScalarOrSchedule, type Schedule } from "./schedules.js";
import { asTensorTree, leaves, map, tensorZerosLike } from "./tree.js";

/** The state of a transformation: a plain pytree of tensors. */
export type OptState = Pytree;

/** A gradient transformation: how updates (first the gradients) become the steps taken. */
export interface GradientTransformation<S extends OptState = OptState> {
  /** The initial state for parameters shaped like `params`. */
  init(params: unknown): S;
  /** Transforms `updates` (shaped like the parameters); `params` for those that need them. */
  update<U>(updates: U, state: S, params?: unknown): [U, S];
}

/**
 * The parameters moved by the updates: pᵢ + uᵢ leaf by leaf (number leaves stay numbers).
 *
 * @example
 * optim.applyUpdates({ w: tensor([1, 2]) }, { w: tensor([0.5, -1]) }); // → { w: tensor([1.5, 1]) }
 */
export function applyUpdates<T>(params: T, updates: unknown): T {
  return map((p, u) => add(p, u), params, updates);
}

/**
 * Transformations applied one after another; the state is the array of their states.
 *
 * @example
 * const opt = optim.chain(optim.clipByGlobalNorm(1), optim.scaleByLearningRate(0.1));
 * const [u] = opt.update(tensor([3, 4]), opt.init(tensor([0, 0])));
 * u; // → tensor([-0.06, -0.08])
 */
export function chain(...transforms: GradientTransformation[]): GradientTransformation<OptState[]> {
  return {
    init: (params) => transforms.map((t) => t.init(params)),
    update: <U>(updates: U, state: OptState[], params?: unknown): [U, OptState[]] => {
      if (!Array.isArray(state) || state.length !== transforms.length)
        throw new Error(`chain: the state must be an array of ${transforms.length} states`);
      let u: U = updates;
      const next = transforms.map((t, i) => {
        const [v, s] = t.update(u, state[i], params);
        u = v;
        return s;
      });
      return [u, next];
    },
  };
}

/** A stateless transformation from a leafwise function. */
function stateless(
  f: (u: Tensor, p: Tensor | undefined) => Tensor,
  needsParams = false,
  name = "",
): GradientTransformation<Record<string, never>> {
  return {
    init: () => ({}),
    update: <U>(updates: U, state: Record<string, never>, params?: unknown) => {
      if (needsParams && params === undefined)
        throw new Error(`${name}: update needs the parameters (update(grads, state, params))`);
      const out =
        params === undefined || !needsParams
          ? map((u) => f(u, undefined), updates)
          : map((u, p) => f(u, p), updates, params);
      return [out, state];
    },
  };
}

/**
 * Multiplies every update by a constant: u ← s · u.
 *
 * @example
 * optim.scale(-2).update(tensor([1, 2]), {})[0]; // → tensor([-2, -4])
 */
export function scale(factor: number): GradientTransformation<Record<string, never>> {
  return stateless((u) => mul(u, factor));
}

/** The state of a transformation that only counts steps. */
export interface CountState {
  /** The number of updates so far (0-d). */
  count: Tensor;
  [key: string]: Pytree;
}

/**
 * Multiplies the updates by a schedule of the step count: u ← η(t) · u, t = 0, 1, 2, …
 *
 * @example
 * const s = optim.scaleBySchedule(optim.exponentialDecay(1, 1, 0.5));
 * let st = s.init(0);
 * st = s.update(tensor(1), st)[1];
 * s.update(tensor(1), st)[0]; // → tensor(0.5)
 */
export function scaleBySchedule(schedule: Schedule): GradientTransformation<CountState> {
  return {
    init: () => ({ count: zeros([]) }),
    update: <U>(updates: U, state: CountState): [U, CountState] => {
      const step = schedule(state.count);
      return [map((u) => mul(u, step), updates), { count: add(state.count, 1) }];
    },
  };
}

/**
 * Scales by minus the learning rate (a number or a schedule): u ← −η(t) · u, a descent step.
 *
 * @example
 * const [u] = optim.scaleByLearningRate(0.1).update(tensor([1, 2]), { count: tensor(0) });
 * u; // → tensor([-0.1, -0.2])
 */
export function scaleByLearningRate(
  learningRate: ScalarOrSchedule,
): GradientTransformation<CountState> {
  const lr = asSchedule(learningRate);
  return scaleBySchedule((count) => mul(-1, lr(count)));
}

/**
 * The global norm of a tree: ‖u‖ = √(Σ over every leaf of Σ uᵢ²).
 *
 * @example
 * optim.globalNorm({ a: tensor([3]), b: 4 }); // → tensor(5)
 */
export function globalNorm(updates: unknown): Tensor {
  return sqrt(leaves(updates).reduce<Tensor>((acc, l) => add(acc, sum(mul(l, l))), zeros([])));
}

/**
 * Clips the updates to a global norm: u ← u when ‖u‖ < maxNorm, else u · maxNorm / ‖u‖.
 *
 * @example
 * optim.clipByGlobalNorm(1).update(tensor([3, 4]), {})[0]; // → tensor([0.6, 0.8])
 */
export function clipByGlobalNorm(maxNorm: number): GradientTransformation<Record<string, never>> {
  return {
    init: () => ({}),
    update: <U>(updates: U, state: Record<string, never>): [U, typeof state] => {
      const norm = globalNorm(updates);
      const keep = less(norm, maxNorm);
      const factor = div(maxNorm, where(keep, 1, norm));
      return [map((u) => where(keep, u, mul(u, factor)), updates), state];
    },
  };
}

/**
 * Adds decoupled weight decay (Loshchilov & Hutter): u ← u + λ · p. Needs the parameters.
 *
 * @example
 * optim.addDecayedWeights(0.1).update(tensor([1]), {}, tensor([10]))[0]; // → tensor([2])
 */
export function addDecayedWeights(
  weightDecay: number,
): GradientTransformation<Record<string, never>> {
  return stateless((u, p) => add(u, mul(weightDecay, p!)), true, "addDecayedWeights");
}

/** Options of `momentum`. */
export interface MomentumOptions {
  /** Nesterov's look-ahead: u ← g + β · m instead of u ← m. */
  nesterov?: boolean | undefined;
}

/**
 * Heavy-ball momentum (optax's `trace`): m ← g + β · m, then u ← m (or u ← g + β · m with
 * Nesterov).
 *
 * @example
 * const m = optim.momentum(0.9);
 * const [u] = m.update(tensor([1]), m.init(tensor([0])));
 * u; // → tensor([1])
 */
export function momentum(
  decay: number,
  options: MomentumOptions = {},
): GradientTransformation<{ trace: Pytree }> {
  return {
    init: (params) => ({ trace: tensorZerosLike(params) }),
    update: <U>(updates: U, state: { trace: Pytree }): [U, { trace: Pytree }] => {
      const trace = asTensorTree(map((g, t) => add(g, mul(decay, t)), updates, state.trace));
      const out =
        options.nesterov === true ? map((g, t) => add(g, mul(decay, t)), updates, trace) : trace;
      return [out as U, { trace }];
    },
  };
}
