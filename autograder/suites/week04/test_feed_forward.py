"""Hidden checks for week04 `feed_forward` (cell test_feed_forward, 3 points).

feed_forward runs with correct stand-ins for layer_forward and a_node
(the ``independent`` fixture), so a mistake there is not counted again;
expected values come from the reference, with the reference sigmoid the
notebook imports from lecture_lib.
"""

import numpy as np
import pytest

from autograder.checks import Mistake, diagnose, expect, expect_float64, expect_unchanged, expect_vectorised, uniform
from autograder.checks.expect import with_hint
from autograder.sandbox.errors import RaisedError
from autograder.texts import domain
from solutions import week04 as ref

_ = domain("week04")
pytestmark = [pytest.mark.cell("test_feed_forward"), pytest.mark.isolated]

# nodes per layer, input layer first: no hidden layer, one, two, and a deep network (12 layers, W2 ... W12)
NETWORKS = {"2-layer": (3, 2), "3-layer": (2, 4, 1), "4-layer": (3, 5, 4, 2),
            "12-layer": (3, 4, 2, 5, 3, 4, 2, 3, 5, 2, 4, 1)}
HINT = _("A1 = X, then Z_l = A_(l-1)·W_l + b_l and A_l = sigmoid(Z_l) for l = 2, ..., L")
KEY_NETWORKS = ["2-layer", "3-layer", "12-layer"]
INPUT_LAYER = ("sigmoid_on_input", _("A1 = sigmoid(X)? The input layer has no activation: a^(1) = x"))


def key_order(keys):
    return _("the cache is right when params lists its keys as W2, b2, W3, b3, ..., but not when it lists them "
             "in another order ({keys}): a dict's keys come in any order, so fetch each layer's "
             "params['W<l>'] and params['b<l>'] by its name", keys=keys)


def make_params(rng, sizes):
    params = {}
    for layer, (n_prev, n_next) in enumerate(zip(sizes[:-1], sizes[1:]), start=2):
        params[f"W{layer}"] = rng.normal(0.0, 1.5, size=(n_prev, n_next))
        params[f"b{layer}"] = rng.normal(0.0, 1.0, size=n_next)
    return params


def reordered(rng, params):
    """``params`` with its keys in another order, never starting with W2 (so b3 may come before W2)."""
    keys = list(params)
    while True:
        order = [keys[k] for k in rng.permutation(len(keys))]
        if order[0] != "W2" and order != keys:
            return {key: params[key] for key in order}


def forward(independent, X, params, **options):
    """The student's feed_forward (with correct helpers); a KeyError or a shape error says what to look at."""
    what = "feed_forward(X, params)"
    try:
        return independent("feed_forward", X, params, **options)
    except RaisedError as exc:
        if exc.exc_type == "KeyError":
            raise Mistake(with_hint(exc.text, _("this params has the keys {keys}: find the layers from the keys "
                                                "of params, however many there are", keys=", ".join(params))),
                          "key_error", what) from None
        if exc.exc_type == "ValueError":
            raise Mistake(with_hint(exc.text, _("the shapes did not fit: layer l takes A_(l-1), params['W<l>'] "
                                                "and params['b<l>'], for l = 2, 3, ..., L in that order")),
                          "shape_error", what) from None
        raise


def expect_cache_dict(cache, what):
    """The cache is a dict numbered from 1 (named mistakes)."""
    if isinstance(cache, np.ndarray):
        raise Mistake(_("returned one array; return the cache dict with A1 and Z_l, A_l of every layer (not "
                        "only the network's output)"), "returns_output_only", what)
    expect(isinstance(cache, dict), _("returned a {type}; return the cache dict {{'A1': ..., 'Z2': ..., "
                                      "'A2': ..., ...}}", type=type(cache).__name__), "return_type", what)
    expect("A0" not in cache and "Z1" not in cache,
           _("the cache has keys {keys}; layers are numbered from 1, so the input is A1 and the first computed "
             "layer is Z2, A2", keys=sorted(cache)), "zero_based_keys", what)


def check_cache(cache, expected, what):
    """The cache is a dict with exactly the expected keys (named mistakes)."""
    expect_cache_dict(cache, what)
    keys, wanted = set(cache), set(expected)
    last = max(int(k[1:]) for k in wanted)
    missing = sorted(wanted - keys, key=lambda k: (int(k[1:]), k))
    expect(not missing or any(k in keys for k in missing) or missing[0] in ("A1", "Z2"),
           _("the cache has no {missing}; the network has {last} layers (params has W2 ... W{last}): feed forward "
             "through every layer, however many there are", missing=", ".join(missing), last=last),
           "missing_layers", what)
    expect(not missing, _("the cache is missing {missing}; it holds A1, then Z_l and A_l for every layer "
                          "l = 2, ..., {last}", missing=", ".join(missing), last=last), "missing_keys", what)
    extra = sorted(keys - wanted)
    expect(not extra, _("the cache has unexpected keys {extra}; it holds only A1 and Z_l, A_l", extra=extra),
           "extra_keys", what)


