/**
 * The source text of a compiled program: the factory's head (constants, pooled buffers, helpers)
 * and the `run` function. A small program's `run` is one function with local names. A large one
 * (an unrolled time integrator: thousands of small loops) is cut, at the boundaries between
 * roots, into functions of bounded size that `run` calls in order, with the names they share
 * declared in the factory's scope: V8 optimizes functions only up to a bytecode size, and one huge
 * function would stay in the interpreter.
 */

/** Characters of `run`'s body above which it is cut into pieces of about this size. */
const PIECE_CHARS = 12_000;

/** The emitted statements of `run` and where they may be cut. */
export interface RunBody {
  lines: string[];
  /** Indices of top-level declarations (`const name = …;`). */
  tops: number[];
  /** Line indices at which the body may be cut (after an input's or a root's statements). */
  cuts: number[];
  /** The final `return [...]` statement. */
  ret: string;
}

/** The factory source: `head`, then `run` (one function, or pieces called in order). */
export function assembleSource(head: string[], body: RunBody): string {
  const { lines, tops, cuts, ret } = body;
  let chars = 0;
  for (const l of lines) chars += l.length + 1;
  if (chars <= PIECE_CHARS)
    return [...head, "return function run(I) {", ...lines, ret, "};"].join("\n");
  const out = lines.slice();
  const names: string[] = [];
  for (const t of tops) {
    const line = out[t];
    const eq = line.indexOf(" = ");
    names.push(line.slice("const ".length, eq));
    out[t] = line.slice("const ".length);
  }
  const pieces: string[] = [];
  let start = 0;
  let size = 0;
  let next = 0;
  for (let i = 0; i < out.length; i++) {
    size += out[i].length + 1;
    while (next < cuts.length && cuts[next] <= i) next++;
    const atCut = next < cuts.length && cuts[next] === i + 1;
    if ((atCut && size >= PIECE_CHARS) || i === out.length - 1) {
      pieces.push(`function s${pieces.length}(I) {\n${out.slice(start, i + 1).join("\n")}\n}`);
      start = i + 1;
      size = 0;
    }
  }
  const calls = pieces.map((_p, k) => `s${k}(I);`);
  const decl = names.length > 0 ? [`let ${names.join(", ")};`] : [];
  return [...head, ...decl, ...pieces, "return function run(I) {", ...calls, ret, "};"].join("\n");
}
