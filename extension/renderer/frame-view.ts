/**
 * The part of an explore view that draws its frames (the Jacobian, curve or surface view); the
 * shell around it (explore-view.ts) owns the sliders, the status line and the flow.
 */
import type { ExploreInput } from "../../kernel/shared/payloads.js";

/** The point moved to x (the full flattened point); `final` on a release or a key press. */
export type MoveHandler = (x: number[], final: boolean) => void;

export interface FrameView<F> {
  readonly element: HTMLElement;
  /** Draw a frame (the first one, or the answer to a move). */
  draw(frame: F): void;
  /** Inputs enabled (live) or not (static, closed). */
  setEnabled(enabled: boolean): void;
  /** A newer path to draw on top (the surface view's live-trace path). */
  setPath?(path: [number, number][]): void;
}

/** The slider of coordinate `index`, if there is one. */
export function inputFor(inputs: readonly ExploreInput[], index: number): ExploreInput | undefined {
  return inputs.find((input) => input.index === index);
}
