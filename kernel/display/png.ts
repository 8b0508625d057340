/**
 * PNG fallbacks without native modules or fonts: a small RGB raster (rectangles, lines, discs)
 * and a PNG encoder (filter 0 rows through zlib's deflate). Labels stay in the SVG and the text;
 * the PNG is what untrusted JupyterLab notebooks (which refuse SVG) and GitHub show.
 */
import { deflateSync } from "node:zlib";
import type { Rgb } from "../shared/colorscale.js";

/** Every PNG fallback is at most this wide. */
export const PNG_MAX_WIDTH = 600;

/** An opaque RGB image, row-major. */
export class Raster {
  readonly data: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = [255, 255, 255],
  ) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new Error(`Raster: expected a positive integer size, got ${width}×${height}`);
    }
    this.data = new Uint8Array(width * height * 3);
    for (let i = 0; i < width * height; i++) this.data.set(background, i * 3);
  }

  /** One pixel; outside the image, nothing. */
  set(x: number, y: number, rgb: Rgb): void {
    const px = Math.round(x);
    const py = Math.round(y);
    if (px < 0 || py < 0 || px >= this.width || py >= this.height) return;
    this.data.set(rgb, (py * this.width + px) * 3);
  }

  rect(x: number, y: number, w: number, h: number, rgb: Rgb): void {
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + w));
    const y1 = Math.min(this.height, Math.round(y + h));
    for (let py = y0; py < y1; py++) {
      for (let px = x0; px < x1; px++) this.data.set(rgb, (py * this.width + px) * 3);
    }
  }

  /** A one-pixel outline. */
  frame(x: number, y: number, w: number, h: number, rgb: Rgb): void {
    this.rect(x, y, w, 1, rgb);
    this.rect(x, y + h - 1, w, 1, rgb);
    this.rect(x, y, 1, h, rgb);
    this.rect(x + w - 1, y, 1, h, rgb);
  }

  /** A line `thickness` pixels wide (non-finite ends draw nothing). */
  line(x0: number, y0: number, x1: number, y1: number, rgb: Rgb, thickness = 1): void {
    if (![x0, y0, x1, y1].every(Number.isFinite)) return;
    const steps = Math.min(
      4 * (this.width + this.height),
      Math.ceil(Math.hypot(x1 - x0, y1 - y0) * 2),
    );
    const half = (thickness - 1) / 2;
    for (let k = 0; k <= steps; k++) {
      const t = steps === 0 ? 0 : k / steps;
      const x = x0 + (x1 - x0) * t;
      const y = y0 + (y1 - y0) * t;
      if (thickness <= 1) this.set(x, y, rgb);
      else this.rect(x - half, y - half, thickness, thickness, rgb);
    }
  }

  disc(cx: number, cy: number, r: number, rgb: Rgb): void {
    for (let dy = -r; dy <= r; dy++) {
      for (let dx = -r; dx <= r; dx++)
        if (dx * dx + dy * dy <= r * r) this.set(cx + dx, cy + dy, rgb);
    }
  }

  /** An arrow from (x0, y0) to (x1, y1) with a small head. */
  arrow(x0: number, y0: number, x1: number, y1: number, rgb: Rgb, thickness = 2): void {
    this.line(x0, y0, x1, y1, rgb, thickness);
    const len = Math.hypot(x1 - x0, y1 - y0);
    if (!(len > 1)) return;
    const ux = (x1 - x0) / len;
    const uy = (y1 - y0) / len;
    const head = Math.min(8, len / 2);
    for (const side of [1, -1]) {
      const hx = x1 - head * ux + side * head * 0.5 * -uy;
      const hy = y1 - head * uy + side * head * 0.5 * ux;
      this.line(x1, y1, hx, hy, rgb, thickness);
    }
  }
}

const CRC_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309) of bytes, as PNG chunks use it. */
export function crc32(bytes: Uint8Array, crc = 0xffffffff): number {
  let c = crc;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return c >>> 0;
}

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  view.setUint32(8 + body.length, (crc32(out.subarray(4, 8 + body.length)) ^ 0xffffffff) >>> 0);
  return out;
}

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** The PNG file of a raster (8-bit RGB); `deflate` is zlib's by default. */
export function encodePng(
  raster: Raster,
  deflate: (bytes: Uint8Array) => Uint8Array = (bytes) => deflateSync(bytes),
): Uint8Array {
  const { width, height, data } = raster;
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type RGB, deflate, filters, no interlace
  const rows = new Uint8Array(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    rows[y * (1 + width * 3)] = 0; // filter: none
    rows.set(data.subarray(y * width * 3, (y + 1) * width * 3), y * (1 + width * 3) + 1);
  }
  const parts = [
    SIGNATURE,
    chunk("IHDR", header),
    chunk("IDAT", deflate(rows)),
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The base64 of a raster's PNG, as a MIME bundle's `image/png`. */
export function pngBase64(raster: Raster): string {
  return Buffer.from(encodePng(raster)).toString("base64");
}

/** "#rrggbb" → RGB. */
export function hexRgb(hex: string): Rgb {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
