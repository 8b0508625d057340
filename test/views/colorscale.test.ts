import { describe, expect, it } from "vitest";
import {
  LOG_DECADES,
  NAN_COLOR,
  NONZERO_COLOR,
  ZERO_COLOR,
  colorBarTicks,
  interpolate,
  makeColorScale,
  symmetricLimit,
  toHex,
} from "../../kernel/shared/colorscale.js";

describe("diverging colour scale", () => {
  const scale = makeColorScale(2);

  it.each([
    [0, [247, 247, 247]],
    [2, [103, 0, 31]],
    [-2, [5, 48, 97]],
    [5, [103, 0, 31]], // clamped to +L
    [-5, [5, 48, 97]],
  ])("colours %d as %j", (v, rgb) => {
    expect([...scale.rgb(v)]).toEqual(rgb);
  });

  it("is centred at 0 with symmetric limits: ±v are mirror images (red vs blue)", () => {
    for (const v of [0.1, 0.5, 1, 1.9]) {
      const [r, , b] = scale.rgb(v);
      const [r2, , b2] = scale.rgb(-v);
      expect(r).toBeGreaterThan(b);
      expect(b2).toBeGreaterThan(r2);
      expect(scale.unit(v)).toBeCloseTo(-scale.unit(-v), 12);
    }
  });

  it("gets darker monotonically away from 0", () => {
    const lightness = (v: number): number => scale.rgb(v).reduce((a, b) => a + b, 0);
    const positives = [0, 0.25, 0.5, 1, 1.5, 2].map(lightness);
    for (let k = 1; k < positives.length; k++) expect(positives[k]).toBeLessThan(positives[k - 1]);
  });

  it("gives NaN and infinities their own colour", () => {
    expect([...scale.rgb(NaN)]).toEqual([...NAN_COLOR]);
    expect([...scale.rgb(Infinity)]).toEqual([...NAN_COLOR]);
  });

  it("log mode maps |v| = L to the end and L·10^-decades to the centre, keeping the sign", () => {
    const log = makeColorScale(100, "log");
    expect(log.unit(100)).toBe(1);
    expect(log.unit(-100)).toBe(-1);
    expect(log.unit(100 * 10 ** -(LOG_DECADES / 2))).toBeCloseTo(0.5, 12);
    expect(log.unit(-1e-20)).toBe(-0);
    expect(log.unit(0)).toBe(0);
  });

  it("sparsity mode tells exact zeros from tiny values", () => {
    const sparsity = makeColorScale(1, "sparsity");
    expect([...sparsity.rgb(0)]).toEqual([...ZERO_COLOR]);
    expect([...sparsity.rgb(1e-300)]).toEqual([...NONZERO_COLOR]);
    expect([...sparsity.rgb(-3)]).toEqual([...NONZERO_COLOR]);
  });

  it("writes opaque RGBA for ImageData", () => {
    const out = new Uint8ClampedArray(8);
    scale.write(out, 4, 2);
    expect([...out]).toEqual([0, 0, 0, 0, 103, 0, 31, 255]);
  });

  it("rejects a limit that is not positive and finite, naming it", () => {
    expect(() => makeColorScale(0)).toThrow(/positive finite.*got 0/);
    expect(() => makeColorScale(NaN)).toThrow(/got NaN/);
  });

  it("takes the symmetric limit from the largest finite magnitude (1 when all zero)", () => {
    expect(symmetricLimit([1, -3, 2, NaN, Infinity])).toBe(3);
    expect(symmetricLimit([0, 0])).toBe(1);
  });

  it("puts ticks at -L, -L/2, 0, L/2, L; hex matches", () => {
    expect(colorBarTicks(scale)).toEqual([-2, -1, 0, 1, 2]);
    expect(colorBarTicks(makeColorScale(2, "sparsity"))).toEqual([]);
    expect(toHex(interpolate(0))).toBe("#f7f7f7");
  });
});
