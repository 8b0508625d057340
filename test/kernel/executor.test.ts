/**
 * The real executor (dist/kernel/executor.cjs, built by `npm run build`) through the real
 * client: cells, state, errors, display, interrupt, death, editor requests and imports. The
 * notebook folder is a temp dir with tiny packages (CommonJS and ESM-only) and a local module.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKernelClient, type ExitInfo, type KernelClient } from "../../kernel/client.js";
import type {
  DisplayEvent,
  DoneEvent,
  ErrorEvent,
  InputEvent,
  ResultEvent,
} from "../../kernel/protocol.js";
import { parseNotebook } from "../../kernel/run/notebook.js";
import { runNotebook } from "../../kernel/run/run.js";
import { MIME } from "../../kernel/shared/payloads.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const EXECUTOR = join(ROOT, "dist", "kernel", "executor.cjs");

interface Run {
  done: DoneEvent;
  /** Every event in arrival order, as "kind:text". */
  log: string[];
  stdout: string;
  results: ResultEvent[];
  displays: DisplayEvent[];
  errors: ErrorEvent[];
}

async function run(
  client: KernelClient,
  code: string,
  onStream?: (text: string) => void,
): Promise<Run> {
  const r: Omit<Run, "done"> = { log: [], stdout: "", results: [], displays: [], errors: [] };
  const done = await client.execute(code, {
    onStream: (e) => {
      r.log.push(`stream:${e.text}`);
      if (e.name === "stdout") r.stdout += e.text;
      onStream?.(e.text);
    },
    onDisplay: (e) => {
      r.log.push(`display:${e.update ? "update" : "new"}`);
      r.displays.push(e);
    },
    onResult: (e) => {
      r.log.push("result");
      r.results.push(e);
    },
    onError: (e) => {
      r.log.push(`error:${e.ename}`);
      r.errors.push(e);
    },
  });
  return { ...r, done };
}

function text(r: Run): string {
  const data = r.results[0]?.data["text/plain"];
  if (typeof data !== "string") throw new Error(`no text result: ${JSON.stringify(r)}`);
  return data;
}

function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

let folder: string;
let client: KernelClient;

beforeAll(async () => {
  if (!existsSync(EXECUTOR)) {
    throw new Error(`${EXECUTOR} is missing: run \`npm run build\` first (npm test does).`);
  }
  folder = mkdtempSync(join(tmpdir(), "cotangent-notebook-"));
  writeFiles(folder, {
    "node_modules/cjs-pkg/package.json": JSON.stringify({ name: "cjs-pkg", main: "index.js" }),
    "node_modules/cjs-pkg/index.js": "exports.triple = (x) => 3 * x;\n",
    "node_modules/cjs-pkg/index.d.ts": "export declare function triple(x: number): number;\n",
    "node_modules/esm-pkg/package.json": JSON.stringify({
      name: "esm-pkg",
      type: "module",
      exports: { ".": { types: "./index.d.ts", import: "./index.js" } },
    }),
    "node_modules/esm-pkg/index.js":
      "export const square = (x) => x * x;\nexport default function hello(name) { return `hello ${name}`; }\n",
    "node_modules/esm-pkg/index.d.ts":
      "export declare const square: (x: number) => number;\nexport default function hello(name: string): string;\n",
    "scale.js": "export function scale(xs, k) {\n  return xs.map((x) => x * k);\n}\n",
    "helpers.ts":
      "export function norm2(xs: number[]): number {\n  return Math.sqrt(xs.reduce((s, x) => s + x * x, 0));\n}\n",
  });
  client = createKernelClient({ executorPath: EXECUTOR, cwd: folder });
  await client.start();
}, 60_000);

