/**
 * The view of a pytree Jacobian (`jacobian(net)(p, x)` with p = { W, b }): a plain object or
 * array whose leaves are the blocks ∂(output leaf)/∂(input leaf), each marked by the runtime with
 * its two leaf paths. The blocks are laid out as one matrix — a block row per output leaf, a
 * block column per input leaf — whose rows and columns are labelled with the leaf paths and
 * indices, and whose payload says where each block starts (`blocks`), so the views draw the
 * grid and name the blocks. Pure over plain inputs; runtime.ts turns the runtime's value into them.
 */
import { formatShape, leafName, shapeSize, unravelIndex } from "../shared/format.js";
import type { JacobianBlockAxis } from "../shared/payloads.js";
import { denseJacobianInput, type JacobianInput, type SingularValuesFn } from "./jacobian.js";

/** One block as the runtime gives it: its leaf paths, shapes and row-major values. */
export interface BlockInput {
  output: string;
  input: string;
  outShape: number[];
  inShape: number[];
  data: Float64Array;
}

/** Paths in order of first appearance, each with the shape its blocks agree on. */
function axis(
  blocks: readonly BlockInput[],
  key: "output" | "input",
  shapeOf: (b: BlockInput) => number[],
): { path: string; shape: number[] }[] {
  const seen = new Map<string, number[]>();
  for (const b of blocks) {
    const shape = shapeOf(b);
    const known = seen.get(b[key]);
    if (known === undefined) seen.set(b[key], shape);
    else if (known.join(",") !== shape.join(",")) {
      throw new Error(
        `pytree Jacobian: the blocks of ${key} "${b[key]}" disagree on its shape (${formatShape(known)} vs ${formatShape(shape)})`,
      );
    }
  }
  return [...seen].map(([path, shape]) => ({ path, shape }));
}

/** Row or column labels: `path[i,j]` (or `f[i]` / `x[j]` for a lone tensor's empty path). */
function labels(parts: readonly { path: string; shape: number[] }[], lone: string): string[] {
  return parts.flatMap(({ path, shape }) => {
    const name = leafName(path, lone);
    const n = shapeSize(shape);
    if (shape.length === 0) return [name];
    return Array.from({ length: n }, (_, k) => `${name}[${unravelIndex(k, shape)}]`);
  });
}

function starts(parts: readonly { path: string; shape: number[] }[]): JacobianBlockAxis[] {
  let at = 0;
  return parts.map(({ path, shape }) => {
    const size = shapeSize(shape);
    const part = { path, shape: [...shape], start: at, size };
    at += size;
    return part;
  });
}

/**
 * The payload input of a pytree Jacobian: its blocks assembled into one matrix (rows: output
 * leaves in order, columns: input leaves in order), labelled, with the block layout.
 */
export function blockJacobianInput(
  blocks: readonly BlockInput[],
  title: string | undefined,
  singularValues?: SingularValuesFn,
): JacobianInput {
  const outs = axis(blocks, "output", (b) => b.outShape);
  const ins = axis(blocks, "input", (b) => b.inShape);
  const rowAxis = starts(outs);
  const colAxis = starts(ins);
  const rows = rowAxis.reduce((n, a) => n + a.size, 0);
  const cols = colAxis.reduce((n, a) => n + a.size, 0);
  const data = new Float64Array(rows * cols).fill(NaN);
  for (const b of blocks) {
    const r = rowAxis.find((a) => a.path === b.output)!;
    const c = colAxis.find((a) => a.path === b.input)!;
    for (let i = 0; i < r.size; i++)
      data.set(b.data.subarray(i * c.size, (i + 1) * c.size), (r.start + i) * cols + c.start);
  }
  const missing = outs.length * ins.length - blocks.length;
  if (missing !== 0) throw new Error(`pytree Jacobian: ${missing} blocks are missing`);
  return {
    ...denseJacobianInput(data, [rows], [cols], {
      title,
      outputs: labels(outs, "f"),
      inputs: labels(ins, "x"),
      singularValues,
    }),
    blocks: { rows: rowAxis, cols: colAxis },
  };
}
