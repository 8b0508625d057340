/**
 * The published declarations (built here as `npm run build` builds dist/types) type-check a consumer under the
 * oldest TypeScript we support, 5.0 (tslab's fork), with skipLibCheck off, and the types a
 * user hovers over are real types, never `any`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import ts from "@tslab/typescript-for-tslab";

const root = resolve(import.meta.dirname, "../..");

const consumer = `
import { Jacobian, Tensor, grad, hessian, jacobian, jvp, matmul, sum, tensor, valueAndGrad, vjp, zeros } from "cotangent";

const x = tensor([1, 2, 3]);
const data: Float64Array = x.data;
const g = grad((v) => sum(v.mul(v)))(x);
const gNumber = grad((v) => v.sin())(0.5);
const [value, gradient] = valueAndGrad((v: Tensor) => sum(v.exp()))(x);
const J = jacobian((v) => matmul(tensor([[1, 2, 3]]), v))(x);
const H = hessian((v) => sum(v.pow(3)))(x);
const [y, pullback] = vjp((v) => v.tanh(), x);
const cotangents = pullback(zeros([3]));
const [y2, yDot] = jvp((v) => v.sin(), [x], [x]);
const rows: number[] = J.outShape;
const isJacobian: boolean = H instanceof Jacobian;
const nested = grad((p: { w: Tensor; b: Tensor }) => sum(p.w).add(p.b))({ w: x, b: 1 });
export { data, g, gNumber, value, gradient, y, cotangents, y2, yDot, rows, isJacobian, nested };
`;

function compilerOptions(): ts.CompilerOptions {
  return {
    strict: true,
    skipLibCheck: false,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2022.d.ts"],
    types: [],
    paths: { cotangent: [join(typesDir, "index.d.ts")] },
  };
}

let file = "";
let typesDir = "";

// the declarations are built as `npm run build` builds them, into a private directory
beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), "cotangent-types-"));
  typesDir = join(dir, "types");
  const tsc = join(root, "node_modules/typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.runtime.json", "--outDir", typesDir], {
    cwd: root,
    stdio: "pipe",
  });
  file = join(dir, "consumer.ts");
  writeFileSync(file, consumer);
}, 120_000);

describe("published types under TypeScript 5.0", () => {
  it("uses tslab's TypeScript", () => {
    expect(ts.version.startsWith("5.0")).toBe(true);
  });

  it("a consumer compiles with skipLibCheck off", () => {
    const program = ts.createProgram([file], compilerOptions());
    const diagnostics = ts.getPreEmitDiagnostics(program);
    const text = diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(text).toEqual([]);
  });

  it("hover types are real types, not any", () => {
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: compilerOptions,
      getScriptFileNames: () => [file],
      getScriptVersion: () => "1",
      getScriptSnapshot: (name) => {
        const text = ts.sys.readFile(name);
        return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
      },
      getCurrentDirectory: () => root,
      getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
      fileExists: (name) => ts.sys.fileExists(name),
      readFile: (name) => ts.sys.readFile(name),
    };
    const service = ts.createLanguageService(host);
    // the hover at `offset` characters into the first occurrence of `needle`
    const hover = (needle: string, offset: number): string => {
      const at = consumer.indexOf(needle) + offset;
      const info = service.getQuickInfoAtPosition(file, at);
      return ts.displayPartsToString(info?.displayParts);
    };
    const expectations: [string, number, RegExp][] = [
      ["g =", 0, /const g: Tensor/],
      ["gNumber", 0, /const gNumber: number/],
      ["(v) => sum", 1, /\(parameter\) v: Tensor/],
      ["value,", 0, /const value: Tensor/],
      ["J =", 0, /const J: Jacobian/],
      ["H =", 0, /const H: Jacobian/],
      ["pullback", 0, /const pullback: \(ct: number \| Tensor\) => \[Tensor\]/],
      ["yDot", 0, /const yDot: Tensor/],
      ["nested", 0, /const nested: \{\s*w: Tensor;\s*b: number;\s*\}/],
    ];
    for (const [name, offset, pattern] of expectations) {
      const text = hover(name, offset);
      expect(text, name).toMatch(pattern);
      expect(text, name).not.toMatch(/\bany\b/);
    }
  });
});
