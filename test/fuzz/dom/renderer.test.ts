// @vitest-environment happy-dom
/**
 * The renderer under random and malformed payloads of every MIME type it draws (fast-check,
 * fixed seeds): wrong versions and shapes, truncated base64, NaN/Infinity, huge dimensions,
 * dropped fields, random JSON. It never throws, and a payload it cannot draw shows a short
 * message in the output (the cell's other outputs and the page around it are untouched).
 *
 * A new view is one row in VIEWS: its MIME type and a valid payload to start the mutations from.
 */
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { MIME } from "../../../kernel/shared/payloads.js";
import { activate, renderInto } from "../../../extension/renderer/index.js";
import type { JacobianPayload } from "../../../kernel/shared/payloads.js";
import { smallChain, smallJacobian, trace } from "../../browser/fixtures.js";
import { fuzzParams, fuzzTimeout } from "../config.js";
import { installFakeCanvas } from "./canvas.js";
import { mutated, retyped } from "./mutate.js";

/** The small Jacobian's 3×4 values as the block means of a downsampled 6×8 Jacobian. */
function downsampled(): JacobianPayload {
  const { outputs: _outputs, inputs: _inputs, ...small } = smallJacobian();
  const block = { fullRows: 6, fullCols: 8, blockRows: 2, blockCols: 2, mean: small.values };
  return { ...small, outShape: [6], inShape: [8], downsampled: block };
}

/** The views to fuzz: a MIME type and valid payloads of it. */
const VIEWS: { mime: string; valid: () => unknown }[] = [
  { mime: MIME.jacobian, valid: smallJacobian },
  { mime: MIME.jacobian, valid: downsampled },
  { mime: MIME.chain, valid: smallChain },
  { mime: MIME.trace, valid: () => trace(12) },
];

/** The longest message the output may show for a payload it cannot draw. */
const SHORT = 300;

let out: HTMLElement;
let neighbour: HTMLElement;
beforeEach(() => {
  installFakeCanvas();
  document.body.replaceChildren();
  neighbour = document.createElement("p");
  neighbour.textContent = "an earlier output";
  out = document.createElement("div");
  document.body.append(neighbour, out);
});

/** Draw and check: no exception, a view or one short message, nothing outside the element. */
function drawChecked(mime: string, payload: unknown): boolean {
  out.replaceChildren();
  const result = renderInto(out, mime, payload);
  expect(neighbour.isConnected && neighbour.textContent).toBe("an earlier output");
  expect(document.body.children).toHaveLength(2);
  const error = out.querySelector(".ct-error");
  if (result.ok) {
    expect(error, "a drawn view shows no error").toBeNull();
    expect(out.querySelector(".ct-view")).not.toBeNull();
    return true;
  }
  expect(error, `no message for: ${result.error}`).not.toBeNull();
  const text = error!.textContent ?? "";
  expect(text.startsWith("Cannot show this Cotangent output: ")).toBe(true);
  expect(text.length, `a long message: ${text.slice(0, 400)}`).toBeLessThanOrEqual(SHORT);
  return false;
}

describe("the renderer under malformed payloads", () => {
  it.each(VIEWS.map((v, i) => [v.mime, i] as const))(
    "%s (fixture %i): mutated payloads draw or show a short message",
    (mime, i) => {
      const base = VIEWS[i].valid();
      expect(drawChecked(mime, base), "the unmutated fixture draws").toBe(true);
      let drawn = 0;
      fc.assert(
        fc.property(fc.oneof(mutated(base), retyped(base)), (payload) => {
          if (drawChecked(mime, payload)) drawn += 1;
        }),
        fuzzParams(`renderer.mutated.${i}`, 1 / 4),
      );
      console.log(`renderer fuzz: ${mime} fixture ${i}: ${drawn} of the mutated payloads drew`);
    },
    fuzzTimeout(20),
  );

  it("an empty Jacobian with a huge side, or a huge downsampled one, draws or is refused", () => {
    const side = fc.constantFrom(0, 1, 1e6, 1e6 + 1, 2 ** 31, 2 ** 53, 1e300);
    fc.assert(
      fc.property(side, side, (rows, cols) => {
        const empty = { dtype: "float64", shape: [rows, cols], data: "" };
        const payload = { ...smallJacobian(), outputs: undefined, inputs: undefined };
        drawChecked(MIME.jacobian, {
          ...payload,
          outShape: [rows],
          inShape: [cols],
          values: empty,
        });
        const block = { fullRows: rows, fullCols: cols, blockRows: rows, blockCols: cols };
        const grid = { ...payload.values, shape: [1, 1], data: "AAAAAAAA8D8=" };
        const mean = { ...grid };
        const d = {
          ...payload,
          outShape: [rows],
          inShape: [cols],
          values: grid,
          downsampled: { ...block, mean },
        };
        drawChecked(MIME.jacobian, d);
      }),
      fuzzParams("renderer.huge", 0.05),
    );
  });

  it(
    "random JSON under every MIME type (and unknown ones) shows a short message",
    () => {
      const mimes = fc.constantFrom(
        ...VIEWS.map((v) => v.mime),
        "application/vnd.cotangent.x+json",
      );
      fc.assert(
        fc.property(mimes, fc.anything({ maxDepth: 3 }), (mime, payload) => {
          drawChecked(mime, payload);
        }),
        fuzzParams("renderer.random"),
      );
    },
    fuzzTimeout(5),
  );

  it("a payload of one view under another view's MIME type is refused with a message", () => {
    const pairs = fc.tuple(fc.nat({ max: VIEWS.length - 1 }), fc.nat({ max: VIEWS.length - 1 }));
    fc.assert(
      fc.property(pairs, ([p, m]) => {
        const same = VIEWS[p].mime === VIEWS[m].mime;
        expect(drawChecked(VIEWS[m].mime, VIEWS[p].valid())).toBe(same);
      }),
      fuzzParams("renderer.crossed", 0.1),
    );
  });

  it(
    "VS Code's renderOutputItem: output that is not JSON or is malformed posts an error",
    () => {
      const posted: { type?: unknown }[] = [];
      const api = activate({ postMessage: (m) => posted.push(m as { type?: unknown }) });
      const items = fc.oneof(
        fc.string().map((text) => ({ json: (): unknown => JSON.parse(text) as unknown })),
        fc.anything({ maxDepth: 2 }).map((value) => ({ json: (): unknown => value })),
      );
      const mimes = fc.constantFrom(...VIEWS.map((v) => v.mime));
      fc.assert(
        fc.property(items, mimes, fc.nat({ max: 20 }), (item, mime, id) => {
          posted.length = 0;
          api.renderOutputItem({ id: `o${id}`, mime, text: () => "", ...item }, out);
          expect(posted).toHaveLength(1);
          const shown = out.querySelector(".ct-error, .ct-view");
          expect(shown).not.toBeNull();
          if (posted[0].type === "error") {
            const message = out.querySelector(".ct-error")?.textContent ?? "";
            expect(message.length).toBeLessThanOrEqual(SHORT);
          }
          if (id % 5 === 0) api.disposeOutputItem(`o${id}`);
        }),
        fuzzParams("renderer.outputItem"),
      );
    },
    fuzzTimeout(5),
  );
});
