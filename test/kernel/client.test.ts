/**
 * The client against a fake executor: no process, the fake answers requests on an in-memory
 * channel and can "die" with any exit code, signal and stderr.
 */
import { EventEmitter } from "node:events";
import { Duplex, PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  classifyExit,
  createKernelClient,
  type ChildLike,
  type ExecuteHandlers,
  type ExitInfo,
  type SpawnFn,
} from "../../kernel/client.js";
import type { ExecutorEvent, ExecutorRequest, InputEvent } from "../../kernel/protocol.js";
import { attachChannel } from "../../kernel/transport.js";

type Script = (request: ExecutorRequest, fake: FakeChild) => void;

class FakeChild extends EventEmitter implements ChildLike {
  readonly pid = 4242;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly stdio: unknown[];
  readonly requests: ExecutorRequest[] = [];
  private readonly events;
  dead = false;

  constructor(script: Script) {
    super();
    const toExecutor = new PassThrough();
    const fromExecutor = new PassThrough();
    this.stdio = [
      null,
      this.stdout,
      this.stderr,
      Duplex.from({ readable: fromExecutor, writable: toExecutor }),
    ];
    this.events = attachChannel<ExecutorRequest, ExecutorEvent>(toExecutor, fromExecutor, {
      onMessage: (request) => {
        this.requests.push(request);
        script(request, this);
      },
    });
    setImmediate(() =>
      this.send({
        type: "ready",
        protocol: 1,
        versions: { cotangent: "0.1.0", typescript: "5.0", node: "v20" },
      }),
    );
  }

  send(event: ExecutorEvent): void {
    this.events.send(event);
  }

  die(code: number | null, signal: NodeJS.Signals | null, stderr = ""): void {
    if (this.dead) return;
    this.dead = true;
    if (stderr) this.stderr.write(stderr);
    setImmediate(() => this.emit("exit", code, signal));
  }

  kill(signal: NodeJS.Signals | number = "SIGTERM"): boolean {
    this.die(null, typeof signal === "number" ? "SIGKILL" : signal);
    return true;
  }
}

/** A fake executor: echoes cells as a result, exits on shutdown, and lets a test add behaviour. */
function setup(extra: Script = () => undefined) {
  const children: FakeChild[] = [];
  let count = 0;
  const script: Script = (request, fake) => {
    if (request.type === "shutdown") fake.die(0, null);
    if (request.type === "execute" && request.code.startsWith("echo ")) {
      count += 1;
      const text = request.code.slice(5);
      fake.send({ type: "stream", id: request.id, name: "stdout", text: `${text}\n` });
      fake.send({
        type: "result",
        id: request.id,
        executionCount: count,
        data: { "text/plain": text },
        metadata: {},
      });
      fake.send({ type: "done", id: request.id, status: "ok", executionCount: count });
    }
    if (request.type === "complete") {
      fake.send({
        type: "completeReply",
        id: request.id,
        matches: ["grad", "gradient"],
        cursorStart: 0,
        cursorEnd: request.cursor,
      });
    }
    extra(request, fake);
  };
  const spawn: SpawnFn = () => {
    const child = new FakeChild(script);
    children.push(child);
    return child;
  };
  const client = createKernelClient({ executorPath: "/fake/executor.cjs", cwd: "/tmp", spawn });
  return { client, children };
}

