/**
 * Every sparsity rule against the dense Jacobian: for each op (and so each primitive, in forward
 * and, through the ops that use them, adjoint forms), sparseJacobian must equal jacobian — which
 * also proves the detected pattern covers every nonzero.
 */
import { describe, expect, it } from "vitest";
import * as ct from "cotangent";
import { jacobian, randn, sparseJacobian, type Tensor } from "cotangent";

const C42 = randn([4, 2], { seed: 21 });
const C33 = randn([3, 3], { seed: 22 }).add(ct.eye(3).mul(4));
const row4 = randn([4], { seed: 23 });
const col3 = randn([3, 1], { seed: 24 });

const m34 = (x: Tensor) => x.reshape([3, 4]);
const m33 = (x: Tensor) => ct.slice(x, [0, 9]).reshape([3, 3]).add(C33);
const positive = (x: Tensor) => ct.abs(x).add(1);

const cases: [string, (x: Tensor) => Tensor][] = [
  ["neg", (x) => ct.neg(x)],
  ["exp", (x) => ct.exp(x)],
  ["log", (x) => ct.log(positive(x))],
  ["log1p", (x) => ct.log1p(ct.abs(x))],
  ["expm1", (x) => ct.expm1(x)],
  ["sin", (x) => ct.sin(x)],
  ["cos", (x) => ct.cos(x)],
  ["tan", (x) => ct.tan(x.mul(0.3))],
  ["tanh", (x) => ct.tanh(x)],
  ["sigmoid", (x) => ct.sigmoid(x)],
  ["softplus", (x) => ct.softplus(x)],
  ["relu", (x) => ct.relu(x)],
  ["sqrt", (x) => ct.sqrt(positive(x))],
  ["sign (zero derivative)", (x) => ct.mul(ct.sign(x), x)],
  ["square", (x) => ct.square(x)],
  ["add, row broadcast", (x) => ct.add(m34(x), row4)],
  ["mul, column broadcast", (x) => ct.mul(m34(x), col3)],
  ["div by a broadcast row of x", (x) => ct.div(m34(x), positive(ct.slice(x, [0, 4])))],
  ["pow", (x) => ct.pow(positive(x), 1.5)],
  ["maximum", (x) => ct.maximum(x, x.mul(-1))],
  ["minimum", (x) => ct.minimum(x, x.mul(-0.5))],
  ["where on a comparison", (x) => ct.where(ct.greater(x, 0), x, x.mul(2))],
  ["sum over axis 0", (x) => ct.sum(m34(x), 0)],
  ["sum over axis 1, keepdims", (x) => ct.sum(m34(x), 1, true)],
  ["max over axis 1", (x) => ct.max(m34(x), 1)],
  ["min over axis 0", (x) => ct.min(m34(x), 0)],
  ["prod over axis 1", (x) => ct.prod(m34(x), 1)],
  ["mean", (x) => ct.mean(m34(x), 1)],
  ["logsumexp", (x) => ct.logsumexp(m34(x), 0)],
  ["softmax", (x) => ct.softmax(m34(x), 1)],
  ["logSoftmax", (x) => ct.logSoftmax(m34(x), 0)],
  ["norm", (x) => ct.norm(m34(x), undefined, 1)],
  ["reshape", (x) => x.reshape([2, 6])],
  ["broadcastTo", (x) => ct.broadcastTo(m34(x), [2, 3, 4])],
  ["transpose", (x) => ct.transpose(m34(x))],
  ["expandDims and squeeze", (x) => ct.squeeze(ct.expandDims(m34(x), 1), 1)],
  ["strided slice", (x) => ct.slice(m34(x), [0, 3, 2], [1, 4, 2])],
  ["take", (x) => ct.take(m34(x), [2, 0, 2], 1)],
  ["concat", (x) => ct.concat([ct.slice(x, [6, 12]), ct.slice(x, [0, 3])])],
  ["stack", (x) => ct.stack([ct.slice(x, [0, 4]), ct.slice(x, [8, 12])], 1)],
  ["matmul", (x) => ct.matmul(m34(x), C42)],
  ["matmul (x on the right)", (x) => ct.matmul(ct.transpose(C42), ct.transpose(m34(x)))],
  ["dot", (x) => ct.dot(ct.slice(x, [0, 6]), ct.slice(x, [6, 12]))],
  ["outer", (x) => ct.outer(ct.slice(x, [0, 3]), ct.slice(x, [9, 12]))],
  ["solve", (x) => ct.solve(m33(x), ct.slice(x, [9, 12]))],
  ["inv", (x) => ct.inv(m33(x))],
  ["det", (x) => ct.det(m33(x))],
  ["singular values", (x) => ct.singularValues(m34(x))],
  ["stopGradient", (x) => ct.mul(ct.stopGradient(x), x)],
];

describe("sparsity rules: sparseJacobian equals jacobian", () => {
  const x = randn([12], { seed: 20 });
  it.each(cases)("%s", (_name, f) => {
    const sparse = sparseJacobian(f, x);
    const dense = jacobian(f)(x);
    expect(sparse.toDense()).toBeAllclose(dense, { rtol: 1e-12, atol: 1e-13 });
    expect(sparse.outShape).toEqual(dense.outShape);
  });

  it("keeps elementwise patterns diagonal and reductions to their groups", () => {
    expect(sparseJacobian((v: Tensor) => ct.tanh(v), x).nnz).toBe(12);
    const rowSums = sparseJacobian((v: Tensor) => ct.sum(m34(v), 1), x);
    expect(rowSums.nnz).toBe(12);
    expect(rowSums.colors).toBe(4);
    expect(sparseJacobian((v: Tensor) => ct.mul(ct.sign(v), 2), x).nnz).toBe(0);
  });
});