afterAll(async () => {
  await client?.shutdown();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe("cells", () => {
  it("gives the last expression as the result and keeps state across cells", async () => {
    const first = await run(
      client,
      "const a = 20;\nlet b: number = 1;\nfunction twice(x: number) { return 2 * x; }\na + b",
    );
    expect(first.done.status).toBe("ok");
    expect(text(first)).toBe("21");
    expect(first.results[0].executionCount).toBe(first.done.executionCount);
    const second = await run(client, "b = b + 1;\ntwice(a) + b");
    expect(text(second)).toBe("42");
  });

  it("re-runs cells that declare const, let, function and class", async () => {
    const cell =
      "const k = 1;\nlet m = 2;\nfunction h() { return k + m; }\nclass Box { v = h(); }\nnew Box().v";
    expect(text(await run(client, cell))).toBe("3");
    expect(text(await run(client, cell))).toBe("3");
    expect(text(await run(client, cell.replace("const k = 1", "const k = 10")))).toBe("12");
  });

  it("shares variables live: a later cell sees what an earlier cell's function changed, and back", async () => {
    await run(
      client,
      "let n = 1;\nfunction bump() { n += 1; return n; }\nenum Mode { Fast, Exact }",
    );
    expect(text(await run(client, "bump();\nn"))).toBe("2");
    expect(text(await run(client, "n = 10;\nbump()"))).toBe("11");
    expect(text(await run(client, "Mode.Exact"))).toBe("1");
  });

  it("runs a re-run cell again (its conversion may be reused, its effects are not)", async () => {
    await run(client, "let counter = 0;");
    const cell = "counter += 1;\nconsole.log('tick');\ncounter";
    const first = await run(client, cell);
    const second = await run(client, cell);
    expect([text(first), text(second)]).toEqual(["1", "2"]);
    expect(second.stdout).toBe("tick\n");
  });

  it("checks a re-run cell again once a cell has changed the declarations", async () => {
    await run(client, "const rate = 0.5;");
    const cell = "rate.toFixed(2)";
    expect(text(await run(client, cell))).toBe("'0.50'");
    expect(text(await run(client, cell))).toBe("'0.50'");
    await run(client, "const rate = 'high';");
    const after = await run(client, cell);
    expect(after.errors[0]?.ename).toBe("TypeScriptError");
    expect(after.errors[0]?.evalue).toContain("toFixed");
  });

  it("leaves no trace of the checker's idle warm-up in the kernel's state", async () => {
    await run(client, "const beforeIdle = 7;");
    // Long enough for the checker to work through its warm-up cells while idle.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const leaked = await run(client, "warm1");
    expect(leaked.errors[0]?.evalue).toContain("Cannot find name 'warm1'");
    expect(text(await run(client, "beforeIdle"))).toBe("7");
  });

  it("answers a cell's input() from the front end, password flag and all", async () => {
    const asked: InputEvent[] = [];
    const done = await client.execute(
      'const who = await input("Name?");\nconst secret = await input("Key?", { password: true });\nwho.toUpperCase() + secret.length',
      {
        onInput: (event) => {
          asked.push(event);
          return Promise.resolve(event.password ? "xyz" : "ada");
        },
      },
    );
    expect(done.status).toBe("ok");
    expect(asked.map((e) => [e.prompt, e.password])).toEqual([
      ["Name?", false],
      ["Key?", true],
    ]);
    expect(text(await run(client, "who + secret"))).toBe("'adaxyz'");
  });

  it("throws an InputError with the reason when the front end cannot ask", async () => {
    const unanswered = await run(client, 'await input("Anyone?")');
    expect(unanswered.errors[0]?.ename).toBe("InputError");
    expect(unanswered.errors[0]?.evalue).toContain("this front end does not take input");
    const refused = await client.execute('let got = "";\ngot = await input("Again?")', {
      onInput: () => Promise.reject(new Error("the input was cancelled")),
    });
    expect(refused.status).toBe("error");
    expect(text(await run(client, "'alive'"))).toBe("'alive'");
  });

  it("interrupts a cell that waits for input and keeps the state", async () => {
    await run(client, "const beforeAsking = 3;");
    let interrupted = false;
    const done = await client.execute('await input("Wait")', {
      onInput: () => {
        interrupted = true;
        client.interrupt();
        return new Promise<string>(() => undefined);
      },
    });
    expect(interrupted).toBe(true);
    expect(done.status).toBe("interrupted");
    expect(text(await run(client, "beforeAsking"))).toBe("3");
  });

  it("refuses a second input() while one waits, and input() outside a running cell", async () => {
    const r = await client.execute(
      'const first = input("One?");\nconst second = await input("Two?").catch((e: Error) => e.message);\nsecond + " | " + (await first)',
      { onInput: (event) => Promise.resolve(`answer to ${event.prompt}`) },
    );
    expect(r.status).toBe("ok");
    const both = await run(client, "second + ' | ' + (await first)");
    expect(text(both)).toBe(
      "'input(): the cell already waits for an answer (await each input()) | answer to One?'",
    );
    // A timer of a finished cell calls input() after that cell has ended.
    await run(
      client,
      "let later: Promise<string> | undefined;\nsetTimeout(() => {\n  later = input('late').catch((e: Error) => e.name + ': ' + e.message);\n}, 20);",
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const outside = await run(client, "await later");
    expect(text(outside)).toBe("'InputError: input(): only a running cell can ask for input'");
  });

  it("ignores a reply that comes after its cell was interrupted", async () => {
    let answerLate: ((value: string) => void) | undefined;
    const done = await client.execute('const lateAnswer = await input("Slow?")', {
      onInput: () =>
        new Promise<string>((resolve) => {
          answerLate = resolve;
          client.interrupt();
        }),
    });
    expect(done.status).toBe("interrupted");
    // The late answer reaches the executor while the next cell waits: it must not answer it.
    const next = await client.execute('const freshAnswer = await input("Now?")', {
      onInput: () => {
        answerLate?.("too late");
        return new Promise<string>((resolve) => setTimeout(() => resolve("fresh"), 100));
      },
    });
    expect(next.status).toBe("ok");
    expect(text(await run(client, "freshAnswer"))).toBe("'fresh'");
  });

  it("after any number of interrupts while a cell asks, the next cell's input() is answered", async () => {
    // The interrupt's termination hits an idle main thread here; whichever message it kills,
    // the interrupted cell's question must be gone before the next cell runs.
    const refused: string[] = [];
    for (let round = 0; round < 25; round++) {
      const asked = await client.execute('await input("Stop me")', {
        onInput: () => new Promise<string>(() => client.interrupt()),
      });
      expect(asked.status).toBe("interrupted");
      const next = await client.execute('await input("Again?")', {
        onInput: () => Promise.resolve("answered"),
        onError: (e) => refused.push(`round ${round}: ${e.evalue}`),
      });
      expect(next.status).toBe("ok");
    }
    expect(refused).toEqual([]);
  });

  it("under cotangent run, a cell's input() fails saying no one can answer", async () => {
    const notebook = parseNotebook(
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: [{ cell_type: "code", metadata: {}, source: 'await input("Name?")', outputs: [] }],
      }),
      "ask.ipynb",
    );
    const result = await runNotebook(notebook, client);
    expect(result.failed?.error?.ename).toBe("InputError");
    expect(result.failed?.error?.evalue).toBe("input(): cotangent run cannot ask for input");
  });

  it("lets shorthand properties name earlier cells' variables", async () => {
    await run(client, "const jac = [1, 2];\nconst label = 'J';");
    const r = await run(client, "const o = ({ jac, label });\nJSON.stringify(o)");
    expect(r.errors).toEqual([]);
    expect(text(r)).toBe(`'{"jac":[1,2],"label":"J"}'`);
  });

  it("runs top-level await", async () => {
    const r = await run(
      client,
      "const slow = await new Promise<number>((resolve) => setTimeout(() => resolve(7), 20));\nslow * 6",
    );
    expect(text(r)).toBe("42");
  });

  it("reports a type error at the cell's line:column and does not run the cell", async () => {
    const r = await run(
      client,
      "console.log('ran');\nglobalThis.sideEffect = 1;\nconst s: string = 42;",
    );
    expect(r.done.status).toBe("error");
    expect(r.stdout).toBe("");
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].position).toEqual({ line: 3, column: 7 });
    expect(r.errors[0].evalue).toContain("Type 'number' is not assignable to type 'string'");
    const check = await run(client, "typeof (globalThis as { sideEffect?: number }).sideEffect");
    expect(text(check)).toBe("'undefined'");
  });

  it("keeps a completed cell's declarations when a later cell fails", async () => {
    await run(client, "const kept = 'still here';");
    const failing = await run(client, "const lost = 1;\nthrow new Error('boom');");
    expect(failing.done.status).toBe("error");
    expect(text(await run(client, "kept"))).toBe("'still here'");
  });

  it("prints a stray error of a timer or an unawaited promise and lives on", async () => {
    const r = await run(
      client,
      "void Promise.reject(new Error('nobody awaits me'));\nsetTimeout(() => { throw new Error('late throw'); }, 0);\nawait new Promise((resolve) => setTimeout(resolve, 50));",
    );
    expect(r.done.status).toBe("ok");
    const stderr = r.log.filter((l) => l.startsWith("stream:")).join("");
    expect(stderr).toContain("nobody awaits me");
    expect(stderr).toContain("late throw");
    expect(text(await run(client, "'alive'"))).toBe("'alive'");
  });

  it("reports a stack overflow as an error of the cell, and the kernel lives on", async () => {
    const r = await run(
      client,
      "function down(n: number): number {\n  return down(n + 1) + 1;\n}\ndown(0);",
    );
    expect(r.done.status).toBe("error");
    expect(r.errors[0]?.ename).toBe("RangeError");
    expect(r.errors[0]?.evalue).toContain("Maximum call stack size exceeded");
    expect(text(await run(client, "'still up'"))).toBe("'still up'");
  });

  it("points a runtime error's traceback to the cell's TypeScript line and column", async () => {
    const r = await run(
      client,
      "interface Point { x: number }\n\nfunction check(p: Point): number {\n  if (p.x > 1) throw new RangeError(`x too big: ${p.x}`);\n  return p.x;\n}\ncheck({ x: 5 });",
    );
    expect(r.done.status).toBe("error");
    const error = r.errors[0];
    expect(error.ename).toBe("RangeError");
    expect(error.evalue).toBe("x too big: 5");
    expect(error.position).toEqual({ line: 4, column: 22 });
    expect(error.traceback[0]).toBe("RangeError: x too big: 5");
    expect(error.traceback.some((line) => /at check \(cell\[\d+\]:4:22\)/.test(line))).toBe(true);
    expect(error.traceback.join("\n")).not.toContain("executor.cjs");
  });

  it("maps the error of a cell run again unchanged to that run's count and line", async () => {
    const cell = "const limit = 2;\nif (limit > 1) throw new RangeError(`limit ${limit}`);";
    for (let i = 0; i < 3; i++) {
      const r = await run(client, cell);
      expect(r.done.status).toBe("error");
      expect(r.errors[0]?.position).toEqual({ line: 2, column: 22 });
      const frame = `cell[${r.done.executionCount}]:2:22`;
      expect(r.errors[0]?.traceback.some((line) => line.includes(frame))).toBe(true);
    }
  });
});

