/**
 * The one place that knows the runtime's classes: recognises its values by `instanceof` and turns
 * them into the plain inputs of the payload builders (jacobian.ts, chain.ts, tensor.ts).
 */
import {
  BatchedJacobian,
  ChainTrace,
  Jacobian,
  JacobianView,
  SparseJacobian,
  Tensor,
  singularValues,
} from "../../src/index.js";
import type { ChainInput } from "./chain.js";
import type { BlockInput } from "./blocks.js";
import {
  SVD_MAX_SIDE,
  denseJacobianInput,
  type JacobianInput,
  type SingularValuesFn,
} from "./jacobian.js";
import type { MatrixSource } from "./matrix.js";

export type JacobianLike = Jacobian | SparseJacobian | JacobianView;

export function isTensor(value: unknown): value is Tensor {
  return value instanceof Tensor;
}

export function isJacobianLike(value: unknown): value is JacobianLike {
  return (
    value instanceof Jacobian || value instanceof SparseJacobian || value instanceof JacobianView
  );
}

export function isChain(value: unknown): value is ChainTrace {
  return value instanceof ChainTrace;
}

/** Values, shape and the runtime's own numpy-like text of a tensor. */
export function tensorParts(value: Tensor): { data: Float64Array; shape: number[]; text: string } {
  return { data: value.data, shape: [...value.shape], text: value.toString() };
}

/** Singular values for the summary: the runtime's values-only solver (bidiagonal + QL). */
export const summarySingularValues: SingularValuesFn = (data, rows, cols) => {
  if (data.length !== rows * cols) {
    throw new Error(`singularValues: ${data.length} values do not fill a ${rows}×${cols} matrix`);
  }
  if (rows === 0 || cols === 0) return [];
  return Array.from(singularValues(new Tensor(data, [rows, cols])).data);
};

/** A sparse Jacobian read row by row from its compressed rows (never densified when large). */
function sparseSource(sparse: SparseJacobian): MatrixSource {
  const buffer = new Float64Array(sparse.cols);
  return {
    rows: sparse.rows,
    cols: sparse.cols,
    row(i) {
      buffer.fill(0);
      for (let p = sparse.rowPtr[i]; p < sparse.rowPtr[i + 1]; p++)
        buffer[sparse.colIdx[p]] = sparse.values[p]!;
      return buffer;
    },
  };
}

function sparseInput(sparse: SparseJacobian): JacobianInput {
  const small = sparse.rows <= SVD_MAX_SIDE && sparse.cols <= SVD_MAX_SIDE;
  const input: JacobianInput = {
    source: sparseSource(sparse),
    outShape: [...sparse.outShape],
    inShape: [...sparse.inShape],
    colors: sparse.colors,
  };
  if (small) {
    input.dense = sparse.toDense().data;
    input.singularValues = summarySingularValues;
  }
  return input;
}

/** How a tensor splits into rows (outputs) and columns (inputs) when it is not a Jacobian. */
function splitShape(t: Tensor): { outShape: number[]; inShape: number[] } {
  if (t instanceof Jacobian) return { outShape: [...t.outShape], inShape: [...t.inShape] };
  if (t.shape.length === 0) return { outShape: [], inShape: [] };
  return { outShape: [t.shape[0]], inShape: t.shape.slice(1) };
}

/** The payload input (and the text rendering) of a Jacobian, sparse Jacobian or labelled view. */
export function jacobianInputOf(value: JacobianLike): { input: JacobianInput; text: string } {
  if (value instanceof SparseJacobian) return { input: sparseInput(value), text: value.toString() };
  const options = value instanceof JacobianView ? value.options : {};
  const labels = {
    title: options.title,
    outputs: options.outputs,
    inputs: options.inputs,
    maxBytes: options.maxBytes,
  };
  const inner: unknown = value instanceof JacobianView ? value.jacobian : value;
  if (inner instanceof SparseJacobian) {
    return { input: { ...sparseInput(inner), ...labels }, text: inner.toString() };
  }
  if (!(inner instanceof Tensor)) {
    throw new Error(
      `display.jacobian: expected a Tensor, Jacobian or SparseJacobian, got ${typeof inner}`,
    );
  }
  const { outShape, inShape } = splitShape(inner);
  const input = denseJacobianInput(inner.data, outShape, inShape, {
    ...labels,
    singularValues: summarySingularValues,
    derivative: inner instanceof Jacobian && inner.derivative === "hessian" ? "hessian" : undefined,
  });
  return { input, text: inner.toString() };
}

/** The builder input of a chain recorded with `traceChain`. */
export function chainInputOf(chain: ChainTrace): ChainInput {
  const plain = (t: Tensor): { data: Float64Array; shape: number[] } => ({
    data: t.data,
    shape: [...t.shape],
  });
  return {
    title: chain.title,
    stages: chain.stages.map((s) => ({
      name: s.name,
      input: plain(s.input),
      output: plain(s.output),
      jacobian: s.jacobian.data,
      cotangentIn: plain(s.cotangentIn),
      cotangentOut: plain(s.cotangentOut),
    })),
    v: plain(chain.v),
    result: plain(chain.result),
  };
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  if (Array.isArray(value)) return true;
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * The blocks of a pytree Jacobian — an object or array whose every leaf is a Jacobian the
 * runtime marked with its leaf paths — or undefined for any other value.
 */
export function pytreeJacobianBlocks(value: unknown): BlockInput[] | undefined {
  if (!isContainer(value)) return undefined;
  const blocks: BlockInput[] = [];
  const walk = (x: unknown, depth: number): boolean => {
    if (x instanceof Jacobian) {
      if (x.block === undefined) return false;
      const { output, input } = x.block;
      blocks.push({
        output,
        input,
        outShape: [...x.outShape],
        inShape: [...x.inShape],
        data: x.data,
      });
      return true;
    }
    if (!isContainer(x) || depth > 32) return false;
    const children = Array.isArray(x) ? x : Object.values(x);
    return children.length > 0 && children.every((c) => walk(c, depth + 1));
  };
  return walk(value, 0) && blocks.length > 0 ? blocks : undefined;
}

export function isBatchedJacobian(value: unknown): value is BatchedJacobian {
  return value instanceof BatchedJacobian;
}
