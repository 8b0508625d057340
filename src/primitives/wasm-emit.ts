/**
 * A small WebAssembly binary writer: just what the matmul kernel needs (i32 arithmetic, f64 and
 * 128-bit SIMD f64x2 loads, stores, adds and multiplies, blocks and loops), no dependency. The
 * bytes are compiled synchronously with `new WebAssembly.Module`, which works in browsers and
 * Node alike; see wasm-matmul.ts for the kernel written with it.
 */

/** Value types of the binary format. */
export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb(n: number): number[] {
  const out: number[] = [];
  let v = n | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function utf8(s: string): number[] {
  return Array.from(new TextEncoder().encode(s));
}

/** A vector: its length, then its items. */
function vec(items: readonly number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** An instruction sequence being written: one method per opcode used. */
export class Code {
  readonly bytes: number[] = [];

  private op(...b: number[]): this {
    for (const x of b) this.bytes.push(x);
    return this;
  }
  private simd(opcode: number, ...imm: number[]): this {
    return this.op(0xfd, ...uleb(opcode), ...imm);
  }

  get(local: number): this {
    return this.op(0x20, ...uleb(local));
  }
  set(local: number): this {
    return this.op(0x21, ...uleb(local));
  }
  i32(value: number): this {
    return this.op(0x41, ...sleb(value));
  }
  i32Add(): this {
    return this.op(0x6a);
  }
  i32Sub(): this {
    return this.op(0x6b);
  }
  i32GtS(): this {
    return this.op(0x4a);
  }
  i32Eqz(): this {
    return this.op(0x45);
  }
  /** local += delta (an i32 constant). */
  bump(local: number, delta: number): this {
    return this.get(local).i32(delta).i32Add().set(local);
  }
  /** local += other local. */
  bumpBy(local: number, other: number): this {
    return this.get(local).get(other).i32Add().set(local);
  }
  f64Load(offset = 0): this {
    return this.op(0x2b, 3, ...uleb(offset));
  }
  f64Store(offset = 0): this {
    return this.op(0x39, 3, ...uleb(offset));
  }
  f64Add(): this {
    return this.op(0xa0);
  }
  f64Mul(): this {
    return this.op(0xa2);
  }
  v128Load(offset = 0): this {
    return this.simd(0x00, 4, ...uleb(offset));
  }
  v128Store(offset = 0): this {
    return this.simd(0x0b, 4, ...uleb(offset));
  }
  f64x2Splat(): this {
    return this.simd(0x14);
  }
  f64x2Add(): this {
    return this.simd(0xf0);
  }
  f64x2Mul(): this {
    return this.simd(0xf2);
  }
  /** block … end, with no result. */
  block(body: (c: this) => void): this {
    this.op(0x02, 0x40);
    body(this);
    return this.op(0x0b);
  }
  /** loop … end, with no result. */
  loop(body: (c: this) => void): this {
    this.op(0x03, 0x40);
    body(this);
    return this.op(0x0b);
  }
  br(depth: number): this {
    return this.op(0x0c, ...uleb(depth));
  }
  brIf(depth: number): this {
    return this.op(0x0d, ...uleb(depth));
  }
}

/** One function of a module: its signature, extra locals (by type) and body. */
export interface WasmFunction {
  name: string;
  params: number[];
  locals: number[];
  body: Code;
}

/**
 * A module exporting `memory` (of `pages` 64 KiB pages, growable) and each function by name;
 * every function returns nothing.
 */
export function moduleBytes(functions: readonly WasmFunction[], pages: number): Uint8Array {
  const types = functions.map((f) => [0x60, ...vec(f.params.map((p) => [p])), 0]);
  const funcIndices = functions.map((_f, i) => uleb(i));
  const name = (s: string): number[] => [...uleb(utf8(s).length), ...utf8(s)];
  const exports = [
    [...name("memory"), 0x02, 0],
    ...functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]),
  ];
  const bodies = functions.map((f) => {
    const locals = vec(f.locals.map((t) => [1, t]));
    const body = [...locals, ...f.body.bytes, 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(3, vec(funcIndices)),
    ...section(5, [1, 0x00, ...uleb(pages)]),
    ...section(7, vec(exports)),
    ...section(10, vec(bodies)),
  ]);
}

/** The part of the WebAssembly API used here (typed locally: the runtime's libs differ by host). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

/**
 * Compiles and instantiates `bytes` synchronously; the exports, or null when this engine has no
 * WebAssembly or rejects the module (no SIMD, say).
 */
export function instantiate(bytes: Uint8Array): Record<string, unknown> | null {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) return null;
  try {
    return new api.Instance(new api.Module(bytes)).exports;
  } catch {
    return null;
  }
}
