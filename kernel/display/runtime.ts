/**
 * The one place that knows the runtime's classes: recognises its values by `instanceof` and turns
 * them into the plain inputs of the payload builders (jacobian.ts, chain.ts, tensor.ts).
 */
import { ChainTrace, Jacobian, SparseJacobian, Tensor, singularValues } from "../../src/index.js";
import { JacobianView } from "../../src/display.js";
import type { ChainInput } from "./chain.js";
import { denseJacobianInput, type JacobianInput, type SingularValuesFn } from "./jacobian.js";

export function isTensor(value: unknown): value is Tensor {
  return value instanceof Tensor;
}

export function isJacobianLike(value: unknown): value is Jacobian | SparseJacobian | JacobianView {
  return (
    value instanceof Jacobian || value instanceof SparseJacobian || value instanceof JacobianView
  );
}

export function isChain(value: unknown): value is ChainTrace {
  return value instanceof ChainTrace;
}

/** Values, shape and the runtime's own numpy-like text of a tensor. */
export function tensorParts(value: object): { data: Float64Array; shape: number[]; text?: string } {
  const t = value as Tensor;
  return { data: t.data, shape: [...t.shape], text: t.toString() };
}

/** The runtime's singular values as the builders want them. */
export const runtimeSingularValues: SingularValuesFn = (data, rows, cols) =>
  Array.from(singularValues(new Tensor(data, [rows, cols])).data);

/** How a tensor splits into rows (outputs) and columns (inputs) when it is not a Jacobian. */
function splitShape(t: Tensor): { outShape: number[]; inShape: number[] } {
  if (t instanceof Jacobian) return { outShape: [...t.outShape], inShape: [...t.inShape] };
  if (t.shape.length === 0) return { outShape: [], inShape: [] };
  return { outShape: [t.shape[0]], inShape: t.shape.slice(1) };
}

/** The payload input (and the text rendering) of a Jacobian, sparse Jacobian or labelled view. */
export function jacobianInputOf(value: Jacobian | SparseJacobian | JacobianView): {
  input: JacobianInput;
  text: string;
} {
  if (value instanceof SparseJacobian) {
    const dense = value.toDense();
    const input = denseJacobianInput(dense.data, [...value.outShape], [...value.inShape], {
      colors: value.colors,
      singularValues: runtimeSingularValues,
    });
    return { input, text: dense.toString() };
  }
  const options = value instanceof JacobianView ? value.options : {};
  const tensor = value instanceof JacobianView ? value.jacobian : value;
  if (value instanceof JacobianView && isJacobianLike(tensor) && tensor instanceof SparseJacobian) {
    const inner = jacobianInputOf(tensor);
    return { input: { ...inner.input, ...options }, text: inner.text };
  }
  const { outShape, inShape } = splitShape(tensor);
  const input = denseJacobianInput(tensor.data, outShape, inShape, {
    title: options.title,
    outputs: options.outputs,
    inputs: options.inputs,
    singularValues: runtimeSingularValues,
  });
  return { input, text: tensor.toString() };
}

/** The builder input of a recorded chain. */
export function chainInputOf(chain: ChainTrace): ChainInput {
  return {
    title: chain.title,
    stages: chain.stages.map((s) => ({
      name: s.name,
      input: s.input,
      output: s.output,
      jacobian: s.jacobian.data,
      cotangentIn: s.cotangentIn,
      cotangentOut: s.cotangentOut,
    })),
    v: chain.v,
    result: chain.result,
  };
}