describe("output", () => {
  it("streams stdout in order with display outputs", async () => {
    const r = await run(
      client,
      "console.log('one');\ndisplay.html('<b>two</b>');\nconsole.error('three');\ndisplay(4);\n'five'",
    );
    expect(r.log).toEqual([
      "stream:one\n",
      "display:new",
      "stream:three\n",
      "display:new",
      "result",
    ]);
    expect(r.displays[0].data).toEqual({ "text/html": "<b>two</b>" });
    expect(r.displays[1].data["text/plain"]).toBe("4");
  });

  it("shows a tensor and a Jacobian as rich bundles", async () => {
    const tensorRun = await run(
      client,
      "import { tensor, jacobian } from 'cotangent';\nconst x = tensor([1, 2, 3]);\nx",
    );
    expect(Object.keys(tensorRun.results[0].data)).toEqual(
      expect.arrayContaining(["text/plain", "text/html"]),
    );
    const jac = await run(client, "jacobian((v: typeof x) => v.mul(v))(x)");
    expect(jac.errors).toEqual([]);
    const bundle = jac.results[0].data;
    expect(bundle[MIME.jacobian]).toMatchObject({ outShape: [3], inShape: [3] });
    expect(typeof bundle["text/plain"]).toBe("string");
  });

  it("updates a live trace several times while a synchronous loop runs, then flushes the last step", async () => {
    const r = await run(
      client,
      "const t = trace('loss');\nconst until = Date.now() + 800;\nlet step = 0;\nwhile (Date.now() < until) {\n  if (step % 1000 === 0) t.push(step, { loss: 1 / (step + 1) });\n  step++;\n}\nMath.floor((step - 1) / 1000) + 1",
    );
    const updates = r.displays.filter((d) => d.update);
    expect(r.displays[0].update).toBe(false);
    expect(updates.length).toBeGreaterThanOrEqual(3);
    for (const d of r.displays) expect(d.displayId).toBe(r.displays[0].displayId);
    const pushes = Number(text(r));
    const last = updates.at(-1)!.data[MIME.trace] as { steps: { shape: number[] } };
    expect(last.steps.shape).toEqual([pushes]);
  });

  it("shows through the display imported from cotangent: the runtime instance the kernel serves", async () => {
    const r = await run(
      client,
      "import { display as show } from 'cotangent';\nshow.markdown('**imported**');",
    );
    expect(r.displays.map((d) => d.data["text/markdown"])).toEqual(["**imported**"]);
  });

  it("sends display.clear() as a clear event", async () => {
    const kinds: string[] = [];
    await client.execute("display(1);\ndisplay.clear(true);\ndisplay(2);", {
      onDisplay: () => kinds.push("display"),
      onClear: (e) => kinds.push(`clear:${String(e.wait)}`),
    });
    expect(kinds).toEqual(["display", "clear:true", "display"]);
  });
});

