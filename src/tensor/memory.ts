/**
 * The size limit of one tensor: an allocation above it fails at once with an error that says how
 * much memory it needed, instead of a raw RangeError from the typed array or the process running
 * out of memory. The default is 4 GiB (half a billion float64 entries); a kernel or a user may
 * set another.
 */
let limitBytes = 2 ** 32;

/** What an allocation inside a kernel is called until `bind` names the primitive. */
export const RESULT = "a result";

/** Thrown for a tensor over the limit; `bind` prefixes the primitive's name. */
export class TensorSizeError extends RangeError {
  constructor(
    readonly what: string,
    readonly entries: number,
  ) {
    super(
      `${what} needs ${formatBytes(entries * 8)} of float64, over the limit of ` +
        `${formatBytes(limitBytes)} per tensor (setTensorLimit changes it)`,
    );
    this.name = "TensorSizeError";
  }
}

/** Bytes in decimal units: 80 GB, 4.3 GB, 512 MB. */
function formatBytes(bytes: number): string {
  const units = ["bytes", "kB", "MB", "GB", "TB", "PB"];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  if (v >= 1000) return `${bytes.toExponential(1)} bytes`;
  const digits = v >= 100 || u === 0 ? 0 : 1;
  return `${v.toFixed(digits).replace(/\.0$/, "")} ${units[u]}`;
}

/** Whether `entries` float64 values exceed the limit (to build an error message only then). */
export function exceedsLimit(entries: number): boolean {
  return entries * 8 > limitBytes;
}

/** Throws TensorSizeError when `entries` float64 values exceed the limit. */
export function checkEntries(what: string, entries: number): void {
  if (exceedsLimit(entries)) throw new TensorSizeError(what, entries);
}

/** Checks a tensor of this shape for creation function `op` ("zeros: [100000, 100000]"). */
export function checkShapeSize(op: string, shape: readonly number[]): void {
  let n = 1;
  for (const d of shape) n *= d;
  if (exceedsLimit(n)) checkEntries(`${op}: [${shape.join(", ")}]`, n);
}

/**
 * Sets the largest tensor, in bytes, that the runtime allocates (default 4 GiB); returns the
 * previous limit. A larger request fails with an error naming the op and the memory it needed.
 *
 * @example
 * const previous = setTensorLimit(1e9); // 1 GB per tensor
 * zeros([100000, 100000]); // Error: zeros: [100000, 100000] needs 80 GB of float64, over the limit of 1 GB per tensor …
 * setTensorLimit(previous);
 */
export function setTensorLimit(bytes: number): number {
  if (!(bytes > 0))
    throw new Error(`setTensorLimit: the limit must be a positive number of bytes, got ${bytes}`);
  const previous = limitBytes;
  limitBytes = bytes;
  return previous;
}
