/**
 * How much the fuzz suites run: `COTANGENT_FUZZ_CASES` cases per input path (1,000 in the test
 * command; `npm run fuzz -- --cases=N` sets it) from fixed seeds (`COTANGENT_FUZZ_SEED` shifts
 * them all). Every property of a path gets the path's own seed, so a failure reruns alone with
 * the seed and path fast-check prints.
 */
export const CASES = positiveInteger(process.env["COTANGENT_FUZZ_CASES"], 1000);
export const BASE_SEED = positiveInteger(process.env["COTANGENT_FUZZ_SEED"], 20261204);

function positiveInteger(text: string | undefined, fallback: number): number {
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`not a positive integer: ${text}`);
  return value;
}

/** A stable seed per property name (FNV-1a), shifted by the base seed. */
export function seedFor(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (hash ^ BASE_SEED) | 0;
}

/**
 * fast-check parameters for a property: its seed, and `share` of CASES as its number of cases
 * (a path whose cases are spread over several properties gives each a share).
 */
export function fuzzParams(name: string, share = 1): { seed: number; numRuns: number } {
  return { seed: seedFor(name), numRuns: Math.max(1, Math.ceil(CASES * share)) };
}

/** A vitest timeout that grows with the number of cases (the default run is far below it). */
export function fuzzTimeout(msPerCase: number, floor = 60_000): number {
  return Math.max(floor, CASES * msPerCase);
}