describe("interrupt", () => {
  it("stops a synchronous infinite loop, streaming its output while it runs, and keeps state", async () => {
    await run(client, "let survivor = 'alive';");
    const r = await run(client, "console.log('looping');\nwhile (true) {}", () =>
      client.interrupt(),
    );
    expect(r.done.status).toBe("interrupted");
    expect(r.stdout).toBe("looping\n");
    expect(text(await run(client, "survivor"))).toBe("'alive'");
  });

  it("stops an infinite loop after an await and keeps state", async () => {
    const r = await run(client, "await null;\nconsole.log('async loop');\nwhile (true) {}", () =>
      client.interrupt(),
    );
    expect(r.done.status).toBe("interrupted");
    expect(text(await run(client, "survivor + '!'"))).toBe("'alive!'");
  });

  it("drops the cells queued behind an interrupted one", async () => {
    const looping = run(client, "console.log('spin');\nwhile (true) {}", () => client.interrupt());
    const queued = run(client, "console.log('never');\n1");
    expect((await looping).done.status).toBe("interrupted");
    const skipped = await queued;
    expect(skipped.done.status).toBe("interrupted");
    expect(skipped.stdout).toBe("");
    expect(text(await run(client, "'next'"))).toBe("'next'");
  });

  it("answers completion while a cell runs", async () => {
    let reply: Awaited<ReturnType<KernelClient["complete"]>> | undefined;
    const r = await run(client, "console.log('busy');\nwhile (true) {}", () => {
      void client.complete("surv", 4).then((answer) => {
        reply = answer;
        client.interrupt();
      });
    });
    expect(r.done.status).toBe("interrupted");
    expect(reply?.matches).toContain("survivor");
  });

  it("ends a cell that awaits forever", async () => {
    const pending = run(client, "console.log('waiting');\nawait new Promise(() => {});", () =>
      client.interrupt(),
    );
    expect((await pending).done.status).toBe("interrupted");
    expect(text(await run(client, "1 + 1"))).toBe("2");
  });
});

