/**
 * Progress of long transforms. A transform that works in batches (`jacobian`, `jacrev`,
 * `jacfwd`, `hessian`, `sparseJacobian`, a chunked `vmap`) reports each batch it finishes to the
 * host's progress hook; the runtime itself draws nothing. The notebook kernel installs a hook that
 * shows a progress bar once a task has run for about a second, updates it in place and replaces
 * it with a one-line summary when the task ends. Without a hook, reporting costs one check.
 */

/** One report of a task: how far it got. */
export interface ProgressReport {
  /** A number unique to the task within the process. */
  readonly task: number;
  /** What runs: "jacrev", "jacfwd", "sparseJacobian", "vmap". */
  readonly label: string;
  /** What the basis counts: "rows" (reverse mode, one per output), "columns", "colours". */
  readonly unit: string;
  /** Basis vectors (or batch entries) in all. */
  readonly total: number;
  /** How many are done. */
  readonly done: number;
  /** The most vectors of one batch (the chunk size). */
  readonly chunk: number;
  /** Batches done and in all. */
  readonly batches: { readonly done: number; readonly total: number };
  /** Milliseconds since the task started. */
  readonly elapsedMs: number;
  /** The task ended (finished, or stopped by an error: then `failed`). */
  readonly finished: boolean;
  readonly failed: boolean;
}

/** Receives every report; the host decides what to show (and when). */
export type ProgressHook = (report: ProgressReport) => void;

let hook: ProgressHook | undefined;
let nextTask = 0;

/**
 * Installs the host's progress hook (the notebook kernel does this); returns the previous one.
 * Reports arrive synchronously while the transform runs, one per batch.
 *
 * @example
 * setProgressHook((r) => console.log(`${r.label}: ${r.done}/${r.total} ${r.unit}`));
 * jacobian((x: Tensor) => sin(matmul(W, x)))(x); // logs each batch of rows
 */
export function setProgressHook(next: ProgressHook | undefined): ProgressHook | undefined {
  const previous = hook;
  hook = next;
  return previous;
}

/** The clock: `performance.now` where there is one (browsers, Node), else Date. */
const clock = (): number => (typeof performance !== "undefined" ? performance.now() : Date.now());

/**
 * Runs `total` basis vectors in batches of at most `chunk`: `run(start, count)` for each batch,
 * in order, reporting each to the hook. The task's end is reported also when a batch throws.
 */
export function inBatches(
  label: string,
  unit: string,
  total: number,
  chunk: number,
  run: (start: number, count: number) => void,
): void {
  const batches = Math.max(1, Math.ceil(total / chunk));
  const task = nextTask++;
  const started = clock();
  const report = (done: number, batchesDone: number, finished: boolean, failed: boolean): void =>
    hook?.({
      task,
      label,
      unit,
      total,
      done,
      chunk,
      batches: { done: batchesDone, total: batches },
      elapsedMs: clock() - started,
      finished,
      failed,
    });
  report(0, 0, false, false);
  let k = 0;
  try {
    for (; k < batches; k++) {
      const start = k * chunk;
      run(start, Math.min(chunk, total - start));
      if (k + 1 < batches) report(Math.min(total, start + chunk), k + 1, false, false);
    }
  } catch (error) {
    report(Math.min(total, k * chunk), k, true, true);
    throw error;
  }
  report(total, batches, true, false);
}

/**
 * Entries one batched pass may hold per basis vector times the chunk: a batch of basis vectors
 * is sized so that a tensor of [chunk, larger side] stays within 2²¹ entries (16 MB of float64).
 */
const BATCH_ENTRIES = 2 ** 21;

/** The chunk size for a basis of `total` vectors whose passes touch tensors of `side` entries. */
export function chunkSize(total: number, side: number): number {
  return Math.max(1, Math.min(total, Math.floor(BATCH_ENTRIES / Math.max(1, side))));
}

/** A `chunkSize` option, checked: a positive integer (the error names the op). */
export function checkChunkSize(op: string, chunk: number): number {
  if (!(Number.isInteger(chunk) && chunk > 0))
    throw new Error(`${op}: chunkSize must be a positive integer, got ${String(chunk)}`);
  return chunk;
}
