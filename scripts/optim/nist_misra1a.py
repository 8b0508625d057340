"""NIST StRD Misra1a (y = b1 (1 − exp(−b2 x)), 14 observations, lower difficulty) for test/optim.

The data and certified values are those of https://www.itl.nist.gov/div898/strd/nls/data/misra1a.shtml.
Before writing test/optim/fixtures/misra1a.json this script checks them: scipy's least_squares
from both NIST starting points must reproduce the certified parameters (1e-8 relative), their
standard deviations and the residual sum of squares; otherwise it writes nothing.
"""
import json
import pathlib
import sys

import numpy as np
from scipy.optimize import least_squares

Y = [10.07, 14.73, 17.94, 23.93, 29.61, 35.18, 40.02, 44.82, 50.76, 55.05, 61.01, 66.40, 75.47, 81.78]
X = [77.6, 114.9, 141.1, 190.8, 239.9, 289.0, 332.8, 378.4, 434.8, 477.3, 536.8, 593.1, 689.1, 760.0]
CERTIFIED = {
    "b": [2.3894212918e02, 5.5015643181e-04],
    "sd": [2.7070075241e00, 7.2668688436e-06],
    "rss": 1.2455138894e-01,
}
STARTS = [[500.0, 1e-4], [250.0, 5e-4]]


def residuals(b):
    x = np.array(X)
    return b[0] * (1 - np.exp(-b[1] * x)) - np.array(Y)


def jacobian(b):
    x = np.array(X)
    return np.stack([1 - np.exp(-b[1] * x), b[0] * x * np.exp(-b[1] * x)], axis=1)


def check():
    for start in STARTS:
        fit = least_squares(
            residuals, start, jac=jacobian, method="lm", xtol=1e-15, ftol=1e-15, gtol=1e-15, x_scale="jac"
        )
        rel = np.abs(fit.x - CERTIFIED["b"]) / np.abs(CERTIFIED["b"])
        rss = float(fit.fun @ fit.fun)
        j = fit.jac
        s2 = rss / (len(Y) - 2)
        sd = np.sqrt(np.diag(s2 * np.linalg.inv(j.T @ j)))
        sd_rel = np.abs(sd - CERTIFIED["sd"]) / np.array(CERTIFIED["sd"])
        print(f"start {start}: b {fit.x}, rel {rel}, rss {rss:.10e}, sd {sd}, sd rel {sd_rel}, nfev {fit.nfev}")
        if not (np.all(rel < 1e-8) and abs(rss - CERTIFIED["rss"]) < 1e-9 and np.all(sd_rel < 1e-6)):
            return False
    return True


def main():
    if not check():
        print("scipy does not reproduce the certified values: the data is wrong, nothing written")
        sys.exit(1)
    out = {"problem": "Misra1a", "model": "b1 * (1 - exp(-b2 * x))", "x": X, "y": Y, "starts": STARTS, "certified": CERTIFIED}
    path = pathlib.Path(__file__).resolve().parents[2] / "test/optim/fixtures/misra1a.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
