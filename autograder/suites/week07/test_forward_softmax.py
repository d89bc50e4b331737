"""Hidden checks for week07 `forward_softmax` (cell test_forward_softmax, 1.5 points).

forward_softmax runs with a correct stand-in for softmax (``with_stand_ins``),
so a mistake there is not counted again; its sigmoid is lecture_lib's.
What is new is checked here: softmax on the output layer, any depth and key
order, integer pixels; and that a layer's samples are computed at once, with
no Python loop over them (the contract's "vectorised").
"""

import numpy as np
import pytest

from autograder.checks import (Mistake, diagnose, expect, expect_float64, expect_unchanged, expect_vectorised,
                               uniform)
from autograder.texts import domain
from solutions import week07 as ref

_ = domain("week07")
pytestmark = [pytest.mark.cell("test_forward_softmax"), pytest.mark.isolated]

HINT = _("A1 = X (as float64); Z_l = A_(l-1)·W_l + b_l for l = 2, ..., L; A_l = sigmoid(Z_l) on the hidden "
         "layers and A_L = softmax(Z_L) on the output layer")
DEEP = (3, 4, 3, 4, 3, 4, 3, 4, 3, 4, 3, 5)  # 12 layers: W2 ... W12 (as strings, "W10" sorts before "W2")
DTYPES = ["int8", "uint8", "int32", "int64", "float32"]


def variant(X, params, kind):
    """The cache a known-wrong forward pass gives (grader-side)."""
    L = len(params) // 2 + 1
    A = np.asarray(X, dtype=np.float64)
    cache = {"A1": A}
    for l in range(2, L + 1):
        Z = A @ params[f"W{l}"] + params[f"b{l}"]
        if kind == "sigmoid_output":
            A = ref.sigmoid(Z)
        elif kind == "softmax_everywhere":
            A = ref.softmax(Z)
        elif kind == "no_output_activation":
            A = Z if l == L else ref.sigmoid(Z)
        cache[f"Z{l}"], cache[f"A{l}"] = Z, A
    return cache


MISTAKES = {
    "sigmoid_output": _("the output layer is sigmoid(Z_L) (week04's feed_forward): this week it is softmax(Z_L), "
                        "whose rows sum to 1"),
    "softmax_everywhere": _("softmax belongs to the OUTPUT layer only; the hidden layers keep the sigmoid, "
                            "A_l = sigmoid(Z_l)"),
    "no_output_activation": _("A_L is Z_L itself: apply softmax to the output layer, A_L = softmax(Z_L)"),
}


def check_cache(cache, X, params, what):
    expected = ref.forward_softmax(X, params)
    if isinstance(cache, np.ndarray):
        raise Mistake(_("returned one array; return the cache dict with A1 and Z_l, A_l of every layer (not only "
                        "the network's output)"), "returns_output_only", what)
    expect(isinstance(cache, dict), _("returned a {type}; return the cache dict {{'A1': ..., 'Z2': ..., 'A2': ..., "
                                      "...}}", type=type(cache).__name__), "return_type", what)
    missing = sorted(set(expected) - set(cache), key=lambda k: (int(k[1:]), k))
    expect(not missing, _("the cache is missing {missing}; it holds A1, then Z_l and A_l for every layer "
                          "l = 2, ..., {last}", missing=", ".join(missing), last=len(params) // 2 + 1),
           "missing_keys", what)
    extra = sorted(set(cache) - set(expected))
    expect(not extra, _("the cache has unexpected keys {extra}; it holds only A1 and Z_l, A_l",
                        extra=", ".join(map(str, extra))), "extra_keys", what)
    variants = {kind: variant(X, params, kind) for kind in MISTAKES}
    for key in sorted(expected, key=lambda k: (int(k[1:]), k)):
        diagnose(cache[key], expected[key], _("cache['{key}'] of {network}", key=key, network=what), HINT,
                 {(kind, MISTAKES[kind]): variants[kind][key] for kind in MISTAKES})
    return cache


def forward(with_stand_ins, network, sizes, m, order=None):
    X, _t, _T, params = network(sizes, m)
    if order is not None:
        params = {key: params[key] for key in order}
    what = network.describe(params, m)
    # another depth than the 64-32-10 network's three layers, or another key order: an error there is named
    cache = with_stand_ins("forward_softmax", X, params, what=what, deep=len(sizes) != 3 or order is not None).value
    return check_cache(cache, X, params, what)


NETWORKS = {"2-layer": ((4, 3), 5), "3-layer": ((5, 6, 4), 4), "3-layer, one sample": ((3, 5, 10), 1),
            "12-layer": (DEEP, 3)}


@pytest.mark.parametrize("sizes, m", NETWORKS.values(), ids=NETWORKS.keys())
def test_values(with_stand_ins, network, sizes, m):
    forward(with_stand_ins, network, sizes, m)


def test_any_key_order(with_stand_ins, network):
    forward(with_stand_ins, network, (3, 5, 4, 3), 4, order=["b3", "W4", "W2", "b4", "b2", "W3"])


def test_dtypes(with_stand_ins, network, rng):
    # pixels as integers (the digits are 0-16), and float32: the cache is float64 all the same
    _X, _t, _T, params = network((4, 5, 3), 4)
    for dtype in DTYPES:
        X = rng.integers(0, 17, size=(4, 4)).astype(dtype)
        what = _("X of dtype {dtype}", dtype=dtype)
        cache = check_cache(with_stand_ins("forward_softmax", X, params, what=what).value, X, params, what)
        expect_float64(cache["A1"], _("cache['A1'] for X of dtype {dtype}", dtype=dtype))


@pytest.mark.side
def test_float64_and_keeps_inputs(with_stand_ins, network, rng):
    # an integer X, as the digits' pixels come: every entry of the cache is float64, and X and params stay
    _X, _t, _T, params = network((2, 4, 3), 3)
    X = rng.integers(0, 17, size=(3, 2))
    reply = with_stand_ins("forward_softmax", X, params, return_args=True)
    what = _("an integer X")
    cache = check_cache(reply.value, X, params, what)
    for key in cache:
        expect_float64(cache[key], _("cache['{key}'] for an integer X", key=key))
    X_after, params_after = reply.args
    expect_unchanged(X, X_after, _("forward_softmax (its argument X)"))
    expect(isinstance(params_after, dict) and set(params_after) == set(params),
           _("forward_softmax added or removed keys of params; keep the cache in a new dict"), "changes_input",
           _("forward_softmax (its argument params)"))
    for key, value in params.items():
        expect_unchanged(value, params_after[key], _("forward_softmax (params['{key}'])", key=key))



@pytest.mark.side
def test_vectorised(student, stand_ins, network, rng):
    _X, _t, _T, params = network((2, 3, 2), 2)
    expect_vectorised(student, "forward_softmax", [uniform("n", 2, low=-2.0, high=2.0), params], ref.forward_softmax,
                      rng=rng, via=stand_ins["forward_softmax"].helper("run"),
                      what=_("forward_softmax for m samples"))
