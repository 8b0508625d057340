/**
 * The renderer side of an explore view's flow, without a DOM: moves of the inputs become
 * `exploreMove` messages — at most one per animation frame, at most one in flight per view —
 * and the host's answers become frames to draw or states to show.
 *
 * - A move replaces any move not yet sent (last write wins); a move to the point last sent is
 *   dropped, unless it is final (a release of the slider, a key press): a final move is always
 *   sent, so the last frame drawn is the one for the final position.
 * - `exploreWaiting`: the kernel holds the move until the running cell ends and keeps only the
 *   latest, so while it waits the next move may be sent in its place (still one per frame).
 * - A frame is drawn when it is newer than the last drawn; frames answer moves in order.
 * - `exploreClosed`: the view is gone in the kernel; the flow stops sending.
 * - With `attach` (VS Code), the flow starts "attaching": it sends `exploreAttach` at once and
 *   sends no move until `exploreAttached`; `exploreClosed` instead (a reopened notebook, a
 *   restarted kernel) closes it before any input could look live.
 */
import type { ExploreHostMessage, ExploreRendererMessage } from "../../kernel/shared/payloads.js";

export type FlowState = "attaching" | "live" | "waiting" | "error" | "closed" | "static";

/** What the flow needs from its surroundings: sending, scheduling and the clock. */
export interface FlowMessaging {
  send(message: ExploreRendererMessage): void;
  /** Run `callback` before the next repaint (requestAnimationFrame in a page). */
  schedule(callback: () => void): void;
  now(): number;
  /** Ask the host whether the kernel knows the view before going live (see above). */
  attach?: boolean;
}

/** Where the flow reports: a frame to draw, a state to show. */
export interface FlowSink<F> {
  /** Draw this frame (already checked). Returns nothing; the flow times it. */
  draw(frame: F, seq: number): void;
  /** The state changed: live (again), waiting, an error of a move, or closed with a reason. */
  state(state: FlowState, detail: string): void;
}

/** One move's timing: from the first input it carries to its frame being drawn. */
export interface MoveTiming {
  seq: number;
  /** When the earliest input coalesced into this move happened. */
  movedAt: number;
  sentAt: number;
  drawnAt: number;
  /** The kernel's compute time, as it reported it. */
  computeMs: number;
}

export interface ExploreFlow<F> {
  /** The user moved the inputs to x; `final` for a release (the value is always sent). */
  move(x: readonly number[], final?: boolean): void;
  /** A host message for this view (its frame already checked into F, or the check's error). */
  receive(message: ExploreHostMessage, frame: F | string | undefined): void;
  /** The output was disposed: tell the host, stop. */
  release(): void;
  readonly state: FlowState;
  /** The point of the last frame drawn. */
  readonly drawnX: readonly number[];
  readonly timings: readonly MoveTiming[];
  /** Moves sent so far. */
  readonly sent: number;
}

/** Timings kept per view (the latest ones). */
const KEEP_TIMINGS = 1000;

interface Pending {
  x: number[];
  final: boolean;
  movedAt: number;
}

interface InFlight {
  seq: number;
  movedAt: number;
  sentAt: number;
}

const same = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((v, k) => Object.is(v, b[k]));

/** The flow of one view; `messaging` null means no kernel to talk to (static). */
export function createExploreFlow<F extends { x: number[] }>(
  viewId: string,
  x0: readonly number[],
  messaging: FlowMessaging | null,
  sink: FlowSink<F>,
): ExploreFlow<F> {
  const attaching = messaging?.attach === true;
  let state: FlowState = messaging ? (attaching ? "attaching" : "live") : "static";
  let seq = 0;
  let pending: Pending | null = null;
  let inFlight: InFlight | null = null;
  /** The move in flight is parked in the kernel until the running cell ends. */
  let parked = false;
  let scheduled = false;
  let lastSent: number[] = [...x0];
  let drawnSeq = 0;
  let drawnX: number[] = [...x0];
  let sent = 0;
  const flights = new Map<number, InFlight>();
  const timings: MoveTiming[] = [];

  const setState = (next: FlowState, detail: string): void => {
    state = next;
    sink.state(next, detail);
  };

  const tick = (): void => {
    scheduled = false;
    if (!messaging || state === "closed" || state === "attaching" || !pending) return;
    if (inFlight && !parked) return; // sent when the answer comes
    const move = pending;
    pending = null;
    seq += 1;
    inFlight = { seq, movedAt: move.movedAt, sentAt: messaging.now() };
    flights.set(seq, inFlight);
    parked = false;
    lastSent = move.x;
    sent += 1;
    messaging.send({ type: "exploreMove", viewId, seq, x: move.x });
  };

  const schedule = (): void => {
    if (scheduled || !messaging || !pending) return;
    scheduled = true;
    messaging.schedule(tick);
  };

  const settle = (answered: number): void => {
    for (const key of [...flights.keys()]) if (key <= answered) flights.delete(key);
    if (inFlight && inFlight.seq <= answered) {
      inFlight = null;
      parked = false;
    }
    schedule();
  };

  const drawFrame = (at: number, frame: F, ms: number): void => {
    const flight = flights.get(at);
    if (at <= drawnSeq) return;
    drawnSeq = at;
    drawnX = [...frame.x];
    sink.draw(frame, at);
    if (flight && messaging) {
      const { movedAt, sentAt } = flight;
      timings.push({ seq: at, movedAt, sentAt, drawnAt: messaging.now(), computeMs: ms });
      if (timings.length > KEEP_TIMINGS) timings.shift();
    }
  };

  if (attaching) messaging.send({ type: "exploreAttach", viewId });

  return {
    move(x, final = false) {
      if (!messaging || state === "closed") return;
      const point = [...x];
      if (!final && !(pending?.final ?? false) && same(point, lastSent)) {
        pending = null; // back where the last move went: its frame is on the way
        return;
      }
      pending = {
        x: point,
        final: final || (pending?.final ?? false),
        movedAt: pending?.movedAt ?? messaging.now(),
      };
      schedule();
    },
    receive(message, frame) {
      if (state === "closed" || message.viewId !== viewId) return;
      if (message.type === "exploreClosed") {
        pending = null;
        inFlight = null;
        setState("closed", message.reason);
        return;
      }
      if (message.type === "exploreAttached") {
        if (state === "attaching") setState("live", "");
        schedule();
        return;
      }
      if (message.type === "exploreWaiting") {
        if (inFlight && message.seq === inFlight.seq) parked = true;
        if (state !== "waiting") setState("waiting", "waiting for the running cell");
        schedule();
        return;
      }
      if (message.type === "exploreError") {
        if (inFlight?.seq === message.seq) lastSent = []; // moving back there asks again
        setState("error", `${message.ename}: ${message.evalue}`);
        settle(message.seq);
        return;
      }
      if (typeof frame === "string" || frame === undefined) {
        setState("error", `a frame could not be read (${frame ?? "no payload"})`);
        settle(message.seq);
        return;
      }
      if (state !== "live") setState("live", "");
      drawFrame(message.seq, frame, message.ms);
      settle(message.seq);
    },
    release() {
      if (messaging && state !== "closed") messaging.send({ type: "exploreRelease", viewId });
      pending = null;
      state = "closed";
    },
    get state() {
      return state;
    },
    get drawnX() {
      return drawnX;
    },
    get timings() {
      return timings;
    },
    get sent() {
      return sent;
    },
  };
}
