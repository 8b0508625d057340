/**
 * The ZeroMQ side of the kernel: binds the five sockets named in the connection file, decodes
 * and verifies every incoming message (a bad or missing signature is logged and dropped, never
 * handed on), signs every outgoing one, and echoes heartbeats.
 */
import { Reply, Router, XPublisher, type Socket } from "zeromq";
import { endpoint, type ConnectionInfo } from "./connection.js";
import type { Channel, RequestChannel } from "./handler.js";
import {
  createSigner,
  decodeMessage,
  encodeMessage,
  ReplayGuard,
  type JupyterMessage,
} from "./wire.js";

/** Sends on one socket one message at a time (a ZeroMQ socket allows one pending send). */
class SendQueue {
  private tail: Promise<void> = Promise.resolve();
  constructor(
    private readonly socket: Router | XPublisher,
    private readonly log: (text: string) => void,
  ) {}

  push(frames: Buffer[]): void {
    this.tail = this.tail
      .then(() => this.socket.send(frames))
      .catch((error: unknown) => this.log(`send failed: ${(error as Error).message}`));
  }

  drained(): Promise<void> {
    return this.tail;
  }
}

export interface KernelSockets {
  send(channel: Channel, message: JupyterMessage): void;
  /** Wait for queued sends, then close every socket. */
  close(): Promise<void>;
}

export interface SocketHandlers {
  onMessage: (channel: RequestChannel | "stdin", message: JupyterMessage) => void;
  /**
   * A client subscribed to IOPub. Publishing the kernel's state then tells the client its
   * subscription is live (jupyter_client waits for an IOPub message before it calls a kernel
   * ready; without one it waits 200 ms and asks again).
   */
  onSubscribe: () => void;
  log: (text: string) => void;
}

/** Bind the kernel's sockets and start serving them. */
export async function openKernelSockets(
  info: ConnectionInfo,
  handlers: SocketHandlers,
): Promise<KernelSockets> {
  const signer = createSigner(info.signature_scheme, info.key);
  const replays = new ReplayGuard();
  const routers = { shell: new Router(), control: new Router(), stdin: new Router() };
  const iopub = new XPublisher();
  iopub.verbosity = "allSubs";
  // ZeroMQ drops what a PUB socket cannot queue for a slow subscriber once its high-water mark
  // is reached — lost output, and a lost `idle` leaves the front end waiting forever. No limit:
  // each subscriber's backlog waits in memory until it reads (stream output is coalesced in
  // the executor, so that is a few messages per 16 ms); and should a limit ever be set, wait
  // rather than drop. One slow subscriber thus holds back no other one.
  iopub.sendHighWaterMark = 0;
  iopub.noDrop = true;
  const heartbeat = new Reply();
  const all: Socket[] = [routers.shell, routers.control, routers.stdin, iopub, heartbeat];
  for (const socket of all) socket.linger = 1000;
  await Promise.all([
    routers.shell.bind(endpoint(info, "shell")),
    routers.control.bind(endpoint(info, "control")),
    routers.stdin.bind(endpoint(info, "stdin")),
    iopub.bind(endpoint(info, "iopub")),
    heartbeat.bind(endpoint(info, "hb")),
  ]);
  const queues = {
    shell: new SendQueue(routers.shell, handlers.log),
    control: new SendQueue(routers.control, handlers.log),
    stdin: new SendQueue(routers.stdin, handlers.log),
    iopub: new SendQueue(iopub, handlers.log),
  };

  const receive = async (channel: RequestChannel | "stdin"): Promise<void> => {
    for await (const frames of routers[channel]) {
      const decoded = decodeMessage(frames, signer);
      if (!decoded.ok) {
        handlers.log(`rejected a message on ${channel}: ${decoded.reason}`);
      } else if (!replays.accept(decoded.signature)) {
        handlers.log(`rejected a message on ${channel}: replayed signature`);
      } else {
        handlers.onMessage(channel, decoded.message);
      }
    }
  };
  const subscriptions = async (): Promise<void> => {
    for await (const [frame] of iopub) if (frame?.[0] === 1) handlers.onSubscribe();
  };
  const echo = async (): Promise<void> => {
    for await (const frames of heartbeat) await heartbeat.send(frames);
  };
  const closedQuietly = (error: unknown): void => {
    if (!all.every((socket) => socket.closed)) handlers.log(`socket loop failed: ${String(error)}`);
  };
  for (const channel of ["shell", "control", "stdin"] as const)
    receive(channel).catch(closedQuietly);
  echo().catch(closedQuietly);
  subscriptions().catch(closedQuietly);

  return {
    send(channel, message) {
      queues[channel].push(encodeMessage(message, signer));
    },
    async close() {
      await Promise.all(Object.values(queues).map((queue) => queue.drained()));
      for (const socket of all) socket.close();
    },
  };
}
