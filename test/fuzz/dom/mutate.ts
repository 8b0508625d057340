/**
 * Malformed payloads for the renderer's fuzz suite: a valid payload with one to three of its
 * fields (at any depth) replaced by something wrong, or dropped.
 */
import fc from "fast-check";

type Json = Record<string, unknown> | unknown[];

/** Every path to a field or entry of `value`, depth first. */
export function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== "object") return [];
  const keys: (string | number)[] = Array.isArray(value)
    ? value.map((_, i) => i)
    : Object.keys(value);
  return keys.flatMap((k) => {
    const child = (value as Record<string | number, unknown>)[k];
    return [[...prefix, k], ...pathsOf(child, [...prefix, k])];
  });
}

const DROP = Symbol("drop");
/** Cuts a string field (base64 data, most often) to half its length. */
const TRUNCATE = Symbol("truncate");

/** What replaces a field: wrong types, special numbers, huge sizes, broken base64, nothing. */
export const replacement: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.anything({ maxDepth: 2 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(
      NaN,
      Infinity,
      -Infinity,
      -0,
      -1,
      0.5,
      2 ** 31,
      2 ** 53,
      1e300,
      "",
      "float16",
      "@@@@",
      "AAAA",
      "AAAAAAA=",
      TRUNCATE,
      TRUNCATE,
      null,
      true,
      [],
      {},
      [0, 2 ** 31],
      [2 ** 31, 0],
      [1e300, 0],
      [0, 0],
      [2 ** 40],
      [-1, 2],
      "x".repeat(5000),
      DROP,
    ),
  },
  { weight: 1, arbitrary: fc.base64String({ maxLength: 40 }) },
);

function mutateAt(root: Json, path: (string | number)[], value: unknown): void {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (value === DROP) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else if (value === TRUNCATE) {
    const text = node[last];
    node[last] = typeof text === "string" ? text.slice(0, Math.floor(text.length / 2)) : "";
  } else {
    node[last] = value;
  }
}

/** `base` (deep-copied) with up to three fields replaced or dropped. */
export const mutated = (base: unknown): fc.Arbitrary<unknown> => {
  const paths = pathsOf(base);
  const one = fc.tuple(fc.nat({ max: Math.max(0, paths.length - 1) }), replacement);
  return fc.array(one, { minLength: 1, maxLength: 3 }).map((edits) => {
    const copy = structuredClone(base) as Json;
    for (const [k, value] of edits) {
      // earlier edits may have removed the path: skip an edit that no longer applies
      const path = pathsOf(copy)[k];
      if (path) mutateAt(copy, path, value);
    }
    return copy;
  });
};

const SPECIAL_NUMBERS = [NaN, Infinity, -Infinity, -0, 0, 1e308, -1e308, 5e-324, 2 ** 31, 2 ** 53];

/**
 * `base` (deep-copied) with up to three values changed but kept of their kind, so that most
 * still validate and reach the drawing code: numbers become NaN, ±Infinity, −0, huge or tiny;
 * base64 data becomes random bytes of the same length (NaN and Infinity among the decoded values).
 */
export const retyped = (base: unknown): fc.Arbitrary<unknown> => {
  const paths = pathsOf(base);
  const one = fc.tuple(
    fc.nat({ max: Math.max(0, paths.length - 1) }),
    fc.constantFrom(...SPECIAL_NUMBERS),
    fc.uint8Array({ minLength: 64, maxLength: 64 }),
  );
  return fc.array(one, { minLength: 1, maxLength: 3 }).map((edits) => {
    const copy = structuredClone(base) as Json;
    for (const [k, number, bytes] of edits) {
      const path = paths[k];
      let node = copy as Record<string | number, unknown>;
      for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
      const last = path[path.length - 1];
      const old = node[last];
      if (typeof old === "number") node[last] = number;
      else if (typeof old === "string" && last === "data") node[last] = randomBase64(old, bytes);
    }
    return copy;
  });
};

/** Base64 of as many bytes as `like` encodes, cycling through `bytes`. */
function randomBase64(like: string, bytes: Uint8Array): string {
  const count = Math.floor((like.replace(/=+$/, "").length * 3) / 4);
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) out[i] = bytes[i % bytes.length];
  return Buffer.from(out).toString("base64");
}
