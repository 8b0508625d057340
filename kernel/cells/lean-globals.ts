/**
 * A lean stand-in for Node's global declarations (@types/node), which cost TypeScript about as
 * much to parse as everything else together. A kernel starts with these; the first cell that
 * does not type-check against them (it may use a Node API they lack) switches the checker to the
 * full @types/node for the rest of the session and is checked again, so what a cell may do never
 * depends on the lean set — only how fast the kernel starts.
 */
export const LEAN_NODE_GLOBALS = `
  interface Console {
    log(...data: any[]): void;
    info(...data: any[]): void;
    warn(...data: any[]): void;
    error(...data: any[]): void;
    debug(...data: any[]): void;
    trace(...data: any[]): void;
    dir(item?: any, options?: any): void;
    table(tabularData?: any, properties?: string[]): void;
    time(label?: string): void;
    timeEnd(label?: string): void;
    timeLog(label?: string, ...data: any[]): void;
    assert(condition?: boolean, ...data: any[]): void;
    count(label?: string): void;
    group(...label: any[]): void;
    groupEnd(): void;
  }
  var console: Console;
  interface LeanTimer { ref(): this; unref(): this; hasRef(): boolean; [Symbol.toPrimitive](): number }
  function setTimeout<A extends any[]>(callback: (...args: A) => void, ms?: number, ...args: A): LeanTimer;
  function setTimeout(callback: (_: void) => void, ms?: number): LeanTimer;
  function setInterval<A extends any[]>(callback: (...args: A) => void, ms?: number, ...args: A): LeanTimer;
  function setInterval(callback: (_: void) => void, ms?: number): LeanTimer;
  function setImmediate<A extends any[]>(callback: (...args: A) => void, ...args: A): LeanTimer;
  function setImmediate(callback: (_: void) => void): LeanTimer;
  function clearTimeout(timeout: LeanTimer | string | number | undefined): void;
  function clearInterval(timeout: LeanTimer | string | number | undefined): void;
  function clearImmediate(timeout: LeanTimer | undefined): void;
  function queueMicrotask(callback: () => void): void;
  function structuredClone<T>(value: T, options?: { transfer?: any[] }): T;
  var performance: { now(): number; timeOrigin: number };
  var process: {
    env: Record<string, string | undefined>;
    argv: string[];
    version: string;
    platform: string;
    pid: number;
    cwd(): string;
    exit(code?: number): never;
    uptime(): number;
    hrtime: { (time?: [number, number]): [number, number]; bigint(): bigint };
    memoryUsage(): { rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number };
    stdout: { write(text: string | Uint8Array): boolean };
    stderr: { write(text: string | Uint8Array): boolean };
    nextTick(callback: (...args: any[]) => void, ...args: any[]): void;
  };
`;
