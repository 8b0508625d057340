/**
 * cotangent: float64 tensors with derivatives you can see. The curated public surface: tensors
 * and their constructors, the ops, the transforms (vjp, jvp, grad, valueAndGrad, jacobian, …),
 * and `display`/`trace` for notebooks.
 */
export { Tensor } from "./tensor/tensor.js";
export type { Axis, NestedArray, SliceSpec, TensorLike } from "./tensor/tensor.js";
export {
  arange,
  asTensor,
  eye,
  full,
  linspace,
  ones,
  rand,
  randn,
  tensor,
  zeros,
} from "./tensor/creation.js";
export type { RandomOptions } from "./tensor/creation.js";
export * from "./ops.js";
export { eigh, eigvals } from "./eigen.js";
export { foriLoop, scan, whileLoop, type ScanOptions } from "./loops/loops.js";
export { grad, jvp, valueAndGrad, vjp } from "./transforms/api.js";
export { jit, inspectJit, type JitReport } from "./jit/jit.js";
export { linearize } from "./jit/linearize.js";
export type { ArgOf, ArgsOf, GradOf, GradOptions } from "./transforms/api.js";
export { BatchedJacobian, Jacobian } from "./tensor/jacobian.js";
export { hessian, jacfwd, jacobian, jacrev } from "./transforms/jacobians.js";
export { vmap } from "./transforms/batch.js";
export type { VmapOptions } from "./transforms/batch.js";
export type {
  JacobianFn,
  JacobianOf,
  JacobianOptions,
  JacobianTransform,
  SparseJacobianTransform,
} from "./transforms/jacobians.js";
export { customVjp } from "./transforms/custom.js";
export type { Pytree } from "./tensor/pytree.js";
export { Primitive } from "./primitives/primitive.js";
export type { CompareOp } from "./primitives/primitive.js";
export { setPrimitiveObserver } from "./core.js";
export { TensorSizeError, setTensorLimit } from "./tensor/memory.js";
export type { Phase, PrimitiveObserver } from "./core.js";
export { JacobianView, LiveTrace, display, setDisplaySink, trace } from "./display.js";
export { setProgressHook } from "./progress.js";
export type { ProgressHook, ProgressReport } from "./progress.js";
export type {
  Display,
  DisplaySink,
  JacobianViewOptions,
  MimeBundle,
  PlotOptions,
  SeriesData,
  TraceOptions,
  TraceValues,
} from "./display.js";
// Runtime extras: debugging checks, chains of stages, sparse Jacobians.
export { checkGrad } from "./extras/check.js";
export type {
  CheckGradMismatch,
  CheckGradOptions,
  CheckGradReport,
  CheckName,
} from "./extras/check.js";
export { NonFiniteError, setDebugNans, withDebugNans } from "./extras/debug.js";
export { ChainTrace, chain, traceChain } from "./extras/chain.js";
export type { ChainFunction, ChainStage, NamedStage, StageFn, StageSpec } from "./extras/chain.js";
export { SparseJacobian, sparseJacobian } from "./extras/sparse.js";
export { Explorer, Slider, explore, slider } from "./explore/explore.js";
export type {
  ExploreArg,
  ExploreOptions,
  ExploreViewKind,
  ExplorerFrame,
  ExplorerInput,
  ExplorerStatic,
} from "./explore/explore.js";
// Random keys: Threefry-2x32 counters and samplers (jax.random).
export * as random from "./random/index.js";
export type { CategoricalOptions, PermutationOptions, UniformOptions } from "./random/index.js";
// Optimisation: optax-style optimizers, solvers, and the public pytree functions.
export * as optim from "./optim/index.js";
export * as tree from "./optim/tree.js";
export { onesLike, zerosLike } from "./optim/tree.js";
export type { TreeStructure } from "./optim/tree.js";
export { minimize } from "./optim/minimize.js";
export type { MinimizeMethod, MinimizeOptions } from "./optim/minimize.js";
export { OptimizeResult } from "./optim/result.js";
export type { OptimizeFields, TraceOption } from "./optim/result.js";
export { leastSquares } from "./optim/least-squares.js";
export type { LeastSquaresOptions } from "./optim/least-squares.js";
export { findRoot } from "./optim/root.js";
export type { FindRootOptions } from "./optim/root.js";
export { LeastSquaresResult, RootResult } from "./optim/least-squares-result.js";
export type { LeastSquaresFields, RootFields } from "./optim/least-squares-result.js";
