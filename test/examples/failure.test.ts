/**
 * `cotangent run` on notebooks that fail, through the real kernel: the exit code is 1 and the
 * message names the cell and the line; the cells after it are not run, and the executed notebook
 * still holds the error output.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createKernelClient, type KernelClient } from "../../kernel/client.js";
import { runCommand } from "../../kernel/run/command.js";
import { parseNotebook, type Output } from "../../kernel/run/notebook.js";
import { builtExecutor, ROOT } from "./helpers.js";

const scratch = mkdtempSync(join(tmpdir(), "cotangent-fail-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function notebookWith(cells: string[]): string {
  const path = join(scratch, `nb-${cells.length}-${Math.random().toString(36).slice(2)}.ipynb`);
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: {
        name: "cotangent",
        display_name: "Cotangent (TypeScript)",
        language: "typescript",
      },
    },
    cells: [
      { cell_type: "markdown", id: "m", metadata: {}, source: "# A notebook that fails" },
      ...cells.map((source, i) => ({
        cell_type: "code",
        id: `c${i}`,
        metadata: {},
        source,
        outputs: [],
        execution_count: null,
      })),
    ],
  };
  writeFileSync(path, JSON.stringify(nb));
  return path;
}

const CASES = [
  {
    what: "a thrown error",
    cells: [
      'import { tensor } from "cotangent";\nconst x = tensor([1, 2]);',
      "const y = 2;\nthrow new Error(`boom ${y}`);",
      "console.log('never')",
    ],
    message: /: cell \[2\] \(cell 3 of the notebook\), line 2 failed: Error: boom 2$/,
  },
  {
    what: "a shape error from the runtime",
    cells: [
      'import { matmul, tensor } from "cotangent";\n\nmatmul(tensor([[1, 2, 3]]), tensor([[1, 2]]));',
    ],
    message:
      /: cell \[1\] \(cell 2 of the notebook\), line 3 failed: .*matmul: shapes \[1,3\] and \[1,2\]/,
  },
  {
    what: "a type error",
    cells: ["const n: number = 1;\nconst s: string = n;"],
    message:
      /: cell \[1\] \(cell 2 of the notebook\), line 2 failed: .*not assignable to type 'string'/,
  },
];

describe("cotangent run on a failing notebook", () => {
  it.each(CASES)(
    "exits with 1 and names the cell and line of $what",
    { timeout: 120_000 },
    async ({ cells, message }) => {
      const path = notebookWith(cells);
      const out = join(scratch, "out.ipynb");
      const log: string[] = [];
      const errors: string[] = [];
      const code = await runCommand([path, "--out", out], {
        executorPath: builtExecutor(),
        rendererPath: join(ROOT, "dist", "renderer", "index.js"),
        log: (l) => log.push(l),
        error: (l) => errors.push(l),
      });
      expect(code).toBe(1);
      expect(errors.at(-1)).toMatch(message);
      expect(log.filter((l) => / error +\d+ ms$/.test(l))).toHaveLength(1);
      const executed = parseNotebook(readFileSync(out, "utf8"), out);
      const failed = executed.cells.filter(
        (c) => c.cell_type === "code" && c.outputs.some((o) => o.output_type === "error"),
      );
      expect(failed).toHaveLength(1);
      const last = executed.cells.at(-1);
      if (cells.length > 2) expect(last).toMatchObject({ outputs: [], execution_count: null });
    },
  );

  it("after kill -9 of the executor while a cell streams, writes what ran and names the cell that died", async () => {
    const path = notebookWith([
      "console.log('first');",
      "console.log(`pid ${process.pid}`);\nfor (let n = 0; ; n++) {\n  console.log(`tick ${n}`);\n  await new Promise((resolve) => setTimeout(resolve, 10));\n}",
      "console.log('never')",
    ]);
    const out = join(scratch, "killed.ipynb");
    const errors: string[] = [];
    let seen = "";
    let killed = false;
    const watch = (text: string): void => {
      seen += text;
      const pid = /pid (\d+)/.exec(seen)?.[1];
      if (killed || pid === undefined || !seen.includes("tick 3\n")) return;
      killed = true;
      process.kill(Number(pid), "SIGKILL");
    };
    // The real client, its streams watched: the test kills the executor once ticks arrive.
    const createClient = (options: Parameters<typeof createKernelClient>[0]): KernelClient =>
      new Proxy(createKernelClient(options), {
        get(target, prop, receiver) {
          if (prop !== "execute") return Reflect.get(target, prop, receiver) as unknown;
          const execute: KernelClient["execute"] = (code, handlers, more) =>
            target.execute(
              code,
              {
                ...handlers,
                onStream: (event) => {
                  handlers?.onStream?.(event);
                  watch(event.text);
                },
              },
              more,
            );
          return execute;
        },
      });
    const code = await runCommand([path, "--out", out], {
      executorPath: builtExecutor(),
      rendererPath: join(ROOT, "dist", "renderer", "index.js"),
      log: () => undefined,
      error: (l) => errors.push(l),
      createClient,
    });
    expect(killed).toBe(true);
    expect(code).toBe(1);
    expect(errors.at(-1)).toMatch(
      /\(cell 3 of the notebook\) failed: KernelDied: The kernel was killed by SIGKILL while running this cell/,
    );
    const cells = parseNotebook(readFileSync(out, "utf8"), out).cells;
    const outputs = (index: number): Output[] => {
      const cell = cells[index];
      return cell?.cell_type === "code" ? cell.outputs : [];
    };
    const streamed = (index: number): string =>
      outputs(index)
        .map((o) =>
          o.output_type !== "stream" ? "" : Array.isArray(o.text) ? o.text.join("") : o.text,
        )
        .join("");
    expect(streamed(1)).toBe("first\n");
    expect(streamed(2)).toMatch(/^pid \d+\ntick 0\ntick 1\ntick 2\ntick 3\n/);
    expect(outputs(2).at(-1)).toMatchObject({ output_type: "error", ename: "KernelDied" });
    expect(cells[3]).toMatchObject({ outputs: [], execution_count: null });
  }, 120_000);

  it("exits with 2 and the usage for bad arguments", async () => {
    const errors: string[] = [];
    const context = {
      executorPath: "unused",
      rendererPath: "unused",
      log: () => undefined,
      error: (l: string) => errors.push(l),
    };
    expect(await runCommand([], context)).toBe(2);
    expect(await runCommand(["a.ipynb", "--html"], context)).toBe(2);
    expect(await runCommand([join(scratch, "missing.ipynb")], context)).toBe(2);
    expect(errors).toEqual([
      expect.stringMatching(/^no notebook given\n\nusage: cotangent run/),
      expect.stringMatching(/^--html needs a file name/),
      expect.stringMatching(/missing\.ipynb does not exist$/),
    ]);
  });
});
