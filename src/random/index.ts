/**
 * `random`: counter-based keys (Threefry-2x32, 20 rounds) and samplers, JAX's `jax.random` in
 * camelCase. `randn(shape, { seed })` stays the quick path for a one-off sample.
 */
export { bits, foldIn, key, split, threefry2x32 } from "./keys.js";
export {
  bernoulli,
  categorical,
  normal,
  permutation,
  truncatedNormal,
  uniform,
} from "./samplers.js";
export type { CategoricalOptions, PermutationOptions, UniformOptions } from "./samplers.js";
