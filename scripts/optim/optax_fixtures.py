"""Reference optimizer trajectories and schedule values from optax, for test/optim.

Run: python3 scripts/optim/optax_fixtures.py  (needs optax and jax; an oracle, not a test
dependency). Writes test/optim/fixtures/optax.json.
"""
import json
import pathlib

import jax

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402
import optax  # noqa: E402

C = jnp.array([1.0, 3.0, 0.5])
T = jnp.array([0.5, -1.0, 2.0])


def loss(p):
    return jnp.sum(C * (p["w"] - T) ** 2) + (p["b"] - 1.0) ** 4


def trajectory(opt, steps=6):
    params = {"w": jnp.array([0.0, 0.0, 0.0]), "b": jnp.array(0.3)}
    state = opt.init(params)
    out = []
    for _ in range(steps):
        g = jax.grad(loss)(params)
        updates, state = opt.update(g, state, params)
        params = optax.apply_updates(params, updates)
        out.append({"w": [float(v) for v in params["w"]], "b": float(params["b"])})
    return out


OPTIMIZERS = {
    "sgd": (optax.sgd(0.05), {"kind": "sgd", "lr": 0.05}),
    "sgd-momentum": (optax.sgd(0.05, momentum=0.9), {"kind": "sgd", "lr": 0.05, "momentum": 0.9}),
    "sgd-nesterov": (
        optax.sgd(0.05, momentum=0.9, nesterov=True),
        {"kind": "sgd", "lr": 0.05, "momentum": 0.9, "nesterov": True},
    ),
    "adam": (optax.adam(0.1), {"kind": "adam", "lr": 0.1}),
    "adam-b": (
        optax.adam(0.05, b1=0.8, b2=0.99, eps=1e-6),
        {"kind": "adam", "lr": 0.05, "b1": 0.8, "b2": 0.99, "eps": 1e-6},
    ),
    "adamw": (optax.adamw(0.1, weight_decay=0.1), {"kind": "adamw", "lr": 0.1, "weightDecay": 0.1}),
    "rmsprop": (optax.rmsprop(0.01), {"kind": "rmsprop", "lr": 0.01}),
    "rmsprop-momentum": (
        optax.rmsprop(0.01, decay=0.8, momentum=0.5),
        {"kind": "rmsprop", "lr": 0.01, "decay": 0.8, "momentum": 0.5},
    ),
    "adagrad": (optax.adagrad(0.2), {"kind": "adagrad", "lr": 0.2}),
    "lion": (optax.lion(0.01), {"kind": "lion", "lr": 0.01}),
    "lion-wd": (
        optax.lion(0.01, b1=0.8, weight_decay=0.5),
        {"kind": "lion", "lr": 0.01, "b1": 0.8, "weightDecay": 0.5},
    ),
    "clip-adam-cosine": (
        optax.chain(
            optax.clip_by_global_norm(1.0),
            optax.adam(optax.cosine_decay_schedule(0.1, 4)),
        ),
        {"kind": "clip-adam-cosine"},
    ),
}

SCHEDULES = {
    "constant": (optax.constant_schedule(0.3), ["constant", 0.3]),
    "exponential": (optax.exponential_decay(1.0, 5, 0.5), ["exponentialDecay", 1.0, 5, 0.5, {}]),
    "exponential-staircase": (
        optax.exponential_decay(1.0, 4, 0.5, transition_begin=3, staircase=True, end_value=0.2),
        ["exponentialDecay", 1.0, 4, 0.5, {"transitionBegin": 3, "staircase": True, "endValue": 0.2}],
    ),
    "cosine": (optax.cosine_decay_schedule(2.0, 20, alpha=0.1), ["cosineDecay", 2.0, 20, {"alpha": 0.1}]),
    "cosine-exponent": (
        optax.cosine_decay_schedule(1.0, 10, exponent=2.0),
        ["cosineDecay", 1.0, 10, {"exponent": 2.0}],
    ),
    "warmup-cosine": (
        optax.warmup_cosine_decay_schedule(0.0, 1.0, 5, 25, end_value=0.05),
        ["warmupCosineDecay", 0.0, 1.0, 5, 25, {"endValue": 0.05}],
    ),
    "piecewise": (
        optax.piecewise_constant_schedule(1.0, {4: 0.5, 10: 0.1}),
        ["piecewiseConstant", 1.0, {"4": 0.5, "10": 0.1}],
    ),
}


def main():
    out = {"optax": optax.__version__, "optimizers": {}, "schedules": {}}
    for name, (opt, spec) in OPTIMIZERS.items():
        out["optimizers"][name] = {"spec": spec, "params": trajectory(opt)}
    for name, (schedule, spec) in SCHEDULES.items():
        values = [float(schedule(jnp.array(t))) for t in range(31)]
        out["schedules"][name] = {"spec": spec, "values": values}
    path = pathlib.Path(__file__).resolve().parents[2] / "test/optim/fixtures/optax.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
