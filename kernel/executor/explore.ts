/**
 * The main thread's live explorers: a registry keyed by viewId (bounded; the oldest are released
 * and say so), the explore MIME bundle of an explorer shown in a cell, and the frame of a move.
 * The I/O thread sends one move at a time, between cells (moves.ts).
 */
import type { Explorer } from "../../src/index.js";
import { exploreBundle, exploreFrame, explorePayload } from "../display/explore.js";
import type { SingularValuesFn } from "../display/jacobian.js";
import type { ExecutorEvent, ExploreMoveRequest } from "../protocol.js";
import type { MimeBundle } from "../shared/payloads.js";

/** Live explorers kept by a kernel process. */
export const EXPLORE_REGISTRY_LIMIT = 64;

export interface ExploreRegistry<E> {
  /** The explorer's viewId (a fresh one the first time), and the views released to make room. */
  register(explorer: E): { viewId: string; released: string[] };
  get(viewId: string): E | undefined;
  release(viewId: string): boolean;
  readonly size: number;
}

/** `prefix` makes viewIds unique per kernel process (a restarted kernel never reuses one). */
export function createExploreRegistry<E extends object>(
  prefix: string,
  limit = EXPLORE_REGISTRY_LIMIT,
): ExploreRegistry<E> {
  const live = new Map<string, E>();
  const ids = new WeakMap<E, string>();
  let next = 0;
  return {
    register(explorer) {
      const known = ids.get(explorer);
      if (known !== undefined && live.has(known)) {
        live.delete(known); // shown again: the youngest
        live.set(known, explorer);
        return { viewId: known, released: [] };
      }
      next += 1;
      const viewId = `${prefix}-${next}`;
      ids.set(explorer, viewId);
      live.set(viewId, explorer);
      const released: string[] = [];
      while (live.size > limit) {
        const oldest = live.keys().next().value!;
        live.delete(oldest);
        released.push(oldest);
      }
      return { viewId, released };
    },
    get: (viewId) => live.get(viewId),
    release: (viewId) => live.delete(viewId),
    get size() {
      return live.size;
    },
  };
}

export interface ExploreHostOptions {
  emit(event: ExecutorEvent): void;
  prefix: string;
  svd?: SingularValuesFn;
  limit?: number;
  now?: () => number;
}

export interface ExploreHost {
  /** Register a shown explorer and build its bundle. */
  bundle(explorer: Explorer): MimeBundle;
  /** Compute the frame of a move and emit it (or the error, or that the view is gone). */
  move(request: ExploreMoveRequest): void;
  release(viewId: string): void;
}

export const RELEASED_REASON = `released: more than ${EXPLORE_REGISTRY_LIMIT} live views in this kernel (run the cell again to explore)`;
export const UNKNOWN_REASON =
  "this kernel does not know the view (it restarted, or the view was released): run the cell again to explore";

export function createExploreHost(options: ExploreHostOptions): ExploreHost {
  const registry = createExploreRegistry<Explorer>(options.prefix, options.limit);
  const now = options.now ?? (() => performance.now());
  return {
    bundle(explorer) {
      const { viewId, released } = registry.register(explorer);
      for (const old of released) {
        options.emit({ type: "exploreClosed", viewId: old, reason: RELEASED_REASON });
      }
      return exploreBundle(explorePayload(explorer, viewId, options.svd));
    },
    move(request) {
      const { id, viewId, seq } = request;
      const explorer = registry.get(viewId);
      if (!explorer) {
        options.emit({ type: "exploreClosed", id, viewId, reason: UNKNOWN_REASON });
        return;
      }
      const start = now();
      try {
        const frame = explorer.frameAt(request.x);
        const payload = exploreFrame(explorer, frame, options.svd);
        const ms = now() - start;
        options.emit({ type: "exploreFrame", id, viewId, seq, x: [...frame.x], payload, ms });
      } catch (error) {
        const ename = error instanceof Error ? error.name : "Error";
        const evalue = error instanceof Error ? error.message : String(error);
        options.emit({ type: "exploreError", id, viewId, seq, ename, evalue });
      }
    },
    release(viewId) {
      registry.release(viewId);
    },
  };
}
