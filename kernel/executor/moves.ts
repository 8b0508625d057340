/**
 * The I/O thread's pending explore moves: the latest move per view (last write wins), served
 * one view at a time in the order the views first moved. See ARCHITECTURE.md, "Exploration".
 */
import type { ExploreMoveRequest } from "../protocol.js";

export interface MoveQueue {
  /** Keep `move` as its view's pending move; returns the move it replaces, if any. */
  put(move: ExploreMoveRequest): ExploreMoveRequest | undefined;
  /** The next view's pending move (removed), or undefined when none waits. */
  take(): ExploreMoveRequest | undefined;
  /** Forget the view's pending move; returns it. */
  drop(viewId: string): ExploreMoveRequest | undefined;
  /** Every pending move (removed). */
  clear(): ExploreMoveRequest[];
  readonly size: number;
}

export function createMoveQueue(): MoveQueue {
  // A Map keeps insertion order: a view that moves again keeps its place in line.
  const pending = new Map<string, ExploreMoveRequest>();
  return {
    put(move) {
      const previous = pending.get(move.viewId);
      pending.set(move.viewId, move);
      return previous;
    },
    take() {
      const first = pending.entries().next();
      if (first.done === true) return undefined;
      pending.delete(first.value[0]);
      return first.value[1];
    },
    drop(viewId) {
      const move = pending.get(viewId);
      pending.delete(viewId);
      return move;
    },
    clear() {
      const all = [...pending.values()];
      pending.clear();
      return all;
    },
    get size() {
      return pending.size;
    },
  };
}
