/**
 * Learning-rate schedules, as in optax: functions of the step count (a 0-d tensor) written in
 * traced ops only — `where`, `minimum`, `pow` — never a JavaScript `if` on the count, so a jitted
 * training step that calls one compiles once and runs for every step.
 */
import { asTensor } from "../tensor/creation.js";
import {
  add,
  cos,
  div,
  greaterEqual,
  less,
  lessEqual,
  maximum,
  minimum,
  mul,
  pow,
  stopGradient,
  sub,
  where,
} from "../ops.js";
import type { Tensor } from "../tensor/tensor.js";
import { floorNonNegative } from "../random/special.js";

/** A schedule: the step count (a 0-d tensor, or a number) → the value at that step (0-d). */
export type Schedule = (count: Tensor | number) => Tensor;

/** A constant or a schedule, wherever a learning rate is taken. */
export type ScalarOrSchedule = number | Schedule;

/** The schedule of a learning rate given as a number or a schedule. */
export function asSchedule(value: ScalarOrSchedule): Schedule {
  return typeof value === "number" ? constant(value) : value;
}

/**
 * The same value at every step: η(t) = value.
 *
 * @example
 * optim.constant(0.1)(5); // → tensor(0.1)
 */
export function constant(value: number): Schedule {
  return () => asTensor(value);
}

/** Options of `linearSchedule`. */
export interface LinearScheduleOptions {
  /** Steps before the ramp starts (default 0). */
  transitionBegin?: number | undefined;
}

/**
 * A linear ramp from `init` to `end` over `steps` steps (optax's `linear_schedule`):
 * η(t) = init + (end − init) · min(max(t − begin, 0), steps) / steps.
 *
 * @example
 * optim.linearSchedule(0, 1, 10)(5); // → tensor(0.5)
 */
export function linearSchedule(
  init: number,
  end: number,
  steps: number,
  options: LinearScheduleOptions = {},
): Schedule {
  const begin = options.transitionBegin ?? 0;
  return (count) => {
    const t = minimum(maximum(sub(count, begin), 0), steps);
    return add(init, mul(end - init, div(t, Math.max(steps, 1))));
  };
}

/** Options of `exponentialDecay`. */
export interface ExponentialDecayOptions {
  /** Steps at the initial value before the decay starts (default 0). */
  transitionBegin?: number | undefined;
  /** Decay in whole periods of `transitionSteps` (default false). */
  staircase?: boolean | undefined;
  /** A bound the value does not pass (a floor when decaying, a ceiling when growing). */
  endValue?: number | undefined;
}

/**
 * Exponential decay (optax's `exponential_decay`): with p = (t − begin) / transitionSteps
 * (⌊p⌋ with `staircase`), η(t) = init · rate^p for t > begin and init before, bounded by
 * `endValue` when given.
 *
 * @example
 * optim.exponentialDecay(1, 10, 0.5)(20); // → tensor(0.25)
 */
export function exponentialDecay(
  init: number,
  transitionSteps: number,
  decayRate: number,
  options: ExponentialDecayOptions = {},
): Schedule {
  if (!(transitionSteps > 0))
    throw new Error(`exponentialDecay: transitionSteps must be positive, got ${transitionSteps}`);
  const begin = options.transitionBegin ?? 0;
  return (count) => {
    const c = asTensor(count);
    let p = div(sub(c, begin), transitionSteps);
    // ⌊p⌋ (p < 0 only before transitionBegin, where the value is replaced by init); no derivative
    if (options.staircase === true) p = stopGradient(floorNonNegative(p));
    let value = mul(init, pow(decayRate, p));
    if (begin > 0) value = where(lessEqual(c, begin), init, value);
    if (options.endValue !== undefined)
      value = decayRate < 1 ? maximum(value, options.endValue) : minimum(value, options.endValue);
    return value;
  };
}

/** Options of `cosineDecay`. */
export interface CosineDecayOptions {
  /** The final value as a fraction of `init` (default 0). */
  alpha?: number | undefined;
  /** The power of the cosine factor (default 1). */
  exponent?: number | undefined;
}

