/**
 * The heatmap's pure parts (layout, hit testing, pixel fill) and its canvas drawing: one
 * ImageData pixel per matrix cell (or per screen pixel when cells are smaller), scaled by CSS, so
 * 1,000×1,000 cells draw in one putImageData.
 */
import type { ColorScale } from "../../kernel/shared/colorscale.js";

/** The heatmap is at most this wide/high on screen (CSS pixels); cells at most MAX_CELL each. */
export const MAX_EXTENT = 560;
export const MAX_CELL = 36;
export const MIN_CELL = 2;
/** The shorter side of a map is at least this many CSS pixels (or MAX_CELL per cell if less). */
export const MIN_SIDE = 120;

export interface HeatmapLayout {
  rows: number;
  cols: number;
  /** CSS size of one cell (may be < 1 for big matrices). */
  cellWidth: number;
  cellHeight: number;
  /** CSS size of the whole map. */
  width: number;
  height: number;
  /** Show every `labelStep`-th row/column label so labels never overlap. */
  rowLabelStep: number;
  colLabelStep: number;
}

/** The smallest of 1, 2, 5, 10, 20, 25, 50, 100, … that is at least `minimum`. */
export function niceStep(minimum: number): number {
  if (minimum <= 1) return 1;
  for (let scale = 1; ; scale *= 10) {
    for (const base of [1, 2, 2.5, 5]) {
      const step = base * scale;
      if (Number.isInteger(step) && step >= minimum) return step;
    }
  }
}

/** Cell size and on-screen extent for a rows × cols grid within `maxExtent` CSS pixels. */
export function heatmapLayout(rows: number, cols: number, maxExtent = MAX_EXTENT): HeatmapLayout {
  const longest = Math.max(rows, cols, 1);
  const cell = Math.min(MAX_CELL, maxExtent / longest);
  // small grids get whole-pixel cells; big ones fill the extent along their longer side
  const size = cell >= MIN_CELL ? Math.floor(cell) : cell;
  // a long thin matrix (a gradient row, 10×1,000) still gets a readable short side
  const minSide = (n: number): number => Math.min(n * MAX_CELL, MIN_SIDE, maxExtent);
  const width = Math.max(1, Math.round(Math.max(cols * size, minSide(cols))));
  const height = Math.max(1, Math.round(Math.max(rows * size, minSide(rows))));
  const labelPx = 13;
  return {
    rows,
    cols,
    cellWidth: width / Math.max(cols, 1),
    cellHeight: height / Math.max(rows, 1),
    width,
    height,
    rowLabelStep: niceStep(labelPx / (height / Math.max(rows, 1))),
    colLabelStep: niceStep((labelPx + 3) / (width / Math.max(cols, 1))),
  };
}

/** The (row, col) under a CSS offset inside the map, or null outside it. */
export function hitTest(
  layout: HeatmapLayout,
  x: number,
  y: number,
): { row: number; col: number } | null {
  if (x < 0 || y < 0 || x >= layout.width || y >= layout.height) return null;
  const row = Math.min(layout.rows - 1, Math.floor(y / layout.cellHeight));
  const col = Math.min(layout.cols - 1, Math.floor(x / layout.cellWidth));
  return { row, col };
}

/** Fill RGBA pixels (one per cell, row-major) with the scale's colours. */
export function fillPixels(
  values: ArrayLike<number>,
  scale: ColorScale,
  out: Uint8ClampedArray,
): void {
  for (let k = 0; k < values.length; k++) scale.write(out, k * 4, values[k]);
}

/**
 * When cells are smaller than a pixel, each screen pixel shows the signed entry of largest
 * magnitude among the cells it covers (the kernel's downsampling rule), so a one-cell diagonal
 * or a single spike stays visible instead of being blended away by image scaling.
 */
export function screenGrid(
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  width: number,
  height: number,
): Float64Array {
  const out = new Float64Array(width * height);
  for (let i = 0; i < rows; i++) {
    const y = Math.min(height - 1, Math.floor((i * height) / rows));
    for (let j = 0; j < cols; j++) {
      const x = Math.min(width - 1, Math.floor((j * width) / cols));
      const v = values[i * cols + j];
      const k = y * width + x;
      const best = out[k];
      if ((Math.abs(v) > Math.abs(best) || Number.isNaN(v)) && !Number.isNaN(best)) out[k] = v;
    }
  }
  return out;
}

/**
 * Draw a rows × cols grid on `canvas` at one pixel per cell and size it by CSS to the layout.
 * Returns the milliseconds it took to fill and put the pixels.
 */
export function drawHeatmap(
  canvas: HTMLCanvasElement,
  values: ArrayLike<number>,
  layout: HeatmapLayout,
  scale: ColorScale,
): number {
  const started = performance.now();
  // one pixel per cell, enlarged crisply by CSS; when cells are smaller than a device pixel,
  // one pixel per device pixel (a 1,000×1,000 map is drawn 1:1 on a 2× display)
  const ratio = Math.max(1, typeof window === "undefined" ? 1 : window.devicePixelRatio || 1);
  const shrink = layout.cellWidth * ratio < 1 || layout.cellHeight * ratio < 1;
  const width = shrink ? Math.round(layout.width * ratio) : layout.cols;
  const height = shrink ? Math.round(layout.height * ratio) : layout.rows;
  const pixels = shrink ? screenGrid(values, layout.rows, layout.cols, width, height) : values;
  canvas.width = width;
  canvas.height = height;
  canvas.style.width = `${layout.width}px`;
  canvas.style.height = `${layout.height}px`;
  canvas.style.imageRendering = "pixelated";
  const context = canvas.getContext("2d");
  if (!context) throw new Error("heatmap: the canvas has no 2D context");
  const image = context.createImageData(width, height);
  fillPixels(pixels, scale, image.data);
  context.putImageData(image, 0, 0);
  return performance.now() - started;
}
