"""Iteration counts of scipy.optimize.minimize on the problems of test/optim/minimize.test.ts.

Run: python3 scripts/optim/scipy_fixtures.py  (needs scipy; an oracle, not a test dependency).
Writes test/optim/fixtures/scipy.json: per problem and method, scipy's iterations, function and
gradient evaluations, success and the final max |grad|.
"""
import json
import pathlib

import numpy as np
import scipy
from scipy.optimize import minimize, rosen, rosen_der, rosen_hess

GTOL = 1e-8


def beale(p):
    x, y = p
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def beale_grad(p):
    x, y = p
    a, b, c = 1.5 - x + x * y, 2.25 - x + x * y**2, 2.625 - x + x * y**3
    return np.array(
        [
            2 * a * (y - 1) + 2 * b * (y**2 - 1) + 2 * c * (y**3 - 1),
            2 * a * x + 2 * b * 2 * x * y + 2 * c * 3 * x * y**2,
        ]
    )


def quadratic(n):
    """f(x) = ½ Σ dᵢ xᵢ² + ½ Σ (xᵢ₊₁ − xᵢ)² − Σ sin(i + 1) xᵢ, dᵢ = 1 + 9 i / n."""
    d = 1 + 9 * np.arange(n) / n
    b = np.sin(np.arange(n) + 1.0)
    a = np.diag(d) + np.diag(np.r_[1.0, 2 * np.ones(n - 2), 1.0]) - np.eye(n, k=1) - np.eye(n, k=-1)
    return (lambda x: 0.5 * x @ a @ x - b @ x), (lambda x: a @ x - b), (lambda x: a)


def record(res, grad):
    print(res.nit, res.nfev, res.success, flush=True)
    return {
        "iterations": int(res.nit),
        "evaluations": int(res.nfev),
        "gradEvaluations": int(getattr(res, "njev", 0) or 0),
        "success": bool(res.success),
        "gradMax": float(np.max(np.abs(grad(res.x)))),
        "message": str(res.message),
    }


def run(f, g, h, x0):
    out = {}
    out["bfgs"] = record(minimize(f, x0, jac=g, method="BFGS", options={"gtol": GTOL, "maxiter": 20000}), g)
    out["lbfgs"] = record(
        minimize(f, x0, jac=g, method="L-BFGS-B", options={"gtol": GTOL, "ftol": 0, "maxiter": 20000}), g
    )
    out["newton"] = record(
        minimize(f, x0, jac=g, hess=h, method="Newton-CG", options={"xtol": 1e-12, "maxiter": 2000}), g
    )
    return out


def imul(a, b):
    return ((a & 0xFFFFFFFF) * (b & 0xFFFFFFFF)) & 0xFFFFFFFF


def mulberry32(seed, count):
    """The runtime's seeded generator (src/tensor/creation.ts), for the bench's start point."""
    state = seed & 0xFFFFFFFF
    out = []
    for _ in range(count):
        state = (state + 0x6D2B79F5) & 0xFFFFFFFF
        t = state
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF
        out.append(((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296)
    return out


def rosenbrock_point(n):
    """bench/problems.ts rosenbrockPoint(n)."""
    u = mulberry32(n, n)
    return np.array([-1.2 + 2.4 * i / max(1, n - 1) + 0.01 * (u[i] - 0.5) for i in range(n)])


def main():
    out = {"scipy": scipy.__version__, "gtol": GTOL, "problems": {}}
    out["problems"]["rosenbrock"] = run(rosen, rosen_der, rosen_hess, np.array([-1.2, 1.0]))
    out["problems"]["beale"] = run(beale, beale_grad, None, np.array([1.0, 1.0]))
    f, g, h = quadratic(1000)
    out["problems"]["quadratic1000"] = run(f, g, h, np.zeros(1000))
    # the bench's solve (bench/optim.ts): Rosenbrock n = 1,000 from rosenbrockPoint(1000)
    x0 = rosenbrock_point(1000)
    out["bench"] = {
        "rosenbrock1000": {
            "x0head": [float(v) for v in x0[:3]],
            "bfgs": record(
                minimize(rosen, x0, jac=rosen_der, method="BFGS", options={"gtol": GTOL, "maxiter": 200000}),
                rosen_der,
            ),
            "lbfgs": record(
                minimize(
                    rosen, x0, jac=rosen_der, method="L-BFGS-B",
                    options={"gtol": GTOL, "ftol": 0, "maxiter": 200000},
                ),
                rosen_der,
            ),
        }
    }
    path = pathlib.Path(__file__).resolve().parents[2] / "test/optim/fixtures/scipy.json"
    path.write_text(json.dumps(out, indent=1) + "\n")

if __name__ == "__main__":
    main()
