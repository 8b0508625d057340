/**
 * The memory guard of the executor. While a cell runs, the I/O thread samples the process's
 * resident memory (the JS heaps and array buffers of all its threads) every 100 ms; past the
 * limit it stops the cell (as an interrupt does), the main thread drops the names the cell had
 * bound so their memory is freed, and the cell ends with an out-of-memory error — before the
 * system's out-of-memory killer ends the whole kernel with SIGKILL.
 *
 * The limit: COTANGENT_MEMORY_LIMIT (bytes, "2GB", "512MB" or a share of the memory available,
 * "60%"), read when each cell starts (a cell may set `process.env.COTANGENT_MEMORY_LIMIT` for
 * the cells after it); by default 75% of `process.constrainedMemory()` (a container's or
 * cgroup's limit) when there is one, else of `os.totalmem()`.
 */
import { totalmem } from "node:os";

/** The default share of the available memory a kernel may use. */
export const DEFAULT_SHARE = 0.75;

export interface MemoryLimit {
  bytes: number;
  /** How it was chosen, for the error: "75% of 8 GB of system memory". */
  describe: string;
}

/** Bytes in decimal units: 3.1 GB, 512 MB. */
export function formatBytes(bytes: number): string {
  const units = ["bytes", "kB", "MB", "GB", "TB"];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1).replace(/\.0$/, "")} ${units[u]}`;
}

const UNITS: Record<string, number> = { "": 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12 };

/** The memory the kernel may take in all: a cgroup's limit when set, else the system's. */
export function availableMemory(): { bytes: number; what: string } {
  const total = totalmem();
  const constrained = process.constrainedMemory();
  if (constrained > 0 && constrained < total)
    return { bytes: constrained, what: "the memory this process may use" };
  return { bytes: total, what: "system memory" };
}

/**
 * The limit from `COTANGENT_MEMORY_LIMIT`, else the default share of the available memory. An
 * unreadable setting falls back to the default and says so in `describe`.
 */
export function memoryLimit(
  setting: string | undefined,
  available = availableMemory(),
): MemoryLimit {
  const share = (s: number): MemoryLimit => ({
    bytes: Math.floor(s * available.bytes),
    describe: `${Math.round(s * 100)}% of ${formatBytes(available.bytes)} of ${available.what}`,
  });
  const raw = setting?.trim().toLowerCase().replace(/\s+/g, "");
  if (raw === undefined || raw === "") return share(DEFAULT_SHARE);
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(raw);
  if (percent && Number(percent[1]) > 0 && Number(percent[1]) <= 100)
    return share(Number(percent[1]) / 100);
  const sized = /^(\d+(?:\.\d+)?(?:e\d+)?)([kmgt]?b?)$/.exec(raw);
  const bytes = sized ? Number(sized[1]) * (UNITS[sized[2]] ?? NaN) : NaN;
  if (Number.isFinite(bytes) && bytes > 0) return { bytes, describe: "COTANGENT_MEMORY_LIMIT" };
  const fallback = share(DEFAULT_SHARE);
  return {
    ...fallback,
    describe: `${fallback.describe}; COTANGENT_MEMORY_LIMIT="${setting}" is not a size`,
  };
}

export interface MemoryWatchOptions {
  /** The memory in use now (bytes). */
  sample: () => number;
  /** Called once when a sample is over the limit; the watch stops. */
  onOver: (used: number, limit: MemoryLimit) => void;
  intervalMs?: number;
}

export interface MemoryWatch {
  /** Watch the running cell against `limit`. */
  start(limit: MemoryLimit): void;
  stop(): void;
}

export function createMemoryWatch(options: MemoryWatchOptions): MemoryWatch {
  let timer: ReturnType<typeof setInterval> | undefined;
  const stop = (): void => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };
  return {
    start(limit) {
      stop();
      timer = setInterval(() => {
        const used = options.sample();
        if (used <= limit.bytes) return;
        stop();
        options.onOver(used, limit);
      }, options.intervalMs ?? 100);
      timer.unref();
    },
    stop,
  };
}

/** The error text of a cell stopped by the guard. */
export function outOfMemoryText(used: number, limit: MemoryLimit, dropped: string[]): string {
  const names =
    dropped.length === 0
      ? "It had defined no names yet"
      : `The names it had defined (${dropped.join(", ")}) were dropped to free their memory`;
  return (
    `The cell was stopped: the kernel used ${formatBytes(used)} of memory, over its limit of ` +
    `${formatBytes(limit.bytes)} (${limit.describe}; COTANGENT_MEMORY_LIMIT sets it). ${names}; ` +
    `the state of earlier cells is kept.`
  );
}
