/**
 * The concrete loops behind the Scan and While eval rules. They run bodies compiled by jit,
 * which is built on the core that the eval rules are part of, so loop-rules.ts installs them
 * here when it loads (every entry point loads it) instead of the eval table importing it.
 */
import type { ParamsOf, Primitive } from "../primitives/primitive.js";
import type { Tensor } from "../tensor/tensor.js";

type Kernel<P extends Primitive> = (inputs: Tensor[], params: ParamsOf<P>) => Tensor;

export const loopKernels: {
  scan?: Kernel<Primitive.Scan>;
  while?: Kernel<Primitive.While>;
} = {};

export function loopKernel<K extends "scan" | "while">(
  name: K,
): NonNullable<(typeof loopKernels)[K]> {
  const k = loopKernels[name];
  if (k === undefined) throw new Error(`${name}: the loop kernels are not loaded`);
  return k;
}
