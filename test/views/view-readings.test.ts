/**
 * Views that must not mislead: a vector reads as a vector, an all-NaN Jacobian says so, a
 * Hessian is labelled as one (also through jit), short column labels stand upright.
 */
import { describe, expect, it } from "vitest";
import { hessian, jacobian, jit, mul, sqrt, sum, tensor, type Tensor } from "cotangent";
import { toMimeBundle } from "../../kernel/display/index.js";
import { tensorHtml } from "../../kernel/display/tensor.js";
import { jacobianSvg } from "../../kernel/display/svg.js";
import { denseJacobianInput, jacobianBundle } from "../../kernel/display/jacobian.js";
import { MIME, type JacobianPayload } from "../../kernel/shared/payloads.js";
import { validatePayload } from "../../kernel/shared/validate.js";
import {
  columnLabelsUpright,
  decodeJacobian,
  readout,
  rowName,
} from "../../extension/renderer/jacobian-model.js";

const cube = (x: Tensor): Tensor => sum(mul(x, mul(x, x)));

describe("a 1-D tensor's table", () => {
  it("is one row of entries under their indices, with no row header", () => {
    const html = tensorHtml([1, 2, 3], [3]);
    expect(html).toContain('data-rank="1"');
    expect(html).toContain("<tbody><tr><td");
    expect(html).not.toContain("<th></th>");
    expect(html.match(/<td/g)).toHaveLength(3);
  });

  it("keeps the row headers of a matrix", () => {
    expect(tensorHtml([1, 2, 3, 4], [2, 2])).toContain(">0</th><td");
  });
});

describe("an all-NaN Jacobian", () => {
  const nan = jacobianBundle(denseJacobianInput(new Float64Array(6).fill(NaN), [2], [3]));

  it("says all entries NaN instead of a zero norm", () => {
    const text = nan["text/plain"] as string;
    expect(text).toContain("all entries NaN");
    expect(text).not.toContain("‖J‖F=0");
    expect(text).not.toContain("max|J|=0");
    expect(nan["image/svg+xml"]).toContain("all entries NaN");
    const payload = nan[MIME.jacobian] as JacobianPayload;
    expect(payload.stats).toMatchObject({ nonFinite: 6, nan: 6 });
    expect(validatePayload(MIME.jacobian, payload).ok).toBe(true);
  });

  it("from a real NaN: the Jacobian of sqrt at negative inputs", () => {
    const J = jacobian((x: Tensor) => sqrt(x))(tensor([-1, -4]));
    const text = toMimeBundle(J)!["text/plain"] as string;
    expect(text).toContain("all entries NaN");
  });

  it("keeps the norms when some entries are finite", () => {
    const data = Float64Array.from([NaN, 3, 4, NaN]);
    const text = jacobianBundle(denseJacobianInput(data, [2], [2]))["text/plain"] as string;
    expect(text).toContain("‖J‖F=5");
    expect(text).toContain("non-finite=2");
  });
});

describe("a Hessian", () => {
  it("is labelled ∂²f/∂xᵢ∂xⱼ in the payload, the text and the SVG", () => {
    const H = hessian(cube)(tensor([1, 2, 3]));
    const bundle = toMimeBundle(H)!;
    const payload = bundle[MIME.jacobian] as JacobianPayload;
    expect(payload.derivative).toBe("hessian");
    const text = bundle["text/plain"] as string;
    expect(text.startsWith("Hessian 3×3 (∂²f/∂xᵢ∂xⱼ")).toBe(true);
    expect(text).not.toContain("Jacobian");
    expect(bundle["image/svg+xml"]).toContain("∂²f/∂xᵢ∂xⱼ 3×3");
    expect(validatePayload(MIME.jacobian, payload).ok).toBe(true);
  });

  it("stays a Hessian through jit, and a Jacobian stays a Jacobian", () => {
    const H = jit(hessian(cube))(tensor([1, 2]));
    expect((toMimeBundle(H)![MIME.jacobian] as JacobianPayload).derivative).toBe("hessian");
    const J = jacobian((x: Tensor) => mul(x, x))(tensor([1, 2]));
    const payload = toMimeBundle(J)![MIME.jacobian] as JacobianPayload;
    expect(payload.derivative).toBeUndefined();
    expect(toMimeBundle(J)!["text/plain"]).toContain("Jacobian 2×2 (∂f/∂x");
  });

  it("reads out a Hessian's entry as ∂²f/∂xᵢ∂xⱼ, its rows named by x", () => {
    const payload = toMimeBundle(hessian(cube)(tensor([1, 2])))![MIME.jacobian] as JacobianPayload;
    const model = decodeJacobian(payload);
    expect(rowName(model, 1)).toBe("x[1]");
    expect(readout(model, 1, 1)).toBe("∂²f/∂x[1]∂x[1] = 12");
    const J = toMimeBundle(jacobian((x: Tensor) => mul(x, x))(tensor([1, 2])))!;
    expect(readout(decodeJacobian(J[MIME.jacobian] as JacobianPayload), 1, 1)).toBe(
      "∂f[1]/∂x[1] = 4",
    );
  });

  it("rejects an unknown derivative in a payload", () => {
    const payload = toMimeBundle(hessian(cube)(tensor([1])))![MIME.jacobian] as JacobianPayload;
    const bad = { ...payload, derivative: "laplacian" };
    const result = validatePayload(MIME.jacobian, bad);
    expect(result.ok).toBe(false);
  });
});

describe("column labels", () => {
  it("stand upright when every label fits its column, turn otherwise", () => {
    expect(columnLabelsUpright(["θ", "ω"], 40)).toBe(true);
    expect(columnLabelsUpright(["x[0]", "x[1]"], 40)).toBe(true);
    expect(columnLabelsUpright(["learning_rate", "θ"], 40)).toBe(false);
    expect(columnLabelsUpright(["θ"], 6)).toBe(false);
  });

  it("in the SVG fallback: θ and ω upright (no rotation), long names rotated", () => {
    const short = denseJacobianInput(Float64Array.from([1, 2, 3, 4]), [2], [2], {
      inputs: ["θ", "ω"],
    });
    const svg = jacobianSvg(jacobianBundle(short)[MIME.jacobian] as JacobianPayload);
    expect(svg).toMatch(/text-anchor="middle"[^>]*>θ</);
    expect(svg).not.toContain("rotate(-90)");
    const long = denseJacobianInput(Float64Array.from([1, 2, 3, 4]), [2], [2], {
      inputs: ["angular_velocity", "angle_of_attack"],
    });
    expect(jacobianSvg(jacobianBundle(long)[MIME.jacobian] as JacobianPayload)).toContain(
      "rotate(-90)",
    );
  });
});