describe("editor requests", () => {
  it("completes members of a runtime value with their real names", async () => {
    await run(client, "import { tensor as mk } from 'cotangent';\nconst w = mk([1, 2]);");
    const code = "w.tra";
    const reply = await client.complete(code, code.length);
    expect(reply.matches).toContain("transpose");
    expect(reply.cursorStart).toBe(2);
    expect(reply.cursorEnd).toBe(5);
  });

  it("inspects a runtime function with its type and JSDoc", async () => {
    const code = "import { grad } from 'cotangent';\ngrad";
    const reply = await client.inspect(code, code.length - 1, 0);
    expect(reply.found).toBe(true);
    expect(reply.text).toContain("function grad");
    expect(reply.text).toContain("gradient");
    expect(reply.text).not.toMatch(/: any\b/);
  });

  it("says whether code is complete and diagnoses without running", async () => {
    expect((await client.isComplete("function f() {")).status).toBe("incomplete");
    expect((await client.isComplete("1 + 1")).status).toBe("complete");
    expect((await client.isComplete("const x =")).status).toBe("incomplete");
    expect((await client.isComplete("1 +) 2")).status).toBe("invalid");
    const diagnosed = await client.diagnose("const n: number = 'x';");
    expect(diagnosed.diagnostics).toHaveLength(1);
    expect(diagnosed.diagnostics[0].start).toEqual({ line: 1, column: 7 });
  });
});

