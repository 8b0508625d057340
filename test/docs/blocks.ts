/**
 * Fenced code blocks of a markdown file and `@example`s of doc comments, their `// → expected`
 * lines turned into assertions, and the type check of such snippets against the runtime.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export interface CodeBlock {
  /** The README line of the block's first code line (1-based). */
  line: number;
  language: string;
  code: string;
}

/** The fenced blocks whose info string is one of `languages`. */
export function extractBlocks(markdown: string, languages: readonly string[]): CodeBlock[] {
  const lines = markdown.split("\n");
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.findIndex((l, k) => k > i && /^```\s*$/.test(l));
    if (end < 0) throw new Error(`unclosed code block at line ${i + 1}`);
    if (languages.includes(open[1])) {
      blocks.push({ line: i + 2, language: open[1], code: lines.slice(i + 1, end).join("\n") });
    }
    i = end;
  }
  return blocks;
}

const ARROW = /^(\s*)(.+?);?\s*\/\/ → (.+)$/;

/**
 * The block as a module that records, for each `expr; // → expected` line, both values in an
 * exported `assertions` array (tensors as nested arrays). Other lines are unchanged.
 */
export function withAssertions(code: string, firstLine: number): string {
  const body = code.split("\n").map((line, i) => {
    const match = ARROW.exec(line);
    if (!match) return line;
    const [, indent, expression, expected] = match;
    return `${indent}assertions.push({ line: ${firstLine + i}, actual: plain(${expression}), expected: plain(${expected}) });`;
  });
  // Import declarations are hoisted, so the helpers can come first.
  return [
    "export const assertions: { line: number; actual: unknown; expected: unknown }[] = [];",
    "const plain = (v: unknown): unknown => (v !== null && typeof v === 'object' && 'toArray' in v ? (v as { toArray(): unknown }).toArray() : v);",
    ...body,
  ].join("\n");
}

/**
 * Type-checks `files` (in `scratch`) against the runtime's sources as a notebook cell would see
 * them (Node's globals, `cotangent` resolved to src/index.ts); tsc's output, "" when clean.
 */
export function typeCheck(root: string, scratch: string, files: readonly string[]): string {
  const config = {
    extends: join(root, "tsconfig.base.json"),
    compilerOptions: {
      noEmit: true,
      // Cells see Node's globals (console, process), so the examples may too.
      types: ["node"],
      typeRoots: [join(root, "node_modules", "@types")],
      noUnusedLocals: false,
      baseUrl: root,
      paths: { cotangent: ["src/index.ts"] },
    },
    files,
  };
  writeFileSync(join(scratch, "tsconfig.json"), JSON.stringify(config));
  try {
    execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", scratch], {
      encoding: "utf8",
    });
    return "";
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  }
}
