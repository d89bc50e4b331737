"""Hidden checks for week06 `gradient_check` (cell test_gradient_check, 2 points).

loss_fn is the grader's summed cross-entropy of a sigmoid network, reading
the params dict gradient_check is given; the student's rel_error is
replaced by a correct one while gradient_check runs.
"""

import numpy as np
import pytest

from autograder.checks import Mistake, diagnose, expect, expect_unchanged, kind_of
from autograder.texts import domain
from solutions import week06 as ref

_ = domain("week06")
pytestmark = [pytest.mark.cell("test_gradient_check"), pytest.mark.isolated]

PASS_BELOW = 1e-4  # exact gradients on these networks stay far below
RTOL = 1e-4  # the same computation on both sides; room for last-digit rounding
HINT = _("for every key, the numerical derivative of loss_fn() w.r.t. params[key] compared with "
         "grads[key] by rel_error; return the largest over all keys")
COPY = _("a relative error of 1 means the numerical derivative came out 0 (or of the opposite sign): "
         "perturb the arrays of params themselves, in place, since loss_fn reads params, not a copy")
MEAN = ("mean_over_keys", _("return the LARGEST rel_error over all keys, not the mean"))
FIRST = ("first_key_only", _("check every key of params, not only the first"))
LAST = ("last_key_only", _("keep the largest rel_error over the keys (max), not the last key's"))
WEIGHTS = ("weights_only", _("check every key of params, the b's as well as the W's"))
ZERO = ("perturbs_a_copy", COPY)
# (sizes, {position of a key: factor its exact gradient is multiplied by}, the order of params or None)
CASES = {
    "4-layer": ((3, 4, 3, 2), {-1: 3.0, 1: 1.5}, None),
    "first key worst": ((2, 3, 2), {0: 3.0, -2: 1.5}, None),
    "mixed order": ((3, 4, 3, 2), {2: 1.5, 3: 3.0}, ["b3", "W4", "W2", "b4", "b2", "W3"]),
}


def expected(network_loss, params, grads, X, T, delta_x=1e-5):
    """The reference gradient_check on a copy of params, with the grader's loss."""
    params = {k: v.copy() for k, v in params.items()}
    return ref.gradient_check(lambda: network_loss(params, X, T), params, grads, delta_x)


def per_key(network_loss, params, grads, X, T, delta_x=1e-5):
    """{key: rel_error of grads[key] against the numerical derivative}, as the reference computes them."""
    params = {k: v.copy() for k, v in params.items()}
    f = lambda _x: network_loss(params, X, T)  # noqa: E731
    return {key: ref.rel_error(grads[key], ref.numerical_derivative(f, value, delta_x))
            for key, value in params.items()}


def forward_difference(network_loss, params, grads, X, T, delta_x):
    """What gradient_check gives with a forward difference (a known mistake)."""
    params = {k: v.copy() for k, v in params.items()}
    worst = 0.0
    for key, value in params.items():
        numeric = np.zeros_like(value)
        base = network_loss(params, X, T)
        for idx in np.ndindex(value.shape):
            saved = value[idx]
            value[idx] = saved + delta_x
            numeric[idx] = (network_loss(params, X, T) - base) / delta_x
            value[idx] = saved
        worst = max(worst, ref.rel_error(grads[key], numeric))
    return worst


def exact(params, X, T):
    return ref.backward(X, T, params, ref.feed_forward(X, params))


def test_exact_gradients_pass(network, check_gradients):
    X, T, params = network((2, 3, 1), 4)
    value = check_gradients(params, exact(params, X, T), X, T)[0]
    what = _("gradient_check with the exact gradients")
    expect(isinstance(value, float), _("returned {value}; return the largest rel_error, a float",
                                       value=kind_of(value)), "return_type", what)
    expect(not np.isclose(value, 1.0), _("gave {value:.3g} — {hint}", value=value, hint=COPY), ZERO[0], what)
    expect(0.0 <= value < PASS_BELOW, _("gave {value:.3g}, expected far below {limit:g} — {hint}", value=value,
                                        limit=PASS_BELOW, hint=HINT), where=what)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_worst_key(network, network_loss, check_gradients, case):
    sizes, factors, order = case
    X, T, params = network(sizes, 4)
    params = {key: params[key] for key in order} if order else params
    keys = list(params)
    grads = exact(params, X, T)
    grads = {key: grads[key] * factors.get(i, factors.get(i - len(keys), 1.0)) for i, key in enumerate(keys)}
    value = check_gradients(params, grads, X, T)[0]
    errors = per_key(network_loss, params, grads, X, T)
    diagnose(value, max(errors.values()),
             _("gradient_check with wrong gradients for two of the keys {keys}", keys=", ".join(keys)), HINT,
             {MEAN: np.mean(list(errors.values())), FIRST: errors[keys[0]], LAST: errors[keys[-1]],
              WEIGHTS: max(errors[k] for k in keys if k.startswith("W")), ZERO: 1.0}, rtol=RTOL)


def test_uses_delta_x(network, network_loss, check_gradients):
    # a large step and a small one: the result depends on delta_x either way
    X, T, params = network((2, 3, 1), 4)
    grads = exact(params, X, T)
    for delta_x in (0.2, 1e-3):
        value = check_gradients(params, grads, X, T, delta_x=delta_x)[0]
        diagnose(value, expected(network_loss, params, grads, X, T, delta_x),
                 f"gradient_check(loss_fn, params, grads, delta_x={delta_x:g})", HINT,
                 {("ignores_delta_x", _("use the delta_x you are given (pass it to the numerical derivative)")):
                  expected(network_loss, params, grads, X, T),
                  ("forward_difference", _("the numerical derivative is the central difference "
                                           "(f(x+Δ) − f(x−Δ)) / 2Δ")):
                  forward_difference(network_loss, params, grads, X, T, delta_x), ZERO: 1.0},
                 rtol=RTOL)


def test_restores_params(network, check_gradients):
    X, T, params = network((3, 4, 2), 3)
    grads = exact(params, X, T)
    _value, after, grads_after, originals, same = check_gradients(params, grads, X, T)
    what = _("params after gradient_check")
    expect(isinstance(after, dict) and set(after) == set(params),
           _("gradient_check added or removed keys of params; leave params as it was"), "changes_keys", what)
    for key, value in params.items():
        expect(same[key], _("params['{key}'] is a new array after gradient_check: perturb and restore the "
                            "caller's own arrays in place, never replace them", key=key), "replaced_array", what)
        if np.array_equal(originals[key], value):
            continue
        if np.allclose(originals[key], value, rtol=1e-12, atol=1e-15):
            raise Mistake(_("params['{key}'] is back only approximately: x + Δ − 2Δ + Δ is not always x in "
                            "floating point; keep the saved value and assign it back (x[idx] = saved)", key=key),
                          "restored_approximately", what)
        raise Mistake(_("params['{key}'] is not as before: restore every element the numerical derivative "
                        "perturbs (x + Δ, x − Δ, then the saved value)", key=key), "not_restored", what)
    for key, value in grads.items():
        expect_unchanged(value, grads_after[key], _("gradient_check (grads['{key}'])", key=key))
