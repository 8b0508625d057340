/**
 * The optimizers, as optax defines them: each is a chain of the gradient transformations of
 * transform.ts ending in `scaleByLearningRate`, so `update(grads, state, params)` returns the
 * step to add with `applyUpdates`. The formulas are in each doc comment; t counts from 1.
 */
import { zeros } from "../tensor/creation.js";
import { add, div, greater, mul, pow, sign, sqrt, sub, where } from "../ops.js";
import type { Pytree } from "../tensor/pytree.js";
import type { Tensor } from "../tensor/tensor.js";
import type { ScalarOrSchedule } from "./schedules.js";
import {
  addDecayedWeights,
  chain,
  momentum,
  scaleByLearningRate,
  type GradientTransformation,
  type OptState,
} from "./transform.js";
import { asTensorTree, map, tensorZerosLike } from "./tree.js";

/** Options of `sgd`. */
export interface SgdOptions {
  /** The momentum β (none by default). */
  momentum?: number | undefined;
  /** Nesterov momentum (default false). */
  nesterov?: boolean | undefined;
}

/**
 * Stochastic gradient descent: p ← p − η g; with momentum β, m ← g + β m and p ← p − η m
 * (Nesterov: p ← p − η (g + β m)).
 *
 * @example
 * const opt = optim.sgd(0.1);
 * const [u] = opt.update(tensor([1, 2]), opt.init(tensor([0, 0])));
 * u; // → tensor([-0.1, -0.2])
 */
export function sgd(
  learningRate: ScalarOrSchedule,
  options: SgdOptions = {},
): GradientTransformation<OptState[]> {
  const parts: GradientTransformation[] = [];
  if (options.momentum !== undefined)
    parts.push(momentum(options.momentum, { nesterov: options.nesterov === true }));
  parts.push(scaleByLearningRate(learningRate));
  return chain(...parts);
}

/** The state of Adam's moment estimates. */
export interface AdamState {
  count: Tensor;
  mu: Pytree;
  nu: Pytree;
  [key: string]: Pytree;
}

/** Options of `adam`, `adamw` and `scaleByAdam`. */
export interface AdamOptions {
  /** Decay of the first moment (default 0.9). */
  b1?: number | undefined;
  /** Decay of the second moment (default 0.999). */
  b2?: number | undefined;
  /** Added to √ν̂ (default 1e-8). */
  eps?: number | undefined;
  /** Added to ν̂ under the square root (default 0). */
  epsRoot?: number | undefined;
}

/**
 * Adam's direction (Kingma & Ba, with bias correction): m ← β₁ m + (1 − β₁) g,
 * v ← β₂ v + (1 − β₂) g², m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ), u = m̂ / (√(v̂ + ε_root) + ε).
 *
 * @example
 * const s = optim.scaleByAdam();
 * s.update(tensor([2, -3]), s.init(tensor([0, 0])))[0]; // ≈ tensor([1, -1])
 */
export function scaleByAdam(options: AdamOptions = {}): GradientTransformation<AdamState> {
  const { b1 = 0.9, b2 = 0.999, eps = 1e-8, epsRoot = 0 } = options;
  return {
    init: (params) => ({
      count: zeros([]),
      mu: tensorZerosLike(params),
      nu: tensorZerosLike(params),
    }),
    update: <U>(g: U, state: AdamState): [U, AdamState] => {
      const mu = asTensorTree(map((x, m) => add(mul(b1, m), mul(1 - b1, x)), g, state.mu));
      const nu = asTensorTree(map((x, v) => add(mul(b2, v), mul(1 - b2, mul(x, x))), g, state.nu));
      const count = add(state.count, 1);
      const c1 = sub(1, pow(b1, count));
      const c2 = sub(1, pow(b2, count));
      const u = map((m, v) => div(div(m, c1), add(sqrt(add(div(v, c2), epsRoot)), eps)), mu, nu);
      return [u as U, { count, mu, nu }];
    },
  };
}

/**
 * Adam (Kingma & Ba): p ← p − η m̂ / (√v̂ + ε), with m̂, v̂ the bias-corrected moments of
 * `scaleByAdam`.
 *
 * @example
 * const opt = optim.adam(0.1);
 * opt.update(tensor([2, -3]), opt.init(tensor([0, 0])))[0]; // ≈ tensor([-0.1, 0.1])
 */
export function adam(
  learningRate: ScalarOrSchedule,
  options: AdamOptions = {},
): GradientTransformation<OptState[]> {
  return chain(scaleByAdam(options), scaleByLearningRate(learningRate));
}

/** Options of `adamw`. */
export interface AdamWOptions extends AdamOptions {
  /** The decoupled weight decay λ (default 1e-4). */
  weightDecay?: number | undefined;
}

/**
 * AdamW (Loshchilov & Hutter, decoupled weight decay): p ← p − η (m̂ / (√v̂ + ε) + λ p).
 * `update` needs the parameters.
 *
 * @example
 * const opt = optim.adamw(0.1, { weightDecay: 0.5 });
 * opt.update(tensor([2]), opt.init(tensor([1])), tensor([1]))[0]; // ≈ tensor([-0.15])
 */
export function adamw(
  learningRate: ScalarOrSchedule,
  options: AdamWOptions = {},
): GradientTransformation<OptState[]> {
  return chain(
    scaleByAdam(options),
    addDecayedWeights(options.weightDecay ?? 1e-4),
    scaleByLearningRate(learningRate),
  );
}

