"""Reference bits and samples from jax.random (Threefry-2x32, partitionable, float64), for
test/random.

Run: python3 scripts/optim/jax_random_fixtures.py  (needs jax; an oracle, not a test
dependency). Writes test/random/fixtures/jax-random.json.
"""
import json
import pathlib

import jax

jax.config.update("jax_enable_x64", True)
jax.config.update("jax_threefry_partitionable", True)
import jax.numpy as jnp  # noqa: E402
from jax import random  # noqa: E402


def key(seed):
    return random.PRNGKey(seed)


def words(k):
    return [int(v) for v in random.key_data(k).reshape(-1)]


def floats(x):
    return [float(v) for v in jnp.ravel(x)]


def ints(x):
    return [int(v) for v in jnp.ravel(x)]


out = {
    "jax": jax.__version__,
    "keys": {str(s): words(key(s)) for s in [0, 1, 42, 2**32 + 5, -1]},
    "split": {"seed": 0, "n": 3, "keys": [words(k) for k in random.split(key(0), 3)]},
    "split2": {"seed": 7, "keys": [words(k) for k in random.split(key(7))]},
    "foldIn": {"seed": 0, "data": 7, "key": words(random.fold_in(key(0), 7))},
    "bits": {
        "seed": 3,
        "shape": [5],
        "hi": ints(random.bits(key(3), (5,), jnp.uint64) >> 32),
        "lo": ints(random.bits(key(3), (5,), jnp.uint64) & 0xFFFFFFFF),
    },
    "uniform": {"seed": 1, "shape": [2, 3], "values": floats(random.uniform(key(1), (2, 3)))},
    "uniformRange": {
        "seed": 1,
        "shape": [4],
        "minval": -2.0,
        "maxval": 5.0,
        "values": floats(random.uniform(key(1), (4,), minval=-2.0, maxval=5.0)),
    },
    "normal": {"seed": 2, "shape": [7], "values": floats(random.normal(key(2), (7,)))},
    "bernoulli": {
        "seed": 3,
        "p": 0.3,
        "shape": [10],
        "values": ints(random.bernoulli(key(3), 0.3, (10,))),
    },
    "categorical": {
        "seed": 4,
        "logits": [[0.1, 1.0, -0.5, 2.0], [1.5, 0.0, 0.3, -1.0], [0.0, 0.0, 0.0, 0.0]],
        "values": ints(
            random.categorical(
                key(4),
                jnp.array([[0.1, 1.0, -0.5, 2.0], [1.5, 0.0, 0.3, -1.0], [0.0, 0.0, 0.0, 0.0]]),
            )
        ),
    },
    "categoricalShape": {
        "seed": 6,
        "logits": [0.2, -1.0, 0.7],
        "shape": [8],
        "values": ints(random.categorical(key(6), jnp.array([0.2, -1.0, 0.7]), shape=(8,))),
    },
    "truncatedNormal": {
        "seed": 5,
        "lower": -1.0,
        "upper": 2.0,
        "shape": [6],
        "values": floats(random.truncated_normal(key(5), -1.0, 2.0, (6,))),
    },
    "splitThenNormal": {
        "seed": 9,
        "values": floats(random.normal(random.split(key(9))[1], (3,))),
    },
}

path = pathlib.Path(__file__).resolve().parents[2] / "test" / "random" / "fixtures" / "jax-random.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print(f"wrote {path}")
