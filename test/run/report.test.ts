import { describe, expect, it } from "vitest";
import { parseNotebook } from "../../kernel/run/notebook.js";
import { STATIC_EXPLORE_NOTE, escapeHtml, renderReport } from "../../kernel/run/report.js";
import { renderMarkdown } from "../../kernel/run/markdown.js";
import { MIME } from "../../kernel/shared/payloads.js";
import { validateNotebook } from "./nbformat.js";

const notebook = parseNotebook(
  JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      {
        cell_type: "markdown",
        metadata: {},
        source: "# Title\n\nThe VJP $\\mathbf{J}^\\top v$ and `$x$` in code.\n\n$$a_1 = b$$",
      },
      {
        cell_type: "code",
        metadata: { tags: ["check"] },
        source: "const s = '<b>';",
        execution_count: 1,
        outputs: [],
      },
    ],
  }),
  "t.ipynb",
);
const cell = notebook.cells[1];
if (cell.cell_type === "code") {
  cell.execution_count = 1;
  cell.outputs = [
    {
      output_type: "display_data",
      metadata: {},
      data: {
        [MIME.jacobian]: {
          version: 1,
          kind: "jacobian",
          title: "</script><script>alert(1)</script>",
        },
        "image/svg+xml": "<svg id='fallback'></svg>",
        "text/plain": "J",
      },
    },
    { output_type: "stream", name: "stdout", text: "<i>not html</i>\n" },
    {
      output_type: "error",
      ename: "Error",
      evalue: "bad",
      traceback: ["\u001b[31mError: bad\u001b[0m", "    at cell:1:1"],
    },
  ];
}

describe("renderMarkdown", () => {
  it("spells \\mathbb and \\mathbf letters with Unicode math alphabets (MathML Core ignores mathvariant)", () => {
    const html = renderMarkdown(
      "$f: \\mathbb{R}^3 \\to \\mathbb{R}$, $\\mathbf{J}_f^\\top \\mathbf{v}$ and\n$\\mathbf{1}$ over a line break",
    );
    expect(html).toContain('<mi mathvariant="normal">ℝ</mi>');
    expect(html).toContain('<mi mathvariant="normal">𝐉</mi>');
    expect(html).toContain('<mi mathvariant="normal">𝐯</mi>');
    expect(html).toContain("<mn>𝟏</mn>");
    expect(html).not.toContain("$");
  });

  it("turns $…$ and $$…$$ into MathML and leaves code spans alone", () => {
    const html = renderMarkdown("The VJP $\\mathbf{J}^\\top v$ and `$x$`.\n\n$$a_1 = b$$");
    expect(html).toContain('<math xmlns="http://www.w3.org/1998/Math/MathML">');
    expect(html).toContain('display="block"');
    expect(html).toContain("<code>$x$</code>");
    expect(html).not.toContain("MATHPLACEHOLDER");
  });
});

describe("renderReport", () => {
  const html = renderReport(notebook, {
    title: "demo <1>",
    rendererScript: "window.X = '</script>';",
  });

  it("keeps each view's payload in a script element that cannot be closed early", () => {
    expect(html).toContain(`data-mime="${MIME.jacobian}"`);
    expect(html).toContain("\\u003c/script>\\u003cscript>alert(1)\\u003c/script>");
    expect(html).not.toContain("</script><script>alert(1)");
    expect(html).toContain("<svg id='fallback'></svg>");
  });

  it("escapes text outputs, sources and titles, and strips terminal colours", () => {
    expect(html).toContain("&lt;i&gt;not html&lt;/i&gt;");
    expect(html).toContain("const s = &#39;&lt;b&gt;&#39;;");
    expect(html).toContain("<title>demo &lt;1&gt;</title>");
    expect(html).toContain("Error: bad\n    at cell:1:1");
    expect(html).not.toContain("\u001b[");
  });

  it("inlines the renderer without letting it close its script element", () => {
    expect(html).toContain("window.X = '<\\/script>';");
  });

  it("says under an explore view that it is static, and nowhere else", () => {
    expect(html).not.toContain(STATIC_EXPLORE_NOTE);
    const explored = parseNotebook(
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: [
          {
            cell_type: "code",
            metadata: {},
            source: "explore(f, 0.5)",
            execution_count: 1,
            outputs: [
              {
                output_type: "execute_result",
                execution_count: 1,
                metadata: {},
                data: {
                  [MIME.explore]: { kind: "explore" },
                  "image/png": "iVBO",
                  "text/plain": "e",
                },
              },
            ],
          },
        ],
      }),
      "e.ipynb",
    );
    const page = renderReport(explored, { title: "e" });
    expect(page).toContain(`data-mime="${MIME.explore}"`);
    expect(page).toContain(STATIC_EXPLORE_NOTE);
  });

  it("escapes all five HTML metacharacters", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
    );
  });
});

describe("validateNotebook", () => {
  it("rejects what nbformat rejects (a transient display id stored in the file)", () => {
    const bad = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        {
          cell_type: "code",
          id: "a",
          metadata: {},
          source: "",
          execution_count: 1,
          outputs: [
            { output_type: "display_data", data: {}, metadata: {}, transient: { display_id: "x" } },
          ],
        },
      ],
    };
    expect(validateNotebook(JSON.stringify(bad))).toMatch(/^invalid: /);
  });
});
