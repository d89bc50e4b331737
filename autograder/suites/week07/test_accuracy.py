"""Hidden checks for week07 `accuracy` (cell test_accuracy, 1 point).

accuracy runs with a correct stand-in for forward_softmax (and softmax), so
a mistake there is not counted again. The labels are chosen so that a known
share of the predictions is right.
"""

import numpy as np
import pytest

from autograder.checks import (ATOL, RTOL, Mistake, expect, expect_unchanged, expect_vectorised, integers, kind_of,
                               uniform)
from autograder.checks.expect import with_hint
from autograder.texts import domain
from solutions import week07 as ref

_ = domain("week07")
pytestmark = [pytest.mark.cell("test_accuracy"), pytest.mark.isolated]

HINT = _("the predicted class of a sample is the argmax of its row of forward_softmax(X, params)['AL'] "
         "(axis=1); accuracy is the fraction of samples whose predicted class equals t, a float in [0, 1]")
DTYPES = ["int8", "uint8", "int32", "int64"]
ARGMAX_AXIS = _("the predictions are np.argmax(AL, axis=1): one class per sample (row), to compare with the integer "
                "labels t (m,) directly; axis=0 gives the most probable sample of each class")


def labels(rng, X, params, right):
    """Integer labels (m,) of which exactly ``right`` match the network's predictions."""
    predicted = np.argmax(ref.forward_softmax(X, params)[f"A{len(params) // 2 + 1}"], axis=1)
    k = params[f"b{len(params) // 2 + 1}"].size
    t = (predicted + rng.integers(1, k, size=predicted.size)) % k  # every one wrong ...
    hits = rng.permutation(predicted.size)[:right]
    t[hits] = predicted[hits]  # ... but these
    return t


def check(value, X, t, params, what):
    expect(not isinstance(value, np.ndarray),
           _("returned an array of shape {shape}; accuracy is one number, the fraction of right predictions",
             shape=getattr(value, "shape", "?")), "return_type", what)
    expect(isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_)),
           _("returned {value}; return the fraction as a Python float (float(np.mean(...)))", value=kind_of(value)),
           "return_type", what)
    expected, m = ref.accuracy(X, t, params), len(X)
    if not np.isclose(float(value), expected, rtol=RTOL, atol=ATOL):
        if axis0(X, t, params) is not None and np.isclose(float(value), axis0(X, t, params)):
            raise Mistake(ARGMAX_AXIS, "argmax_axis", what)
        cache, L = ref.forward_softmax(X, params), len(params) // 2 + 1
        for layer in range(2, L):  # a hidden layer's activations taken for the output
            if np.isclose(float(value), np.mean(np.argmax(cache[f"A{layer}"], axis=1) == np.asarray(t))):
                raise Mistake(_("the predictions came from cache['A{layer}'], a hidden layer: the output layer is "
                                "A_L, with L = (the number of keys of params) / 2 + 1 (here L = {L}), whatever "
                                "the order of the keys", layer=layer, L=L), "wrong_layer", what)
        if np.isclose(float(value), expected * m):
            raise Mistake(_("is the NUMBER of right predictions; accuracy is their fraction: divide by m, the "
                            "number of samples"), "count_not_fraction", what)
        if np.isclose(float(value), 100 * expected):
            raise Mistake(_("is a percentage (0 to 100); accuracy is the fraction, between 0 and 1"), "percent",
                          what)
        if np.isclose(float(value), 1 - expected):
            raise Mistake(_("is the share of WRONG predictions (1 − accuracy); count the samples whose predicted "
                            "class EQUALS t"), "error_rate", what)
        raise Mistake(_("is {value:g}, not the fraction of right predictions — {hint}", value=float(value),
                        hint=HINT), where=what)
    expect(isinstance(value, float), _("returned {value}; return the fraction as a Python float "
                                       "(float(np.mean(...)))", value=kind_of(value)), "return_type", what)


def axis0(X, t, params):
    """What np.argmax(AL, axis=0) compared with t gives (None where the shapes do not broadcast)."""
    AL = ref.forward_softmax(X, params)[f"A{len(params) // 2 + 1}"]
    try:
        return float(np.mean(np.argmax(AL, axis=0) == np.asarray(t)))
    except ValueError:
        return None


def accuracy(with_stand_ins, X, t, params, what, deep=False):
    def explain(exc):
        if exc.exc_type == "ValueError" and "broadcast" in exc.exc_message:
            return Mistake(with_hint(exc.text, ARGMAX_AXIS), "argmax_axis", what)
        return None
    return with_stand_ins("accuracy", X, t, params, what=what, deep=deep, explain=explain).value


NETWORKS = {"3-layer, 4 of 7 right": ((4, 5, 3), 7, 4), "2-layer, 5 of 6 right": ((3, 6), 6, 5),
            "3 samples, 3 classes, none right": ((2, 4, 3), 3, 0), "one sample, right": ((3, 4, 5), 1, 1)}


@pytest.mark.parametrize("sizes, m, right", NETWORKS.values(), ids=NETWORKS.keys())
def test_values(with_stand_ins, network, rng, sizes, m, right):
    X, _t, _T, params = network(sizes, m)
    t = labels(rng, X, params, right)
    what = _("accuracy with {right} of {m} predictions right, {network}", right=right, m=m,
             network=network.describe(params, m))
    check(accuracy(with_stand_ins, X, t, params, what, deep=len(sizes) != 3), X, t, params, what)


def test_any_depth_and_key_order(with_stand_ins, network, rng):
    X, _t, _T, params = network((3, 5, 4, 4), 8)
    params = {key: params[key] for key in ["b3", "W4", "W2", "b4", "b2", "W3"]}
    t = labels(rng, X, params, 5)
    what = _("accuracy with 5 of 8 predictions right, {network}", network=network.describe(params, 8))
    check(accuracy(with_stand_ins, X, t, params, what, deep=True), X, t, params, what)


def test_label_types(with_stand_ins, network, rng):
    # labels of every integer dtype, and as a Python list
    X, _t, _T, params = network((3, 4, 4), 6)
    for dtype in [*DTYPES, "list"]:
        t = labels(rng, X, params, int(rng.integers(1, 6)))
        t = t.tolist() if dtype == "list" else t.astype(dtype)
        what = _("accuracy for labels t given as {kind}", kind=dtype)
        check(accuracy(with_stand_ins, X, t, params, what), X, t, params, what)


@pytest.mark.side
def test_keeps_inputs(with_stand_ins, network, rng):
    X, _t, _T, params = network((3, 4, 3), 5)
    t = labels(rng, X, params, 3)
    reply = with_stand_ins("accuracy", X, t, params, return_args=True)
    X_after, t_after, params_after = reply.args
    expect_unchanged(X, X_after, _("accuracy (its argument X)"))
    expect_unchanged(t, t_after, _("accuracy (its argument t)"))
    for key, value in params.items():
        expect_unchanged(value, params_after[key], _("accuracy (params['{key}'])", key=key))


@pytest.mark.side
def test_vectorised(student, stand_ins, network, rng):
    _X, _t, _T, params = network((2, 3, 2), 2)
    expect_vectorised(student, "accuracy", [uniform("n", 2, low=-2.0, high=2.0), integers("n", high=2), params],
                      ref.accuracy, rng=rng, via=stand_ins["accuracy"].helper("run"), what=_("accuracy for m samples"))