/** Options of `rmsprop`. */
export interface RmspropOptions {
  /** Decay of the mean square (default 0.9). */
  decay?: number | undefined;
  /** Added under the square root (default 1e-8). */
  eps?: number | undefined;
  /** The initial mean square (default 0). */
  initialScale?: number | undefined;
  /** Momentum applied after the scaling (none by default). */
  momentum?: number | undefined;
  /** Nesterov momentum (default false). */
  nesterov?: boolean | undefined;
}

/**
 * RMSProp (Tieleman & Hinton; optax's `rmsprop`, uncentred): ν ← ρ ν + (1 − ρ) g²,
 * u = g / √(ν + ε), then optional momentum, p ← p − η u.
 *
 * @example
 * const opt = optim.rmsprop(0.01);
 * opt.update(tensor([1]), opt.init(tensor([0])))[0]; // ≈ tensor([-0.01 / Math.sqrt(0.1)])
 */
export function rmsprop(
  learningRate: ScalarOrSchedule,
  options: RmspropOptions = {},
): GradientTransformation<OptState[]> {
  const { decay = 0.9, eps = 1e-8, initialScale = 0 } = options;
  const rms: GradientTransformation<{ nu: Pytree }> = {
    init: (params) => ({ nu: map((z) => add(z, initialScale), tensorZerosLike(params)) }),
    update: <U>(g: U, state: { nu: Pytree }): [U, { nu: Pytree }] => {
      const nu = asTensorTree(
        map((x, v) => add(mul(decay, v), mul(1 - decay, mul(x, x))), g, state.nu),
      );
      return [map((x, v) => div(x, sqrt(add(v, eps))), g, nu), { nu }];
    },
  };
  const parts: GradientTransformation[] = [rms];
  if (options.momentum !== undefined)
    parts.push(momentum(options.momentum, { nesterov: options.nesterov === true }));
  parts.push(scaleByLearningRate(learningRate));
  return chain(...parts);
}

/** Options of `adagrad`. */
export interface AdagradOptions {
  /** The initial sum of squares (default 0.1). */
  initialAccumulatorValue?: number | undefined;
  /** Added under the square root (default 1e-7). */
  eps?: number | undefined;
}

/**
 * Adagrad (Duchi, Hazan & Singer): s ← s + g², u = g / √(s + ε) (0 where s = 0), p ← p − η u.
 *
 * @example
 * const opt = optim.adagrad(1, { initialAccumulatorValue: 0, eps: 0 });
 * opt.update(tensor([3]), opt.init(tensor([0])))[0]; // → tensor([-1])
 */
export function adagrad(
  learningRate: ScalarOrSchedule,
  options: AdagradOptions = {},
): GradientTransformation<OptState[]> {
  const { initialAccumulatorValue = 0.1, eps = 1e-7 } = options;
  const rss: GradientTransformation<{ sumOfSquares: Pytree }> = {
    init: (params) => ({
      sumOfSquares: map((z) => add(z, initialAccumulatorValue), tensorZerosLike(params)),
    }),
    update: <U>(g: U, state: { sumOfSquares: Pytree }) => {
      const sumOfSquares = asTensorTree(map((x, s) => add(s, mul(x, x)), g, state.sumOfSquares));
      const u = map((x, s) => where(greater(s, 0), div(x, sqrt(add(s, eps))), 0), g, sumOfSquares);
      return [u, { sumOfSquares }];
    },
  };
  return chain(rss, scaleByLearningRate(learningRate));
}

/** Options of `lion`. */
export interface LionOptions {
  /** Interpolation of the gradient and the momentum for the step (default 0.9). */
  b1?: number | undefined;
  /** Decay of the momentum (default 0.99). */
  b2?: number | undefined;
  /** The decoupled weight decay λ (default 1e-3). */
  weightDecay?: number | undefined;
}

/**
 * Lion (Chen et al., "Symbolic discovery of optimization algorithms"):
 * u = sign((1 − β₁) g + β₁ m), m ← β₂ m + (1 − β₂) g, p ← p − η (u + λ p). Needs the parameters.
 *
 * @example
 * const opt = optim.lion(0.1, { weightDecay: 0 });
 * opt.update(tensor([2, -3]), opt.init(tensor([0, 0])), tensor([0, 0]))[0]; // → tensor([-0.1, 0.1])
 */
export function lion(
  learningRate: ScalarOrSchedule,
  options: LionOptions = {},
): GradientTransformation<OptState[]> {
  const { b1 = 0.9, b2 = 0.99, weightDecay = 1e-3 } = options;
  const direction: GradientTransformation<{ count: Tensor; mu: Pytree }> = {
    init: (params) => ({ count: zeros([]), mu: tensorZerosLike(params) }),
    update: <U>(g: U, state: { count: Tensor; mu: Pytree }) => {
      const u = map((x, m) => sign(add(mul(1 - b1, x), mul(b1, m))), g, state.mu);
      const mu = asTensorTree(map((x, m) => add(mul(b2, m), mul(1 - b2, x)), g, state.mu));
      return [u, { count: add(state.count, 1), mu }];
    },
  };
  return chain(direction, addDecayedWeights(weightDecay), scaleByLearningRate(learningRate));
}
