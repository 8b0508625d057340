/** The PNG fallbacks: a valid file (signature, chunks, CRCs), the pixels drawn, ≤ 600 px wide. */
import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { crc32, encodePng, PNG_MAX_WIDTH, Raster } from "../../kernel/display/png.js";
import { denseJacobianInput, jacobianBundle } from "../../kernel/display/jacobian.js";
import { traceBundle } from "../../kernel/display/trace.js";
import { makeColorScale } from "../../kernel/shared/colorscale.js";

interface Decoded {
  width: number;
  height: number;
  pixel(x: number, y: number): number[];
  chunks: string[];
}

/** An independent reader: checks every CRC and un-filters filter-0 rows. */
function decodePng(bytes: Uint8Array): Decoded {
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: string[] = [];
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Uint8Array[] = [];
  while (offset < bytes.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const body = bytes.subarray(offset + 8, offset + 8 + length);
    const crc = view.getUint32(offset + 8 + length);
    expect(crc).toBe((crc32(bytes.subarray(offset + 4, offset + 8 + length)) ^ 0xffffffff) >>> 0);
    chunks.push(type);
    if (type === "IHDR") {
      width = view.getUint32(offset + 8);
      height = view.getUint32(offset + 12);
      expect([...body.subarray(8)]).toEqual([8, 2, 0, 0, 0]);
    }
    if (type === "IDAT") idat.push(body);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  expect(raw.length).toBe(height * (1 + width * 3));
  return {
    width,
    height,
    chunks,
    pixel: (x, y) => {
      const at = y * (1 + width * 3) + 1 + x * 3;
      return [raw[at], raw[at + 1], raw[at + 2]];
    },
  };
}

const fromBase64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "base64"));

describe("PNG encoder", () => {
  it("writes the pixels of a raster", () => {
    const r = new Raster(7, 5, [10, 20, 30]);
    r.rect(2, 1, 3, 2, [200, 0, 0]);
    r.set(6, 4, [0, 255, 0]);
    const png = decodePng(encodePng(r));
    expect([png.width, png.height]).toEqual([7, 5]);
    expect(png.chunks).toEqual(["IHDR", "IDAT", "IEND"]);
    expect(png.pixel(0, 0)).toEqual([10, 20, 30]);
    expect(png.pixel(3, 2)).toEqual([200, 0, 0]);
    expect(png.pixel(5, 2)).toEqual([10, 20, 30]);
    expect(png.pixel(6, 4)).toEqual([0, 255, 0]);
  });

  it("crc32 matches the standard check value", () => {
    expect((crc32(new TextEncoder().encode("123456789")) ^ 0xffffffff) >>> 0).toBe(0xcbf43926);
  });

  it("rejects an empty raster", () => {
    expect(() => new Raster(0, 3)).toThrow(/positive integer/);
  });
});

describe("PNG fallbacks of the views", () => {
  it("draws a Jacobian's cells in the colour scale, at most 600 px wide even for 2000 columns", () => {
    const data = Float64Array.from([2, -2, 0, 1]);
    const bundle = jacobianBundle(denseJacobianInput(data, [2], [2]));
    const png = decodePng(fromBase64(bundle["image/png"] as string));
    expect(png.width).toBeLessThanOrEqual(PNG_MAX_WIDTH);
    const scale = makeColorScale(2);
    expect(png.pixel(9, 9)).toEqual([...scale.rgb(2)]);
    const wide = jacobianBundle(denseJacobianInput(new Float64Array(2000).fill(1), [1], [2000]));
    const widePng = decodePng(fromBase64(wide["image/png"] as string));
    expect(widePng.width).toBeLessThanOrEqual(PNG_MAX_WIDTH);
    console.log(
      `PNG sizes: 2×2 ${(bundle["image/png"] as string).length} B, 1×2000 ${(wide["image/png"] as string).length} B (base64)`,
    );
  });

  it("draws a trace's line", () => {
    const bundle = traceBundle({
      title: "loss",
      steps: [0, 1, 2],
      series: new Map([["loss", [3, 2, 1]]]),
      done: true,
    });
    const png = decodePng(fromBase64(bundle["image/png"] as string));
    expect(png.width).toBe(PNG_MAX_WIDTH);
    // the line starts at the top-left corner of the plot area (10, 10): the first series colour
    expect(png.pixel(11, 11)).toEqual([0x1f, 0x77, 0xb4]);
  });
});
