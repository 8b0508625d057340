/**
 * The Jupyter kernel's message handling, free of sockets: a decoded request comes in through
 * `handle`, replies and IOPub messages go out through `io.send`, cells run through an
 * `ExecutorLink`. Shell requests are served one at a time in arrival order; control requests
 * (interrupt, shutdown, kernel_info) are served at once, even while a cell runs.
 */
import { randomUUID } from "node:crypto";
import type { InputEvent } from "../protocol.js";
import type { CellOutcome, CellOutput, ExecutorLink, Versions } from "./executor-link.js";
import { ExploreComms } from "./comms.js";
import { evaluateExpressions } from "./expressions.js";
import { History, type HistoryQuery } from "./history.js";
import { codePointsToUtf16, utf16ToCodePoints } from "./positions.js";
import { makeHeader, PROTOCOL_VERSION, type JupyterMessage } from "./wire.js";

export type Channel = "shell" | "control" | "stdin" | "iopub";
export type RequestChannel = "shell" | "control";

export interface KernelIO {
  send(channel: Channel, message: JupyterMessage): void;
  log(text: string): void;
  /** Called once a shutdown_request has been answered and the executor stopped. */
  exit(restart: boolean): void;
}

export interface JupyterKernelOptions {
  executor: ExecutorLink;
  io: KernelIO;
  /** The session id in the headers this kernel sends (random by default). */
  session?: string;
}

type Content = Record<string, unknown>;
type ErrorContent = { ename: string; evalue: string; traceback: string[] };

/** language_info and the rest of a kernel_info_reply. */
export function kernelInfoContent(versions: Versions): Content {
  return {
    status: "ok",
    protocol_version: PROTOCOL_VERSION,
    implementation: "cotangent",
    implementation_version: versions.cotangent,
    language_info: {
      name: "typescript",
      version: versions.typescript,
      mimetype: "text/typescript",
      file_extension: ".ts",
      pygments_lexer: "typescript",
      codemirror_mode: "typescript",
    },
    banner: `Cotangent ${versions.cotangent}: TypeScript ${versions.typescript} on Node ${versions.node}`,
    help_links: [],
    debugger: false,
  };
}

export class JupyterKernel {
  private readonly executor: ExecutorLink;
  private readonly io: KernelIO;
  private readonly session: string;
  private readonly history = new History();
  private readonly queue: JupyterMessage[] = [];
  private readonly aborted = new Set<JupyterMessage>();
  private executionCount = 0;
  private draining: Promise<void> = Promise.resolve();
  private pumping = false;
  private shuttingDown = false;
  /** The running cell's open question (its `input()`), answered by an input_reply on stdin. */
  private waitingInput: { resolve(value: string): void; reject(error: Error): void } | undefined;
  /** Explore comms: served at once (never behind a running cell), see comms.ts. */
  private readonly comms: ExploreComms;

  constructor(options: JupyterKernelOptions) {
    this.executor = options.executor;
    this.io = options.io;
    this.session = options.session ?? randomUUID();
    this.comms = new ExploreComms({
      executor: this.executor,
      publish: (parent, type, body) => this.publish(parent, type, body),
      log: (text) => this.io.log(text),
    });
    this.executor.onExplore({
      answer: (event) => this.comms.answer(event),
      reset: (reason) => this.comms.reset(reason),
    });
  }

  /** Publish the `starting` status (once, when the sockets are up). */
  announceStarting(): void {
    this.publish(undefined, "status", { execution_state: "starting" });
  }

  /** Publish the current state (busy while a shell request is served, else idle), no parent. */
  announceState(): void {
    this.publish(undefined, "status", { execution_state: this.pumping ? "busy" : "idle" });
  }

  /** Take one incoming, already verified request. */
  handle(channel: RequestChannel | "stdin", message: JupyterMessage): void {
    if (this.shuttingDown) {
      this.io.log(`ignoring ${message.header.msg_type}: shutting down`);
      return;
    }
    if (channel === "stdin") {
      this.answerInput(message);
    } else if (channel === "control") {
      void this.dispatch("control", message);
    } else if (/^comm_(open|msg|close)$/.test(message.header.msg_type)) {
      this.comms.handle(message);
    } else {
      this.queue.push(message);
      if (!this.pumping) this.draining = this.pump();
    }
  }

