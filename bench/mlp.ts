/**
 * The MLP problem: 784-128-10 with ReLU, batch 64, softmax cross-entropy averaged over the batch.
 * loss(W1, b1, W2, b2) = mean_b −log softmax(relu(X W1 + b1) W2 + b2)[b, label_b]
 * Plain-JS forward and hand-derived backward pass on Float64Arrays.
 */
import { seededUniform } from "./problems.js";

export const MLP = { batch: 64, inputs: 784, hidden: 128, classes: 10 } as const;

export interface MlpData {
  x: Float64Array; // [batch, inputs]
  labels: Int32Array; // [batch]
  oneHot: Float64Array; // [batch, classes]
  w1: Float64Array; // [inputs, hidden]
  b1: Float64Array; // [hidden]
  w2: Float64Array; // [hidden, classes]
  b2: Float64Array; // [classes]
}

export interface MlpGrad {
  w1: Float64Array;
  b1: Float64Array;
  w2: Float64Array;
  b2: Float64Array;
}

function uniform(size: number, scale: number, next: () => number): Float64Array {
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) out[i] = scale * (2 * next() - 1);
  return out;
}

export function mlpData(): MlpData {
  const { batch, inputs, hidden, classes } = MLP;
  const count = batch * (1 + inputs) + hidden * (inputs + 1 + classes) + classes;
  const next = seededUniform(784, count);
  const labels = new Int32Array(batch);
  const oneHot = new Float64Array(batch * classes);
  for (let b = 0; b < batch; b++) {
    labels[b] = Math.floor(next() * classes);
    oneHot[b * classes + labels[b]] = 1;
  }
  return {
    x: uniform(batch * inputs, 1, next),
    labels,
    oneHot,
    w1: uniform(inputs * hidden, Math.sqrt(6 / (inputs + hidden)), next),
    b1: uniform(hidden, 0.1, next),
    w2: uniform(hidden * classes, Math.sqrt(6 / (hidden + classes)), next),
    b2: uniform(classes, 0.1, next),
  };
}

/** C[m,n] = A[m,k] B[k,n] (+ bias[n] if given), i-k-j order. */
function matmulBias(
  a: Float64Array,
  b: Float64Array,
  m: number,
  k: number,
  n: number,
  bias?: Float64Array,
) {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const row = i * n;
    if (bias) for (let j = 0; j < n; j++) c[row + j] = bias[j]!;
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      if (aip === 0) continue;
      const col = p * n;
      for (let j = 0; j < n; j++) c[row + j] += aip * b[col + j];
    }
  }
  return c;
}

interface Forward {
  hidden: Float64Array; // relu output [batch, hidden]
  probs: Float64Array; // softmax [batch, classes]
  loss: number;
}

function forward(d: MlpData): Forward {
  const { batch, inputs, hidden, classes } = MLP;
  const h = matmulBias(d.x, d.w1, batch, inputs, hidden, d.b1);
  for (let i = 0; i < h.length; i++) if (h[i] < 0) h[i] = 0;
  const logits = matmulBias(h, d.w2, batch, hidden, classes, d.b2);
  const probs = new Float64Array(batch * classes);
  let loss = 0;
  for (let b = 0; b < batch; b++) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[b * classes + c]);
    let total = 0;
    for (let c = 0; c < classes; c++) total += Math.exp(logits[b * classes + c] - max);
    const logZ = max + Math.log(total);
    for (let c = 0; c < classes; c++)
      probs[b * classes + c] = Math.exp(logits[b * classes + c] - logZ);
    loss += logZ - logits[b * classes + d.labels[b]];
  }
  return { hidden: h, probs, loss: loss / batch };
}

export function mlpLoss(d: MlpData): number {
  return forward(d).loss;
}

export function mlpGrad(d: MlpData): MlpGrad {
  const { batch, inputs, hidden, classes } = MLP;
  const fw = forward(d);
  // d loss / d logits = (softmax − onehot) / batch
  const dLogits = new Float64Array(batch * classes);
  for (let i = 0; i < dLogits.length; i++) dLogits[i] = (fw.probs[i] - d.oneHot[i]) / batch;
  const w2 = new Float64Array(hidden * classes);
  const b2 = new Float64Array(classes);
  const dHidden = new Float64Array(batch * hidden);
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < classes; c++) b2[c] += dLogits[b * classes + c];
    for (let j = 0; j < hidden; j++) {
      const hj = fw.hidden[b * hidden + j];
      let back = 0;
      for (let c = 0; c < classes; c++) {
        const g = dLogits[b * classes + c];
        w2[j * classes + c] += hj * g;
        back += g * d.w2[j * classes + c];
      }
      dHidden[b * hidden + j] = hj > 0 ? back : 0;
    }
  }
  const w1 = new Float64Array(inputs * hidden);
  const b1 = new Float64Array(hidden);
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < hidden; j++) b1[j] += dHidden[b * hidden + j];
    for (let p = 0; p < inputs; p++) {
      const xp = d.x[b * inputs + p];
      const row = p * hidden;
      for (let j = 0; j < hidden; j++) w1[row + j] += xp * dHidden[b * hidden + j];
    }
  }
  return { w1, b1, w2, b2 };
}