describe("kernel client", () => {
  it("starts, runs cells and routes each event to the cell's handlers", async () => {
    const { client, children } = setup();
    const states: string[] = [];
    client.onStateChange((s) => states.push(s));
    const ready = await client.start();
    expect(ready.versions.typescript).toBe("5.0");
    const seen: string[] = [];
    const done = await client.execute("echo hi", {
      onStream: (e) => seen.push(`stream:${e.text}`),
      onResult: (e) => seen.push(`result:${String(e.data["text/plain"])}`),
    });
    expect(done.status).toBe("ok");
    expect(seen).toEqual(["stream:hi\n", "result:hi"]);
    expect(states).toEqual(["starting", "idle", "busy", "idle"]);
    expect(children).toHaveLength(1);
  });

  it("answers completion requests", async () => {
    const { client } = setup();
    const reply = await client.complete("gra", 3);
    expect(reply.matches).toEqual(["grad", "gradient"]);
    expect(reply.cursorEnd).toBe(3);
  });

  const answers: [string, (() => Promise<string>) | undefined, object][] = [
    ["an answer", () => Promise.resolve("Ada"), { value: "Ada" }],
    [
      "a refusal",
      () => Promise.reject(new Error("the input was cancelled")),
      { reason: "the input was cancelled" },
    ],
    ["no handler", undefined, { reason: "this front end does not take input" }],
  ];
  it.each(answers)("sends the cell's input() %s as inputReply", async (_what, answer, expected) => {
    let executeId = "";
    const { client, children } = setup((request, fake) => {
      if (request.type === "execute") {
        executeId = request.id;
        fake.send({ type: "input", id: request.id, prompt: "Name?", password: true });
      }
      if (request.type === "inputReply") {
        fake.send({ type: "done", id: request.id, status: "ok", executionCount: 1 });
      }
    });
    const asked: InputEvent[] = [];
    const handlers: ExecuteHandlers = answer
      ? {
          onInput: (event) => {
            asked.push(event);
            return answer();
          },
        }
      : {};
    const done = await client.execute("ask", handlers);
    expect(done.status).toBe("ok");
    const reply = children[0].requests.find((r) => r.type === "inputReply");
    expect(reply).toEqual({ type: "inputReply", id: executeId, ...expected });
    const expectedAsks = answer
      ? [{ type: "input", id: executeId, prompt: "Name?", password: true }]
      : [];
    expect(asked).toEqual(expectedAsks);
  });

  it("sends interrupt on the channel", async () => {
    const { client, children } = setup((request, fake) => {
      if (request.type === "interrupt") {
        const running = fake.requests.find((r) => r.type === "execute");
        if (running?.type === "execute") {
          fake.send({ type: "done", id: running.id, status: "interrupted", executionCount: 1 });
        }
      }
    });
    const done = client.execute("while (true) {}");
    await new Promise((resolve) => setTimeout(resolve, 5));
    client.interrupt();
    expect((await done).status).toBe("interrupted");
    expect(children[0].requests.map((r) => r.type)).toEqual(["execute", "interrupt"]);
  });

  it("ends a running cell with a clear error when the executor runs out of memory, then starts fresh", async () => {
    const { client, children } = setup((request, fake) => {
      if (request.type === "execute" && request.code === "grow()") {
        fake.die(
          null,
          "SIGABRT",
          "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n",
        );
      }
    });
    const exits: ExitInfo[] = [];
    client.onExit((info) => exits.push(info));
    const errors: string[] = [];
    const done = await client.execute("grow()", {
      onError: (e) => errors.push(`${e.ename}: ${e.evalue}`),
    });
    expect(done.status).toBe("error");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^KernelOutOfMemory: The kernel died \(out of memory\) while running this cell/,
    );
    expect(exits.map((e) => e.reason)).toEqual(["oom"]);
    expect(client.state).toBe("dead");

    const again = await client.execute("echo back");
    expect(again.status).toBe("ok");
    expect(children).toHaveLength(2);
    expect(client.state).toBe("idle");
  });

  it("reports process.exit(1) as an exit, and cells queued behind it as not run", async () => {
    const { client } = setup((request, fake) => {
      if (request.type === "execute" && request.code === "process.exit(1)") fake.die(1, null);
    });
    const errors: string[] = [];
    const first = client.execute("process.exit(1)", { onError: (e) => errors.push(e.evalue) });
    const second = client.execute("never", { onError: (e) => errors.push(e.evalue) });
    expect((await first).status).toBe("error");
    expect((await second).status).toBe("error");
    expect(errors[0]).toContain("The kernel exited with code 1 while running this cell");
    expect(errors[1]).toContain("before this cell ran");
  });

  it("gives a cell that killed the kernel its own execution count, not the previous cell's", async () => {
    const { client } = setup((request, fake) => {
      if (request.type === "execute" && request.code === "process.exit(3)") fake.die(3, null);
    });
    expect((await client.execute("echo a")).executionCount).toBe(1);
    expect((await client.execute("echo b")).executionCount).toBe(2);
    const dead = client.execute("process.exit(3)");
    const queued = client.execute("never");
    expect(await dead).toMatchObject({ status: "error", executionCount: 3 });
    expect((await queued).executionCount).toBe(2);
  });

  it("rejects pending replies when the executor dies", async () => {
    const { client } = setup((request, fake) => {
      if (request.type === "inspect") fake.die(null, "SIGSEGV", "Segmentation fault\n");
    });
    await expect(client.inspect("x", 1)).rejects.toThrow(/crashed/);
  });

  it("restarts with a new process and reports the old one's exit as expected", async () => {
    const { client, children } = setup();
    await client.start();
    const exits: ExitInfo[] = [];
    client.onExit((info) => exits.push(info));
    await client.restart();
    expect(children).toHaveLength(2);
    expect(exits).toHaveLength(1);
    expect(exits[0].expected).toBe(true);
    expect(children[0].requests.map((r) => r.type)).toEqual(["shutdown"]);
    await client.shutdown();
    expect(client.state).toBe("dead");
  });

  it("forwards the executor's raw stdout to the running cell", async () => {
    const { client } = setup((request, fake) => {
      if (request.type === "execute" && request.code === "native") {
        fake.stdout.write("from a native write\n");
        setTimeout(
          () => fake.send({ type: "done", id: request.id, status: "ok", executionCount: 1 }),
          5,
        );
      }
    });
    const texts: string[] = [];
    await client.execute("native", { onStream: (e) => texts.push(e.text) });
    expect(texts).toEqual(["from a native write\n"]);
  });
});

describe("classifyExit", () => {
  it.each([
    [1, null, "", "exit"],
    [null, "SIGKILL", "", "signal"],
    [null, "SIGABRT", "FATAL ERROR: Reached heap limit Allocation failed", "oom"],
    [134, null, "<--- Last few GCs --->\nJavaScript heap out of memory", "oom"],
    [null, "SIGSEGV", "", "crash"],
    [1, null, "FATAL ERROR: v8::ToLocalChecked Empty MaybeLocal", "crash"],
  ] as const)("code %s signal %s → %s", (code, signal, stderr, reason) => {
    expect(classifyExit(code, signal, stderr, false).reason).toBe(reason);
  });

  it("says a SIGKILL was probably out of memory only when the system's out-of-memory killer acted", () => {
    expect(classifyExit(null, "SIGKILL", "", false, true).message).toBe(
      "The kernel was killed by SIGKILL (probably out of memory: the system's out-of-memory killer acted).",
    );
    expect(classifyExit(null, "SIGKILL", "", false, false).message).toBe(
      "The kernel was killed by SIGKILL.",
    );
    expect(classifyExit(null, "SIGKILL", "", false, undefined).message).toMatch(
      /SIGKILL \(by another process, or by the system when memory ran out\)/,
    );
  });
});
