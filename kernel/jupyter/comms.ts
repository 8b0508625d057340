/**
 * The Jupyter comms of explore views (target `cotangent.explore`, see ARCHITECTURE.md,
 * "Exploration"). comm_open with `{ viewId }` attaches (or closes with `{ reason }` for a view
 * this kernel does not know); `move` messages go to the executor, which keeps the latest per
 * view; each comm message gets busy at once and idle when it is answered — by its frame or
 * error, or when a later move of its view is answered in its place — so front ends that pace
 * their sends on idle never queue more than one move.
 */
import type { ExploreEvent } from "../protocol.js";
import { EXPLORE_COMM_TARGET, MIME, type ExplorePayload } from "../shared/payloads.js";
import type { CellOutput, ExecutorLink } from "./executor-link.js";
import type { JupyterMessage } from "./wire.js";

type Content = Record<string, unknown>;

export interface CommsOptions {
  executor: Pick<ExecutorLink, "exploreMove" | "exploreRelease">;
  /** Publish on IOPub with `parent` as the parent (undefined: none). */
  publish(parent: JupyterMessage | undefined, type: string, content: Content): void;
  log(text: string): void;
}

interface Waiting {
  commId: string;
  viewId: string;
  request: JupyterMessage;
}

export const UNKNOWN_VIEW_REASON =
  "this kernel does not know the view (it restarted, or the view was released): run the cell again to explore";

export class ExploreComms {
  /** Views shown by this kernel's cells and not closed since. */
  private readonly known = new Set<string>();
  /** Open explore comms: comm id → viewId. */
  private readonly comms = new Map<string, string>();
  /** Moves sent to the executor and not answered yet, in the order they came (move id → …). */
  private readonly waiting = new Map<string, Waiting>();

  constructor(private readonly options: CommsOptions) {}

  /** A cell's output: an explore bundle makes its view known. */
  observe(output: CellOutput): void {
    if (output.type !== "display" && output.type !== "result") return;
    const payload = output.data[MIME.explore] as Partial<ExplorePayload> | undefined;
    if (typeof payload?.viewId === "string") this.known.add(payload.viewId);
  }

  /** Open comms for comm_info_request (all, or those of `target`). */
  info(target: unknown): Record<string, { target_name: string }> {
    const out: Record<string, { target_name: string }> = {};
    if (target !== undefined && target !== null && target !== EXPLORE_COMM_TARGET) return out;
    for (const commId of this.comms.keys()) out[commId] = { target_name: EXPLORE_COMM_TARGET };
    return out;
  }

  /** comm_open, comm_msg or comm_close from the front end. */
  handle(message: JupyterMessage): void {
    const publish = (type: string, body: Content): void =>
      this.options.publish(message, type, body);
    publish("status", { execution_state: "busy" });
    const content = message.content;
    const commId = typeof content["comm_id"] === "string" ? content["comm_id"] : "";
    const data = (content["data"] ?? {}) as Content;
    let answered = true;
    switch (message.header.msg_type) {
      case "comm_open":
        this.open(message, commId, content["target_name"], data);
        break;
      case "comm_msg":
        answered = this.move(message, commId, data);
        break;
      case "comm_close":
        this.closedByFrontEnd(commId);
        break;
    }
    if (answered) publish("status", { execution_state: "idle" });
  }

  /** An answer from the executor. */
  answer(event: ExploreEvent): void {
    if (event.type === "exploreClosed") return this.closeView(event.viewId, event.reason, event.id);
    const entry = this.waiting.get(event.id);
    if (!entry) return;
    const data =
      event.type === "exploreFrame"
        ? { method: "frame", seq: event.seq, x: event.x, payload: event.payload, ms: event.ms }
        : { method: "error", seq: event.seq, ename: event.ename, evalue: event.evalue };
    if (this.comms.has(entry.commId)) this.send(entry.request, entry.commId, data);
    this.settle(entry.viewId, event.id);
  }

  /** The executor is gone (restart, crash): every view is. */
  reset(reason: string): void {
    for (const viewId of new Set(this.comms.values())) this.closeView(viewId, reason);
    this.known.clear();
  }

  private open(message: JupyterMessage, commId: string, target: unknown, data: Content): void {
    if (target !== EXPLORE_COMM_TARGET) {
      const reason = `this kernel has no comm target ${JSON.stringify(target)}`;
      return this.close(message, commId, reason);
    }
    const viewId = data["viewId"];
    if (typeof viewId !== "string" || !this.known.has(viewId)) {
      return this.close(message, commId, UNKNOWN_VIEW_REASON);
    }
    this.comms.set(commId, viewId);
    this.send(message, commId, { method: "attached" });
  }

  /** Returns false when the move went to the executor (its idle comes with the answer). */
  private move(message: JupyterMessage, commId: string, data: Content): boolean {
    const viewId = this.comms.get(commId);
    if (viewId === undefined) {
      this.options.log(`ignoring a comm_msg for comm ${commId}: it is not open`);
      return true;
    }
    const seq = typeof data["seq"] === "number" ? data["seq"] : -1;
    const x = data["x"];
    const bad =
      data["method"] !== "move"
        ? `unknown method ${JSON.stringify(data["method"])}`
        : !Array.isArray(x) || !x.every((v) => typeof v === "number" && Number.isFinite(v))
          ? "x must be an array of finite numbers"
          : undefined;
    if (bad !== undefined) {
      this.send(message, commId, { method: "error", seq, ename: "BadMove", evalue: bad });
      return true;
    }
    const id = this.options.executor.exploreMove(viewId, seq, x as number[]);
    this.waiting.set(id, { commId, viewId, request: message });
    return false;
  }

  private closedByFrontEnd(commId: string): void {
    const viewId = this.comms.get(commId);
    if (viewId === undefined) return;
    this.comms.delete(commId);
    for (const [id, entry] of [...this.waiting]) if (entry.commId === commId) this.idle(id);
    if (![...this.comms.values()].includes(viewId)) {
      this.known.delete(viewId);
      this.options.executor.exploreRelease(viewId);
    }
  }

  /** Close every comm of the view (the kernel's side); their waiting moves are answered. */
  private closeView(viewId: string, reason: string, moveId?: string): void {
    this.known.delete(viewId);
    const parent = moveId !== undefined ? this.waiting.get(moveId)?.request : undefined;
    for (const [commId, id] of [...this.comms]) {
      if (id !== viewId) continue;
      this.comms.delete(commId);
      this.options.publish(parent, "comm_close", { comm_id: commId, data: { reason } });
    }
    for (const [id, entry] of [...this.waiting]) if (entry.viewId === viewId) this.idle(id);
  }

  /** The move `id` was answered: it and the earlier moves of its view (superseded) are idle. */
  private settle(viewId: string, id: string): void {
    for (const [other, entry] of [...this.waiting]) {
      if (entry.viewId === viewId) this.idle(other);
      if (other === id) return;
    }
  }

  private idle(id: string): void {
    const entry = this.waiting.get(id);
    this.waiting.delete(id);
    if (entry) this.options.publish(entry.request, "status", { execution_state: "idle" });
  }

  private close(message: JupyterMessage, commId: string, reason: string): void {
    this.options.publish(message, "comm_close", { comm_id: commId, data: { reason } });
  }

  private send(parent: JupyterMessage, commId: string, data: Content): void {
    this.options.publish(parent, "comm_msg", { comm_id: commId, data });
  }
}
