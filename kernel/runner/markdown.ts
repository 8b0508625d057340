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
    math.push(katex.renderToString(tex, { displayMode, output: "mathml", throwOnError: false }));
    return marker(math.length - 1);
  };
  // Code spans and fences keep their dollars: split them out first.
  const parts = text.split(/(```[\s\S]*?```|`[^`\n]*`)/);
  const replaced = parts.map((part, i) => {
    if (i % 2 === 1) return part;
    return part
      .replace(/\$\$([\s\S]+?)\$\$/g, (_, tex: string) => `\n\n${render(tex.trim(), true)}\n\n`)
      .replace(/(?<![\\$])\$([^$\n]+?)\$/g, (_, tex: string) => render(tex, false));
  });
  return { text: replaced.join(""), math };
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
