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


def main():
    out = {"scipy": scipy.__version__, "gtol": GTOL, "problems": {}}
    out["problems"]["rosenbrock"] = run(rosen, rosen_der, rosen_hess, np.array([-1.2, 1.0]))
    out["problems"]["beale"] = run(beale, beale_grad, None, np.array([1.0, 1.0]))
    f, g, h = quadratic(1000)
    out["problems"]["quadratic1000"] = run(f, g, h, np.zeros(1000))
    path = pathlib.Path(__file__).resolve().parents[2] / "test/optim/fixtures/scipy.json"
    path.write_text(json.dumps(out, indent=1) + "\n")

if __name__ == "__main__":
    main()