describe("imports from the notebook folder", () => {
  it("imports a CommonJS package, an ESM-only package and a local .ts module", async () => {
    const r = await run(
      client,
      "import { triple } from 'cjs-pkg';\nimport hello, { square } from 'esm-pkg';\nimport { norm2 } from './helpers';\n`${triple(2)} ${square(3)} ${hello('jac')} ${norm2([3, 4])}`",
    );
    expect(r.errors).toEqual([]);
    expect(text(r)).toBe("'6 9 hello jac 5'");
  });

  it("imports a package dynamically with import()", async () => {
    const r = await run(client, "const m = await import('esm-pkg');\nm.square(5)");
    expect(r.errors).toEqual([]);
    expect(text(r)).toBe("25");
  });

  it("imports a local .js module", async () => {
    const r = await run(client, "import { scale } from './scale.js';\nscale([1, 2], 3).join(',')");
    expect(r.errors).toEqual([]);
    expect(text(r)).toBe("'3,6'");
  });

  it("type-checks and runs Node's own modules and globals", async () => {
    const r = await run(
      client,
      "import { join } from 'node:path';\nconst bytes: Buffer = Buffer.from('abc');\n`${join('a', 'b')} ${bytes.length}`",
    );
    expect(r.errors).toEqual([]);
    expect(text(r)).toBe("'a/b 3'");
  });

  it("type-checks imports from the folder's packages", async () => {
    const r = await run(
      client,
      "import { square as sq } from 'esm-pkg';\nconst bad: string = sq(2);",
    );
    expect(r.errors[0].ename).toBe("TypeScriptError");
    expect(r.errors[0].position).toEqual({ line: 2, column: 7 });
  });
});

describe("death", () => {
  it("reports process.exit(1) while a cell runs and starts a fresh executor next", async () => {
    await run(client, "const before = 1;");
    const exits: ExitInfo[] = [];
    const off = client.onExit((info) => exits.push(info));
    const r = await run(client, "process.exit(1)");
    off();
    expect(r.done.status).toBe("error");
    expect(r.errors[0].evalue).toContain("The kernel exited with code 1 while running this cell");
    expect(exits.map((e) => e.reason)).toEqual(["exit"]);
    const fresh = await run(client, "before");
    expect(fresh.errors[0].evalue).toContain("Cannot find name 'before'");
    expect(text(await run(client, "'fresh'"))).toBe("'fresh'");
  });

  it("reports running out of memory", async () => {
    const small = createKernelClient({
      executorPath: EXECUTOR,
      cwd: folder,
      nodeArgs: ["--max-old-space-size=64"],
    });
    try {
      const exits: ExitInfo[] = [];
      small.onExit((info) => exits.push(info));
      const r = await run(
        small,
        "const hog: number[][] = [];\nwhile (true) hog.push(new Array(100000).fill(Math.random()));",
      );
      expect(r.done.status).toBe("error");
      expect(r.errors[0].ename).toBe("KernelOutOfMemory");
      expect(r.errors[0].evalue).toMatch(
        /^The kernel died \(out of memory\) while running this cell/,
      );
      expect(exits.map((e) => e.reason)).toEqual(["oom"]);
      expect(text(await run(small, "'fresh'"))).toBe("'fresh'");
    } finally {
      await small.shutdown();
    }
  }, 60_000);
});