def check_values(cache, X, params, what):
    expected = ref.feed_forward(X, params)
    expect_cache_dict(cache, what)
    for key, value in expected.items():
        expect(key in cache, _("the cache has no {key}: feed forward through every layer", key=key),
               "missing_keys", what)
        mistakes = {INPUT_LAYER: ref.sigmoid(X)} if key == "A1" else {}
        diagnose(cache[key], value, _("cache['{key}'] of {what}", key=key, what=what), HINT, mistakes)


@pytest.mark.parametrize("sizes", [NETWORKS[k] for k in KEY_NETWORKS], ids=KEY_NETWORKS)
def test_cache_keys(independent, rng, sizes):
    X, params = rng.normal(size=(4, sizes[0])), make_params(rng, sizes)
    cache = forward(independent, X, params).value
    check_cache(cache, ref.feed_forward(X, params), _("feed_forward for a {n}-layer network", n=len(sizes)))


@pytest.mark.parametrize("sizes", NETWORKS.values(), ids=NETWORKS.keys())
def test_values(independent, rng, sizes):
    X, params = rng.normal(size=(5, sizes[0])), make_params(rng, sizes)
    cache = forward(independent, X, params).value
    check_values(cache, X, params, _("a {n}-layer network", n=len(sizes)))


def test_params_in_any_key_order(independent, rng):
    sizes = (3, 4, 3, 2)
    X, params = rng.normal(size=(4, sizes[0])), make_params(rng, sizes)
    shuffled = reordered(rng, params)
    what = _("a {n}-layer network whose params lists its keys as {keys}", n=len(sizes), keys=", ".join(shuffled))
    try:
        cache = forward(independent, X, shuffled).value
        check_cache(cache, ref.feed_forward(X, params), what)
        check_values(cache, X, params, what)
    except Mistake as failed:
        # the evidence for the key order: the same network, its keys in the usual order, comes out right
        try:
            usual = forward(independent, X, params).value
            check_cache(usual, ref.feed_forward(X, params), what)
            check_values(usual, X, params, what)
        except Mistake:
            raise failed from None
        raise Mistake(key_order(", ".join(shuffled)), "key_order", what) from None


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int32", "int64", "float32"])
def test_input_layer_is_x(independent, rng, dtype):
    X = rng.integers(0, 2, size=(4, 2)).astype(dtype)
    params = make_params(rng, (2, 3, 1))
    cache = forward(independent, X, params).value
    what = _("cache['A1'] for X of dtype {dtype}", dtype=dtype)
    expect_cache_dict(cache, what)
    expect("A1" in cache, _("the cache has no A1 (the input layer, A1 = X)"), "missing_keys", what)
    A1 = diagnose(cache["A1"], X, what, _("A1 is the input X itself (as float64)"), {INPUT_LAYER: ref.sigmoid(X)})
    expect_float64(A1, what)
    check_values(cache, X, params, _("X of dtype {dtype}", dtype=dtype))


def test_single_1d_sample(independent, rng):
    sizes = (3, 4, 2, 1)
    params = make_params(rng, sizes)
    x = rng.normal(size=sizes[0])
    cache = forward(independent, x, params).value
    check_values(cache, x, params, _("one 1-D sample x {shape}", shape=x.shape))


@pytest.mark.side
def test_every_entry_is_float64(independent, rng):
    X, params = rng.integers(0, 3, size=(3, 2)), make_params(rng, (2, 4, 3, 1))
    cache = forward(independent, X, params).value
    check_cache(cache, ref.feed_forward(X, params), "feed_forward(X, params)")
    for key in cache:
        expect_float64(cache[key], _("cache['{key}'] for an integer X", key=key))


@pytest.mark.side
@pytest.mark.parametrize("shape", [(3, 2), (2,)], ids=["batch", "one sample"])
def test_keeps_inputs(independent, rng, shape):
    X, params = rng.normal(size=shape), make_params(rng, (2, 3, 1))
    reply = forward(independent, X, params, return_args=True)
    X_after, params_after = reply.args
    expect_unchanged(X, X_after, _("feed_forward (its argument X)"))
    expect(isinstance(params_after, dict) and set(params_after) == set(params),
           _("feed_forward added or removed keys of params; keep the cache in a new dict"), "changes_input",
           _("feed_forward (its argument params)"))
    for key, value in params.items():
        expect_unchanged(value, params_after[key], _("feed_forward (params['{key}'])", key=key))


@pytest.mark.side
def test_vectorised(student, stand_ins, rng):
    params = make_params(rng, (3, 4, 2))
    expect_vectorised(student, "feed_forward", [uniform("n", 3, low=-2.0, high=2.0), params], ref.feed_forward,
                      rng=rng, via=stand_ins.helper("run"), what=_("feed_forward for m samples"))