/**
 * Cosine decay (Loshchilov & Hutter's SGDR without restarts; optax's `cosine_decay_schedule`):
 * with τ = min(t, decaySteps) / decaySteps, η(t) = init · ((1 − α) · (½ (1 + cos πτ))^exponent + α).
 *
 * @example
 * optim.cosineDecay(1, 100)(50); // → tensor(0.5)
 */
export function cosineDecay(
  init: number,
  decaySteps: number,
  options: CosineDecayOptions = {},
): Schedule {
  if (!(decaySteps > 0))
    throw new Error(`cosineDecay: decaySteps must be positive, got ${decaySteps}`);
  const alpha = options.alpha ?? 0;
  const exponent = options.exponent ?? 1;
  return (count) => {
    const tau = div(minimum(count, decaySteps), decaySteps);
    const cosine = mul(0.5, add(1, cos(mul(Math.PI, tau))));
    return mul(init, add(mul(1 - alpha, pow(cosine, exponent)), alpha));
  };
}

/**
 * Schedules one after another (optax's `join_schedules`): schedule k + 1 takes over at
 * boundary k and sees the count relative to it, η(t) = s_{k+1}(t − b_k) for b_k ≤ t < b_{k+1}.
 *
 * @example
 * optim.joinSchedules([optim.constant(1), optim.constant(2)], [10])(12); // → tensor(2)
 */
export function joinSchedules(
  schedules: readonly Schedule[],
  boundaries: readonly number[],
): Schedule {
  if (schedules.length !== boundaries.length + 1)
    throw new Error(
      `joinSchedules: ${schedules.length} schedules need ${schedules.length - 1} boundaries, got ${boundaries.length}`,
    );
  return (count) => {
    const c = asTensor(count);
    let value = schedules[0](c);
    boundaries.forEach((b, k) => {
      value = where(less(c, b), value, schedules[k + 1](sub(c, b)));
    });
    return value;
  };
}

/** Options of `warmupCosineDecay`. */
export interface WarmupCosineDecayOptions {
  /** The value at and after `decaySteps` (default 0). */
  endValue?: number | undefined;
  /** The power of the cosine factor (default 1). */
  exponent?: number | undefined;
}

/**
 * Linear warm-up from `init` to `peak` over `warmupSteps`, then cosine decay from `peak` to
 * `endValue` until step `decaySteps` (optax's `warmup_cosine_decay_schedule`; `decaySteps`
 * counts the warm-up too).
 *
 * @example
 * const s = optim.warmupCosineDecay(0, 1, 10, 110);
 * [s(5).item(), s(10).item(), s(60).item()]; // → [0.5, 1, 0.5]
 */
export function warmupCosineDecay(
  init: number,
  peak: number,
  warmupSteps: number,
  decaySteps: number,
  options: WarmupCosineDecayOptions = {},
): Schedule {
  const end = options.endValue ?? 0;
  const alpha = peak === 0 ? 0 : end / peak;
  return joinSchedules(
    [
      linearSchedule(init, peak, warmupSteps),
      cosineDecay(peak, Math.max(decaySteps - warmupSteps, 1), {
        alpha,
        exponent: options.exponent ?? 1,
      }),
    ],
    [warmupSteps],
  );
}

/**
 * Piecewise constant (optax's `piecewise_constant_schedule`): `init` times the product of the
 * scales of every boundary reached, η(t) = init · Π_{b_k ≤ t} scale_k.
 *
 * @example
 * const s = optim.piecewiseConstant(1, { 10: 0.1, 20: 0.5 });
 * [s(5).item(), s(10).item(), s(25).item()]; // → [1, 0.1, 0.05]
 */
export function piecewiseConstant(
  init: number,
  boundariesAndScales: Readonly<Record<number, number>> = {},
): Schedule {
  const entries = Object.entries(boundariesAndScales)
    .map(([b, s]) => [Number(b), s] as const)
    .sort((a, b) => a[0] - b[0]);
  return (count) => {
    const c = asTensor(count);
    let value = asTensor(init);
    for (const [boundary, scale] of entries)
      value = where(greaterEqual(c, boundary), mul(value, scale), value);
    return value;
  };
}
