/**
 * Markdown with TeX math for the HTML report: `$…$` and `$$…$$` become MathML (KaTeX, so no
 * fonts or style sheets are needed and the page stays standalone); everything else is CommonMark
 * through markdown-it with raw HTML disabled.
 */
import katex from "katex";
import MarkdownIt from "markdown-it";

const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });

/** A marker markdown leaves alone: letters and digits only. */
const marker = (index: number): string => `MATHPLACEHOLDER${index}X`;

/** Replace math spans by markers; returns the text and the rendered MathML per marker. */
function extractMath(text: string): { text: string; math: string[] } {
  const math: string[] = [];
  const render = (tex: string, displayMode: boolean): string => {
    math.push(
      unicodeVariants(
        katex.renderToString(tex, { displayMode, output: "mathml", throwOnError: false }),
      ),
    );
    return marker(math.length - 1);
  };
  // Code spans and fences keep their dollars: split them out first.
  const parts = text.split(/(```[\s\S]*?```|`[^`\n]*`)/);
  const replaced = parts.map((part, i) => {
    if (i % 2 === 1) return part;
    return part
      .replace(/\$\$([\s\S]+?)\$\$/g, (_, tex: string) => `\n\n${render(tex.trim(), true)}\n\n`)
      .replace(/(?<![\\$])\$((?:[^$\n]|\n(?!\n))+?)\$/g, (_, tex: string) => render(tex, false));
  });
  return { text: replaced.join(""), math };
}

/** First code points of the Unicode "Mathematical Alphanumeric Symbols" for A, a and 0. */
const ALPHABETS: Record<string, { upper: number; lower?: number; digit?: number }> = {
  bold: { upper: 0x1d400, lower: 0x1d41a, digit: 0x1d7ce },
  "double-struck": { upper: 0x1d538, digit: 0x1d7d8 },
};
/** Double-struck capitals that live in the Letterlike Symbols block instead. */
const LETTERLIKE: Record<string, string> = {
  C: "ℂ",
  H: "ℍ",
  N: "ℕ",
  P: "ℙ",
  Q: "ℚ",
  R: "ℝ",
  Z: "ℤ",
};

function styledChar(char: string, variant: string): string {
  const alphabet = ALPHABETS[variant];
  if (!alphabet) return char;
  if (variant === "double-struck" && LETTERLIKE[char]) return LETTERLIKE[char];
  const code = char.charCodeAt(0);
  if (char >= "A" && char <= "Z") return String.fromCodePoint(alphabet.upper + code - 65);
  if (char >= "a" && char <= "z" && alphabet.lower)
    return String.fromCodePoint(alphabet.lower + code - 97);
  if (char >= "0" && char <= "9" && alphabet.digit)
    return String.fromCodePoint(alphabet.digit + code - 48);
  return char;
}

/**
 * MathML Core (what Chromium draws) ignores `mathvariant` except on single letters' italics, so
 * \mathbf and \mathbb letters are spelled with the Unicode mathematical alphabets instead.
 */
function unicodeVariants(mathml: string): string {
  return mathml.replace(
    /<(mi|mn) mathvariant="(bold|double-struck)">([A-Za-z0-9]+)<\/\1>/g,
    (_, tag: string, variant: string, text: string) =>
      `<${tag}${tag === "mi" ? ' mathvariant="normal"' : ""}>${[...text].map((c) => styledChar(c, variant)).join("")}</${tag}>`,
  );
}

/** Render a markdown cell's text to HTML. */
export function renderMarkdown(text: string): string {
  const { text: prepared, math } = extractMath(text);
  const html = markdown.render(prepared);
  return html.replace(
    /(<p>)?MATHPLACEHOLDER(\d+)X(<\/p>)?/g,
    (_, open: string | undefined, index: string, close: string | undefined) => {
      const rendered = math[Number(index)] ?? "";
      const display = rendered.includes('display="block"');
      if (display) return rendered;
      return `${open ?? ""}${rendered}${close ?? ""}`;
    },
  );
}
