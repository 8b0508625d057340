/**
 * `optim`: optax-style optimizers, gradient transformations and schedules (pure functions over
 * pytrees), exported from the package root as one namespace.
 */
export {
  addDecayedWeights,
  applyUpdates,
  chain,
  clipByGlobalNorm,
  globalNorm,
  momentum,
  scale,
  scaleByLearningRate,
  scaleBySchedule,
} from "./transform.js";
export type { CountState, GradientTransformation, MomentumOptions, OptState } from "./transform.js";
export { adagrad, adam, adamw, lion, rmsprop, scaleByAdam, sgd } from "./optimizers.js";
export type {
  AdagradOptions,
  AdamOptions,
  AdamState,
  AdamWOptions,
  LionOptions,
  RmspropOptions,
  SgdOptions,
} from "./optimizers.js";
export {
  constant,
  cosineDecay,
  exponentialDecay,
  joinSchedules,
  linearSchedule,
  piecewiseConstant,
  warmupCosineDecay,
} from "./schedules.js";
export type {
  CosineDecayOptions,
  ExponentialDecayOptions,
  LinearScheduleOptions,
  ScalarOrSchedule,
  Schedule,
  WarmupCosineDecayOptions,
} from "./schedules.js";
