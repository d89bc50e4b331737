"""Hidden checks for week04 `feed_forward` (cell test_feed_forward, 3 points).

feed_forward runs with correct stand-ins for layer_forward and a_node
(the ``independent`` fixture), so a mistake there is not counted again;
expected values come from the reference, with the reference sigmoid the
notebook imports from lecture_lib.
"""

import numpy as np
import pytest

from autograder.checks import Mistake, diagnose, expect, expect_float64, expect_unchanged, expect_vectorised, uniform
from autograder.sandbox.errors import RaisedError
from solutions import week04 as ref

pytestmark = [pytest.mark.cell("test_feed_forward"), pytest.mark.isolated]

# nodes per layer, input layer first
NETWORKS = {"2-layer": (3, 2), "3-layer": (2, 4, 1), "4-layer": (3, 5, 4, 2)}
HINT = "A1 = X, then Z_l = A_(l-1)·W_l + b_l and A_l = sigmoid(Z_l) for l = 2, ..., L"
INPUT_LAYER = "A1 = sigmoid(X)? The input layer has no activation: a^(1) = x"


def make_params(rng, sizes):
    params = {}
    for layer, (n_prev, n_next) in enumerate(zip(sizes[:-1], sizes[1:]), start=2):
        params[f"W{layer}"] = rng.normal(0.0, 1.5, size=(n_prev, n_next))
        params[f"b{layer}"] = rng.normal(0.0, 1.0, size=n_next)
    return params


def forward(independent, X, params, **options):
    """The student's feed_forward (with correct helpers); a KeyError names the likely mistake."""
    try:
        return independent("feed_forward", X, params, **options)
    except RaisedError as exc:
        if exc.exc_type == "KeyError":
            raise Mistake(f"{exc} — this params has the keys {', '.join(params)}: find the layers "
                          "from the keys of params, however many there are") from None
        raise


def check_values(cache, X, params, what):
    expected = ref.feed_forward(X, params)
    expect(isinstance(cache, dict), f"{what} should return the cache dict")
    for key, value in expected.items():
        expect(key in cache, f"the cache of {what} has no {key}: feed forward through every layer")
        mistakes = {INPUT_LAYER: ref.sigmoid(X)} if key == "A1" else {}
        diagnose(cache[key], value, f"cache['{key}'] of {what}", HINT, mistakes)


def check_cache(cache, expected, what):
    """The cache is a dict with exactly the expected keys (named mistakes)."""
    if isinstance(cache, np.ndarray):
        raise Mistake(f"{what} returned one array; return the cache dict with A1 and Z_l, A_l "
                      "of every layer (not only the network's output)")
    expect(isinstance(cache, dict), f"{what} returned a {type(cache).__name__}; return the cache dict "
           "{'A1': ..., 'Z2': ..., 'A2': ..., ...}")
    keys, wanted = set(cache), set(expected)
    expect("A0" not in keys and "Z1" not in keys,
           f"{what}: the cache has keys {sorted(keys)}; layers are numbered from 1, so the input is "
           "A1 and the first computed layer is Z2, A2")
    last = max(int(k[1:]) for k in wanted)
    missing = sorted(wanted - keys, key=lambda k: (int(k[1:]), k))
    expect(not missing or any(k in keys for k in missing) or missing[0] in ("A1", "Z2"),
           f"{what}: the cache has no {', '.join(missing)}; the network has {last} layers (params has "
           f"W2 ... W{last}): feed forward through every layer, however many there are")
    expect(not missing, f"{what}: the cache is missing {', '.join(missing)}; it holds A1, then Z_l and A_l "
           f"for every layer l = 2, ..., {last}")
    extra = sorted(keys - wanted)
    expect(not extra, f"{what}: the cache has unexpected keys {extra}; it holds only A1 and Z_l, A_l")


@pytest.mark.parametrize("sizes", NETWORKS.values(), ids=NETWORKS.keys())
def test_cache_keys(independent, rng, sizes):
    X, params = rng.normal(size=(4, sizes[0])), make_params(rng, sizes)
    cache = forward(independent, X, params).value
    check_cache(cache, ref.feed_forward(X, params), f"feed_forward for a {len(sizes)}-layer network")


@pytest.mark.parametrize("sizes", NETWORKS.values(), ids=NETWORKS.keys())
def test_values(independent, rng, sizes):
    X, params = rng.normal(size=(5, sizes[0])), make_params(rng, sizes)
    cache = forward(independent, X, params).value
    check_values(cache, X, params, f"a {len(sizes)}-layer network")


def test_input_layer_is_x(independent, rng):
    X = rng.integers(0, 2, size=(4, 2))
    params = make_params(rng, (2, 3, 1))
    cache = forward(independent, X, params).value
    expect(isinstance(cache, dict) and "A1" in cache, "the cache has no A1 (the input layer, A1 = X)")
    A1 = diagnose(cache["A1"], X, "cache['A1'] for an integer X", "A1 is the input X itself (as float64)",
                  {INPUT_LAYER: ref.sigmoid(X)})
    expect_float64(A1, "cache['A1'] for an integer X")


def test_single_1d_sample(independent, rng):
    params = make_params(rng, (3, 4, 2))
    x = rng.normal(size=3)
    cache = forward(independent, x, params).value
    check_values(cache, x, params, "one 1-D sample x (3,)")


@pytest.mark.side
def test_keeps_inputs(independent, rng):
    X, params = rng.normal(size=(3, 2)), make_params(rng, (2, 3, 1))
    reply = forward(independent, X, params, return_args=True)
    X_after, params_after = reply.args
    expect_unchanged(X, X_after, "feed_forward (its argument X)")
    expect(isinstance(params_after, dict) and set(params_after) == set(params),
           "feed_forward added or removed keys of params; keep the cache in a new dict")
    for key, value in params.items():
        expect_unchanged(value, params_after[key], f"feed_forward (params['{key}'])")


@pytest.mark.side
def test_vectorised(student, stand_ins, rng):
    params = make_params(rng, (3, 4, 2))
    expect_vectorised(student, "feed_forward", [uniform("n", 3, low=-2.0, high=2.0), params], ref.feed_forward, rng=rng,
                      via=stand_ins.helper("run"), what="feed_forward for m samples")
