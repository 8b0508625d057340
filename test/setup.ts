/**
 * Shared test setup: the `toBeAllclose` matcher, numpy's allclose for numbers, nested arrays and
 * anything with `toArray()` (tensors): |actual − expected| ≤ atol + rtol·|expected| elementwise,
 * with equal shapes.
 */
import { expect } from "vitest";

interface AllcloseOptions {
  rtol?: number;
  atol?: number;
}

type Flat = { shape: number[]; values: number[] };

function flatten(value: unknown, where: string): Flat {
  if (typeof value === "number") return { shape: [], values: [value] };
  if (value !== null && typeof value === "object" && "toArray" in value) {
    return flatten((value as { toArray(): unknown }).toArray(), where);
  }
  if (ArrayBuffer.isView(value)) {
    const values = Array.from(value as unknown as ArrayLike<number>);
    return { shape: [values.length], values };
  }
  if (Array.isArray(value)) {
    const parts = value.map((item, i) => flatten(item, `${where}[${i}]`));
    const inner = parts[0]?.shape ?? [];
    for (const part of parts) {
      if (part.shape.join(",") !== inner.join(",")) throw new Error(`ragged array at ${where}`);
    }
    return { shape: [value.length, ...inner], values: parts.flatMap((p) => p.values) };
  }
  throw new Error(`toBeAllclose: cannot compare ${typeof value} at ${where}`);
}

expect.extend({
  toBeAllclose(received: unknown, expected: unknown, options: AllcloseOptions = {}) {
    const rtol = options.rtol ?? 1e-7;
    const atol = options.atol ?? 1e-10;
    const a = flatten(received, "received");
    const b = flatten(expected, "expected");
    if (a.shape.join(",") !== b.shape.join(",")) {
      return {
        pass: false,
        message: () => `shapes differ: [${a.shape.join(",")}] vs [${b.shape.join(",")}]`,
      };
    }
    let worst = -1;
    let worstExcess = 0;
    for (let i = 0; i < a.values.length; i++) {
      const x = a.values[i];
      const y = b.values[i];
      const bothNaN = Number.isNaN(x) && Number.isNaN(y);
      const same = x === y;
      const excess = Math.abs(x - y) - (atol + rtol * Math.abs(y));
      if (!bothNaN && !same && !(excess <= 0) && (worst < 0 || excess > worstExcess)) {
        worst = i;
        worstExcess = excess;
      }
    }
    return {
      pass: worst < 0,
      message: () =>
        worst < 0
          ? `expected values not to be allclose (rtol=${rtol}, atol=${atol})`
          : `not allclose (rtol=${rtol}, atol=${atol}): at flat index ${worst}, ` +
            `received ${a.values[worst]} but expected ${b.values[worst]}`,
    };
  },
});

declare module "vitest" {
  // The type parameter must match vitest's own declaration exactly.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  interface Matchers<T = any> {
    toBeAllclose(expected: unknown, options?: AllcloseOptions): T;
  }
}
