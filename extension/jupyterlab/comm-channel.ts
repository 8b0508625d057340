/**
 * The explore transport of one output in JupyterLab and Notebook 7: the renderer's
 * `exploreMove`/`exploreRelease` (ExploreRendererMessage) become messages on a
 * `cotangent.explore` comm of the notebook's kernel, and the kernel's answers become the host
 * messages the view draws (ExploreHostMessage). See ARCHITECTURE.md, "Exploration".
 *
 * - The comm opens on the first move, with data `{ viewId }`; the kernel answers `attached`,
 *   or closes it with `{ reason }` (a view it does not know: restarted, released).
 * - Moves are `{ method: "move", seq, x }`; `frame`/`error` answer them. The renderer keeps one
 *   move in flight, so sends are paced on the kernel's reply.
 * - While a cell runs the kernel holds the move until the cell ends: the view is told
 *   `exploreWaiting` at once (the kernel keeps only the latest move, so the next may follow).
 * - A comm closed by the kernel, a kernel that changed or restarted, or no kernel at all close
 *   the view (`exploreClosed`): it keeps its last frame with the inputs disabled.
 * I/O is passed in (the kernel, the delivery), so it is tested with a fake kernel.
 */
import {
  EXPLORE_COMM_TARGET,
  type ExploreHostMessage,
  type ExploreRendererMessage,
} from "../../kernel/shared/payloads.js";

/** The part of a Jupyter comm (`Kernel.IComm` of @jupyterlab/services) the transport uses. */
export interface CommLike {
  readonly isDisposed: boolean;
  open(data: { viewId: string }): unknown;
  send(data: { method: "move"; seq: number; x: number[] }): unknown;
  close(): unknown;
  onMsg: (msg: { content: { data: unknown } }) => void;
  onClose: (msg: { content: { data: unknown } }) => void;
}

/** The notebook's kernel as the transport sees it. */
export interface KernelLink {
  /** A stable identity: a new id (another kernel, a restart) means the old comms are gone. */
  readonly id: string;
  createComm(target: string): CommLike;
  /** A cell of this kernel is running (moves wait for it). */
  executing(): boolean;
}

export interface CommChannelOptions {
  /** The kernel of the notebook that shows the output, if one is running. */
  kernel(): KernelLink | undefined;
  /** Hand a host message to the view of this output. */
  deliver(message: ExploreHostMessage): void;
}

export interface CommChannel {
  post(message: ExploreRendererMessage): void;
  /** The notebook's kernel changed, restarted or shut down: the live view closes. */
  close(reason: string): void;
}

export const NO_KERNEL_REASON = "no kernel is running: run the cell to explore";
export const KERNEL_CLOSED_REASON = "the kernel closed the view: run the cell again to explore";

interface Open {
  viewId: string;
  kernelId: string;
  comm: CommLike;
}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};

/** A kernel's comm message (its `data`) → the host message for the view `viewId`. */
export function hostMessage(viewId: string, data: unknown): ExploreHostMessage | undefined {
  const d = record(data);
  const seq = typeof d["seq"] === "number" ? d["seq"] : -1;
  switch (d["method"]) {
    case "frame":
      return {
        type: "exploreFrame",
        viewId,
        seq,
        x: Array.isArray(d["x"]) ? (d["x"] as number[]) : [],
        payload: d["payload"] as Extract<ExploreHostMessage, { type: "exploreFrame" }>["payload"],
        ms: typeof d["ms"] === "number" ? d["ms"] : 0,
      };
    case "error":
      return {
        type: "exploreError",
        viewId,
        seq,
        ename: typeof d["ename"] === "string" ? d["ename"] : "Error",
        evalue: typeof d["evalue"] === "string" ? d["evalue"] : "",
      };
    default:
      return undefined; // "attached", or a method of a later version
  }
}

/** The transport of one output (one comm at a time). */
export function createCommChannel(options: CommChannelOptions): CommChannel {
  let open: Open | undefined;

  const closed = (viewId: string, reason: string): void => {
    open = undefined;
    options.deliver({ type: "exploreClosed", viewId, reason });
  };

  const connect = (viewId: string, kernel: KernelLink): Open => {
    const comm = kernel.createComm(EXPLORE_COMM_TARGET);
    const entry: Open = { viewId, kernelId: kernel.id, comm };
    comm.onMsg = (msg) => {
      if (open !== entry) return;
      const message = hostMessage(viewId, msg.content.data);
      if (message) options.deliver(message);
    };
    comm.onClose = (msg) => {
      if (open !== entry) return;
      const reason = record(msg.content.data)["reason"];
      closed(viewId, typeof reason === "string" ? reason : KERNEL_CLOSED_REASON);
    };
    comm.open({ viewId });
    return entry;
  };

  const move = (m: Extract<ExploreRendererMessage, { type: "exploreMove" }>): void => {
    const kernel = options.kernel();
    if (!kernel) return closed(m.viewId, NO_KERNEL_REASON);
    if (open && (open.kernelId !== kernel.id || open.comm.isDisposed || open.viewId !== m.viewId))
      return closed(m.viewId, "the kernel restarted: run the cell again to explore");
    open ??= connect(m.viewId, kernel);
    open.comm.send({ method: "move", seq: m.seq, x: m.x });
    if (kernel.executing())
      options.deliver({ type: "exploreWaiting", viewId: m.viewId, seq: m.seq });
  };

  return {
    post(message) {
      if (message.type === "exploreMove") return move(message);
      // the attach handshake is VS Code's (this channel opens its comm on the first move)
      if (message.type !== "exploreRelease") return;
      const entry = open;
      open = undefined; // before close(), which calls onClose
      if (entry && !entry.comm.isDisposed) entry.comm.close();
    },
    close(reason) {
      const entry = open;
      if (!entry) return;
      // forgotten first: JupyterLab's comm.close() calls onClose itself, with no reason
      closed(entry.viewId, reason);
      if (!entry.comm.isDisposed) entry.comm.close();
    },
  };
}
