/**
 * happy-dom has no canvas: a stand-in 2D context that accepts every drawing call, and a Path2D
 * that ignores every path call (uPlot builds its lines with them).
 */
class FakePath2D {
  constructor() {
    return new Proxy(this, { get: () => () => undefined });
  }
}

export function installFakeCanvas(): void {
  (globalThis as { Path2D?: unknown }).Path2D ??= FakePath2D;
  HTMLCanvasElement.prototype.getContext = function () {
    const known: Record<string, unknown> = {
      createImageData: (w: number, h: number) => ({
        width: w,
        height: h,
        data: new Uint8ClampedArray(w * h * 4),
      }),
    };
    return new Proxy(known, {
      get: (target, name: string) => (name in target ? target[name] : () => ({ width: 0 })),
      set: (target, name: string, value) => {
        target[name] = value;
        return true;
      },
    }) as unknown as CanvasRenderingContext2D;
  } as unknown as typeof HTMLCanvasElement.prototype.getContext;
}
