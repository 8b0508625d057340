/**
 * Copy formats of a Jacobian: CSV (full precision, labels as header row and first column), a
 * LaTeX bmatrix, and JSON. Pure functions of a decoded matrix.
 */
import { formatNumber } from "../../kernel/shared/format.js";

export interface MatrixExport {
  rows: number;
  cols: number;
  /** Row-major values. */
  values: ArrayLike<number>;
  outputs?: string[] | undefined;
  inputs?: string[] | undefined;
  outShape: number[];
  inShape: number[];
  /** Block size when the values are a downsampled grid. */
  block?: { rows: number; cols: number } | undefined;
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Shortest round-trip text of a number; NaN and infinities spelled as most tools read them. */
function csvNumber(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "Inf" : "-Inf";
  return String(v);
}

/** CSV: with labels, a header row of input labels and a first column of output labels. */
export function toCsv(m: MatrixExport): string {
  const lines: string[] = [];
  const labelled = !m.block && (m.inputs !== undefined || m.outputs !== undefined);
  if (labelled) {
    const header = Array.from({ length: m.cols }, (_, j) => csvField(m.inputs?.[j] ?? `x${j}`));
    lines.push(["", ...header].join(","));
  }
  for (let i = 0; i < m.rows; i++) {
    const row = Array.from({ length: m.cols }, (_, j) => csvNumber(m.values[i * m.cols + j]));
    lines.push(labelled ? [csvField(m.outputs?.[i] ?? `f${i}`), ...row].join(",") : row.join(","));
  }
  return `${lines.join("\n")}\n`;
}

/** A number for LaTeX: 4 significant digits, exponents as ×10^{k}. */
export function latexNumber(v: number): string {
  if (Number.isNaN(v)) return "\\mathrm{NaN}";
  if (!Number.isFinite(v)) return v > 0 ? "\\infty" : "-\\infty";
  const text = formatNumber(v, 4);
  const match = /^(-?[\d.]+)e([+-]?)(\d+)$/.exec(text);
  if (!match) return text;
  const [, mantissa, sign, exponent] = match;
  return `${mantissa} \\times 10^{${sign === "-" ? "-" : ""}${exponent}}`;
}

/** A LaTeX bmatrix of the values (rows separated by \\, entries by &). */
export function toLatex(m: MatrixExport): string {
  const rows: string[] = [];
  for (let i = 0; i < m.rows; i++) {
    const entries = Array.from({ length: m.cols }, (_, j) => latexNumber(m.values[i * m.cols + j]));
    rows.push(`  ${entries.join(" & ")}`);
  }
  return `\\begin{bmatrix}\n${rows.join(" \\\\\n")}\n\\end{bmatrix}`;
}

/** JSON: shapes, labels and the values as nested rows (null for NaN / ±∞). */
export function toJson(m: MatrixExport): string {
  const values: (number | null)[][] = [];
  for (let i = 0; i < m.rows; i++) {
    const row: (number | null)[] = [];
    for (let j = 0; j < m.cols; j++) {
      const v = m.values[i * m.cols + j];
      row.push(Number.isFinite(v) ? v : null);
    }
    values.push(row);
  }
  const out: Record<string, unknown> = { outShape: m.outShape, inShape: m.inShape };
  if (m.outputs) out["outputs"] = m.outputs;
  if (m.inputs) out["inputs"] = m.inputs;
  if (m.block)
    out["downsampled"] = {
      blockRows: m.block.rows,
      blockCols: m.block.cols,
      reduce: "signed max |·|",
    };
  out["values"] = values;
  return JSON.stringify(out, null, 1);
}
