/**
 * Jupyter counts cursor positions in Unicode code points (protocol 5.2+); the executor counts
 * UTF-16 code units, as JavaScript strings do. These convert between the two.
 */

/** The UTF-16 offset of the `codePoints`-th code point of `text` (clamped to its length). */
export function codePointsToUtf16(text: string, codePoints: number): number {
  let offset = 0;
  for (let seen = 0; seen < codePoints && offset < text.length; seen++) {
    const code = text.codePointAt(offset)!;
    offset += code > 0xffff ? 2 : 1;
  }
  return offset;
}

/** The number of code points in the first `offset` UTF-16 units of `text`. */
export function utf16ToCodePoints(text: string, offset: number): number {
  let points = 0;
  let at = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  while (at < end) {
    const code = text.codePointAt(at)!;
    at += code > 0xffff ? 2 : 1;
    points++;
  }
  return points;
}