  /** Interrupt the running cell (SIGINT to the kernel process ends up here). */
  interrupt(): void {
    this.executor.interrupt();
  }

  /** Resolves once every queued shell request has been answered. */
  async idle(): Promise<void> {
    while (this.pumping) await this.draining;
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) {
        await this.dispatch("shell", next);
      }
    } finally {
      this.pumping = false;
    }
  }

  private async dispatch(channel: RequestChannel, request: JupyterMessage): Promise<void> {
    const type = request.header.msg_type;
    this.publish(request, "status", { execution_state: "busy" });
    try {
      await this.serve(channel, request);
    } catch (error) {
      const failure = describeFailure(error);
      this.io.log(`${type} failed: ${failure.evalue}`);
      if (type === "execute_request") this.publish(request, "error", failure);
      if (type.endsWith("_request")) {
        this.reply(channel, request, type.replace(/_request$/, "_reply"), {
          status: "error",
          ...failure,
        });
      }
    } finally {
      if (!this.shuttingDown) this.publish(request, "status", { execution_state: "idle" });
    }
  }

  private async serve(channel: RequestChannel, request: JupyterMessage): Promise<void> {
    const content = request.content;
    switch (request.header.msg_type) {
      case "kernel_info_request":
        return this.reply(
          channel,
          request,
          "kernel_info_reply",
          kernelInfoContent(await this.executor.ready()),
        );
      case "execute_request":
        return this.aborted.delete(request)
          ? this.replyAborted(channel, request)
          : this.execute(channel, request);
      case "complete_request":
        return this.complete(channel, request);
      case "inspect_request":
        return this.inspect(channel, request);
      case "is_complete_request":
        return this.isComplete(channel, request);
      case "history_request":
        return this.reply(channel, request, "history_reply", {
          status: "ok",
          history: this.history.query(content as unknown as HistoryQuery),
        });
      case "comm_info_request":
        return this.reply(channel, request, "comm_info_reply", {
          status: "ok",
          comms: this.comms.info(content["target_name"]),
        });
      case "interrupt_request":
        this.executor.interrupt();
        return this.reply(channel, request, "interrupt_reply", { status: "ok" });
      case "shutdown_request":
        return this.shutdown(channel, request);
      case "comm_open":
      case "comm_msg":
      case "comm_close":
        return this.io.log(`ignoring ${request.header.msg_type} on ${channel}: comms are on shell`);
      default:
        return this.io.log(`unknown message type "${request.header.msg_type}" on ${channel}`);
    }
  }

  // ------------------------------------------------------------------------------ execute

  private async execute(channel: RequestChannel, request: JupyterMessage): Promise<void> {
    const content = request.content;
    const code = stringField(content, "code");
    const silent = content["silent"] === true;
    const storeHistory = !silent && content["store_history"] !== false;
    if (storeHistory) this.executionCount++;
    const count = this.executionCount;
    if (!silent) this.publish(request, "execute_input", { code, execution_count: count });
    if (storeHistory) this.history.add({ line: count, input: code, output: null });

    let error: ErrorContent | undefined;
    const onOutput = (output: CellOutput): void => {
      if (output.type === "error")
        error = { ename: output.ename, evalue: output.evalue, traceback: output.traceback };
      this.comms.observe(output);
      if (!silent) this.forward(request, output, count);
    };
    const allowStdin = content["allow_stdin"] === true;
    const outcome = await this.executor
      .execute(code, silent, onOutput, (event) => this.askInput(request, event, allowStdin))
      .finally(() => this.dropInput());
    if (outcome.status === "ok") {
      // Only after a cell that ran without error, silently: no IOPub, no count, no history.
      const expressions = await evaluateExpressions(this.executor, content["user_expressions"]);
      return this.reply(channel, request, "execute_reply", {
        status: "ok",
        execution_count: count,
        user_expressions: expressions,
        payload: [],
      });
    }
    if (error === undefined) {
      error = outcomeError(outcome);
      if (!silent) this.publish(request, "error", error);
    }
    if (content["stop_on_error"] !== false) this.abortQueuedExecutions();
    this.reply(channel, request, "execute_reply", {
      status: "error",
      execution_count: count,
      ...error,
      user_expressions: {},
    });
  }

  /** One output of the running cell → the IOPub message Jupyter expects for it. */
  private forward(request: JupyterMessage, output: CellOutput, count: number): void {
    switch (output.type) {
      case "stream":
        return this.publish(request, "stream", { name: output.name, text: output.text });
      case "display": {
        const transient = output.displayId === undefined ? {} : { display_id: output.displayId };
        const type = output.update ? "update_display_data" : "display_data";
        return this.publish(request, type, {
          data: output.data,
          metadata: output.metadata,
          transient,
        });
      }
      case "result": {
        const text = output.data["text/plain"];
        if (typeof text === "string") this.history.setOutput(count, text);
        return this.publish(request, "execute_result", {
          execution_count: count,
          data: output.data,
          metadata: output.metadata,
        });
      }
      case "clear":
        return this.publish(request, "clear_output", { wait: output.wait });
      case "error":
        return this.publish(request, "error", {
          ename: output.ename,
          evalue: output.evalue,
          traceback: output.traceback,
        });
    }
  }

  /** After a failed cell with stop_on_error, the executions already queued are not run. */
  private abortQueuedExecutions(): void {
    for (const queued of this.queue) {
      if (queued.header.msg_type === "execute_request") this.aborted.add(queued);
    }
  }

  private replyAborted(channel: RequestChannel, request: JupyterMessage): void {
    this.reply(channel, request, "execute_reply", {
      status: "aborted",
      execution_count: this.executionCount,
    });
  }

  // ------------------------------------------------------------------------- editor requests

  private async complete(channel: RequestChannel, request: JupyterMessage): Promise<void> {
    const code = stringField(content(request), "code");
    const cursor = cursorField(request, code);
    const reply = await this.executor.complete(code, codePointsToUtf16(code, cursor));
    const start = utf16ToCodePoints(code, reply.cursorStart);
    const end = utf16ToCodePoints(code, reply.cursorEnd);
    const types = (reply.details ?? []).map((detail) => ({
      start,
      end,
      text: detail.name,
      type: detail.kind,
      signature: detail.type ?? "",
    }));
    this.reply(channel, request, "complete_reply", {
      status: "ok",
      matches: reply.matches,
      cursor_start: start,
      cursor_end: end,
      metadata: types.length > 0 ? { _jupyter_types_experimental: types } : {},
    });
  }

  /**
   * complete / incomplete (with indent) as the executor says; a complete cell that would not
   * compile (a syntax or type error: cells are type-checked before they run) is `invalid`.
   */
  private async isComplete(channel: RequestChannel, request: JupyterMessage): Promise<void> {
    const code = stringField(request.content, "code");
    const reply = await this.executor.isComplete(code);
    let status = reply.status;
    if (status === "complete" && code.trim() !== "") {
      const diagnostics = await this.executor.diagnose(code);
      if (diagnostics.some((d) => d.severity === "error")) status = "invalid";
    }
    const indent = status === "incomplete" ? { indent: reply.indent ?? "" } : {};
    this.reply(channel, request, "is_complete_reply", { status, ...indent });
  }

  private async inspect(channel: RequestChannel, request: JupyterMessage): Promise<void> {
    const code = stringField(content(request), "code");
    const cursor = codePointsToUtf16(code, cursorField(request, code));
    const detail = request.content["detail_level"] === 1 ? 1 : 0;
    const reply = await this.executor.inspect(code, cursor, detail);
    this.reply(channel, request, "inspect_reply", {
      status: "ok",
      found: reply.found,
      data: reply.found ? { "text/plain": reply.text } : {},
      metadata: {},
    });
  }

  // ------------------------------------------------------------------------------ lifecycle

  private async shutdown(channel: RequestChannel, request: JupyterMessage): Promise<void> {
    const restart = request.content["restart"] === true;
    this.shuttingDown = true;
    const content = { status: "ok", restart };
    this.reply(channel, request, "shutdown_reply", content);
    this.publish(request, "shutdown_reply", content);
    try {
      await this.executor.shutdown();
    } catch (error) {
      this.io.log(`stopping the executor failed: ${describeFailure(error).evalue}`);
    }
    this.io.exit(restart);
  }

  // ------------------------------------------------------------------------------ stdin

  /**
   * The running cell's `input()`: an input_request to the client that sent the execute request
   * (on stdin, routed like the request), answered by its input_reply. A client that did not
   * allow stdin is not asked.
   */
  private askInput(
    request: JupyterMessage,
    event: InputEvent,
    allowStdin: boolean,
  ): Promise<string> {
    if (!allowStdin) {
      return Promise.reject(
        new Error("the Jupyter client does not allow input (allow_stdin is false)"),
      );
    }
    this.dropInput();
    return new Promise<string>((resolve, reject) => {
      this.waitingInput = { resolve, reject };
      this.io.send("stdin", {
        identities: request.identities,
        header: makeHeader("input_request", this.session),
        parent_header: request.header,
        metadata: {},
        content: { prompt: event.prompt, password: event.password },
        buffers: [],
      });
    });
  }

  /** An input_reply on stdin answers the cell that waits; anything else is logged and dropped. */
  private answerInput(message: JupyterMessage): void {
    const waiting = this.waitingInput;
    if (message.header.msg_type !== "input_reply" || !waiting) {
      this.io.log(`ignoring ${message.header.msg_type} on stdin: no input was requested`);
      return;
    }
    this.waitingInput = undefined;
    const value = message.content["value"];
    if (typeof value === "string") waiting.resolve(value);
    else waiting.reject(new Error("the input_reply had no text value"));
  }

  /** The cell ended: a question it left open is not answered any more. */
  private dropInput(): void {
    this.waitingInput?.reject(new Error("the cell ended before the answer came"));
    this.waitingInput = undefined;
  }

  // ------------------------------------------------------------------------------ sending

  private reply(
    channel: RequestChannel,
    request: JupyterMessage,
    type: string,
    body: Content,
  ): void {
    this.io.send(channel, {
      identities: request.identities,
      header: makeHeader(type, this.session),
      parent_header: request.header,
      metadata: {},
      content: body,
      buffers: [],
    });
  }

  private publish(request: JupyterMessage | undefined, type: string, body: Content): void {
    this.io.send("iopub", {
      identities: [Buffer.from(`kernel.${this.session}.${type}`)],
      header: makeHeader(type, this.session),
      parent_header: request?.header ?? {},
      metadata: {},
      content: body,
      buffers: [],
    });
  }
}

function content(request: JupyterMessage): Content {
  return request.content;
}

function stringField(body: Content, name: string): string {
  const value = body[name];
  if (typeof value !== "string") throw new Error(`the request's "${name}" must be a string`);
  return value;
}

/** cursor_pos in code points; absent or null means the end of the code. */
function cursorField(request: JupyterMessage, code: string): number {
  const value = request.content["cursor_pos"];
  if (value === undefined || value === null) return [...code].length;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new Error(`cursor_pos must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** The error shown when a cell failed or was interrupted without an error of its own. */
function outcomeError(outcome: CellOutcome): ErrorContent {
  return outcome.status === "interrupted"
    ? {
        ename: "Interrupted",
        evalue: "the cell was interrupted",
        traceback: ["Interrupted: the cell was interrupted"],
      }
    : { ename: "Error", evalue: "the cell failed", traceback: ["Error: the cell failed"] };
}

function describeFailure(error: unknown): ErrorContent {
  if (error instanceof Error) {
    return {
      ename: error.name,
      evalue: error.message,
      traceback: (error.stack ?? String(error)).split("\n"),
    };
  }
  return { ename: "Error", evalue: String(error), traceback: [String(error)] };
}
