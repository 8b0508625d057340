"""JAX (XLA, CPU) as a peer of `npm run bench`: the same cases as bench/cases.ts, under jax.jit,
in float64 (jax_enable_x64) and float32, timed here (medians, block_until_ready) and written as
JSON. Usage: python jax_peer.py INPUTS.json OUTPUT.json WARMUP_MS SAMPLES MIN_SAMPLE_MS
"""

import json
import sys
import time

import jax

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402  (after the x64 switch)

FLOW_STEPS, FLOW_H, FLOW_G = 1000, 0.01, 9.81


def rosen(x):
    a, b = x[:-1], x[1:]
    t = b - a * a
    return jnp.sum(100 * t * t + (1 - a) ** 2)


def residuals(x):
    a, b = x[:-1], x[1:]
    return jnp.concatenate([10 * (b - a * a), 1 - a])


def elementwise(x):
    return jnp.sin(x) * x * x + jnp.exp(-x)


def mlp_loss(params, xs, one_hot):
    w1, b1, w2, b2 = params
    h = jax.nn.relu(xs @ w1 + b1)
    logits = h @ w2 + b2
    return -jnp.sum(jax.nn.log_softmax(logits) * one_hot) / xs.shape[0]


def rk4(s, _):
    def field(x):
        return jnp.stack([x[1], -FLOW_G * jnp.sin(x[0])])

    k1 = field(s)
    k2 = field(s + FLOW_H / 2 * k1)
    k3 = field(s + FLOW_H / 2 * k2)
    k4 = field(s + FLOW_H * k3)
    return s + FLOW_H / 6 * (k1 + 2 * k2 + 2 * k3 + k4), None


def flow(s):
    return jax.lax.scan(rk4, s, None, length=FLOW_STEPS)[0]


def cases(inputs, dtype):
    """case id -> (jitted function, its arguments)."""
    vec = {k: jnp.asarray(inputs[k], dtype) for k in ("x10", "x1k", "x100k")}
    s0 = jnp.asarray(inputs["s0"], dtype)
    m = inputs["mlp"]
    b, i, h, c = m["batch"], m["inputs"], m["hidden"], m["classes"]
    params = (
        jnp.asarray(m["w1"], dtype).reshape(i, h),
        jnp.asarray(m["b1"], dtype),
        jnp.asarray(m["w2"], dtype).reshape(h, c),
        jnp.asarray(m["b2"], dtype),
    )
    xs = jnp.asarray(m["x"], dtype).reshape(b, i)
    one_hot = jnp.asarray(m["oneHot"], dtype).reshape(b, c)
    out = {}
    for size, key in (("10", "x10"), ("1k", "x1k"), ("100k", "x100k")):
        out[f"rosen-f-{size}"] = (jax.jit(rosen), (vec[key],))
        out[f"rosen-grad-{size}"] = (jax.jit(jax.grad(rosen)), (vec[key],))
    out["mlp-f"] = (jax.jit(mlp_loss), (params, xs, one_hot))
    out["mlp-grad"] = (jax.jit(jax.grad(mlp_loss)), (params, xs, one_hot))
    out["elem-jac-1k"] = (jax.jit(jax.jacrev(elementwise)), (vec["x1k"],))
    out["resid-jac-1k"] = (jax.jit(jax.jacfwd(residuals)), (vec["x1k"],))
    out["rosen-hess-1k"] = (jax.jit(jax.hessian(rosen)), (vec["x1k"],))
    out["rk4-flow-scan"] = (jax.jit(flow), (s0,))
    out["rk4-jac-scan"] = (jax.jit(jax.jacfwd(flow)), (s0,))
    return out


def flat(result):
    leaves = jax.tree_util.tree_leaves(result)
    return [float(v) for leaf in leaves for v in jnp.ravel(leaf).tolist()]


def timed(fn, args, warmup_ms, samples, min_sample_ms):
    """Median time of one call (ms): warm-up, then samples of enough calls to last min_sample_ms."""
    start = time.perf_counter()
    last = 0.0
    calls = 0
    while calls < 3 or (time.perf_counter() - start) * 1e3 < warmup_ms:
        t0 = time.perf_counter()
        jax.block_until_ready(fn(*args))
        last = (time.perf_counter() - t0) * 1e3
        calls += 1
    repeat = max(1, int(min_sample_ms / max(last, 1e-4)) + 1)
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        for _ in range(repeat):
            jax.block_until_ready(fn(*args))
        times.append((time.perf_counter() - t0) * 1e3 / repeat)
    times.sort()
    mid = len(times) // 2
    return times[mid] if len(times) % 2 else (times[mid - 1] + times[mid]) / 2


def main():
    inputs_path, output_path, warmup_ms, samples, min_sample_ms = sys.argv[1:6]
    with open(inputs_path) as f:
        inputs = json.load(f)
    report = {"version": jax.__version__, "device": str(jax.devices()[0]), "cases": {}}
    for name, dtype in (("float64", jnp.float64), ("float32", jnp.float32)):
        for case_id, (fn, args) in cases(inputs, dtype).items():
            try:
                result = flat(fn(*args))
                ms = timed(fn, args, float(warmup_ms), int(samples), float(min_sample_ms))
                report["cases"].setdefault(case_id, {})[name] = {"ms": ms, "result": result}
            except Exception as e:  # a case JAX cannot run is reported, not fatal
                report["cases"].setdefault(case_id, {})[name] = {"error": str(e)[:120]}
            print(f"{case_id:18} JAX {name} done", file=sys.stderr, flush=True)
    with open(output_path, "w") as f:
        json.dump(report, f)


if __name__ == "__main__":
    main()
