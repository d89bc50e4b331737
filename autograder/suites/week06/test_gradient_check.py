"""Hidden checks for week06 `gradient_check` (cell test_gradient_check, 2 points).

loss_fn is the grader's summed cross-entropy of a sigmoid network, reading
the params dict gradient_check is given; the student's rel_error is
replaced by a correct one while gradient_check runs.
"""

import numpy as np
import pytest

from autograder.checks import diagnose, expect, expect_unchanged
from solutions import week06 as ref

pytestmark = [pytest.mark.cell("test_gradient_check"), pytest.mark.isolated]

PASS_BELOW = 1e-4  # exact gradients on these networks stay far below
RTOL = 1e-4  # the same computation on both sides; room for last-digit rounding
HINT = ("for every key, the numerical derivative of loss_fn() w.r.t. params[key] compared with "
        "grads[key] by rel_error; return the largest over all keys")
COPY = ("the numerical derivative came out 0: perturb the arrays of params themselves (in place), "
        "since loss_fn reads params, not a copy")


def expected(network_loss, params, grads, X, T, delta_x=1e-5):
    """The reference gradient_check on a copy of params, with the grader's loss."""
    params = {k: v.copy() for k, v in params.items()}
    return ref.gradient_check(lambda: network_loss(params, X, T), params, grads, delta_x)


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


def scaled(grads, factors):
    return {k: g * factors.get(k, 1.0) for k, g in grads.items()}


def test_exact_gradients_pass(network, check_gradients):
    X, T, params = network((2, 3, 1), 4)
    grads = ref.backward(X, T, params, ref.feed_forward(X, params))
    value, _, _ = check_gradients(params, grads, X, T)
    expect(isinstance(value, float), f"gradient_check returned {type(value).__name__}; return a float")
    expect(not np.isclose(value, 1.0), f"gradient_check gave {value:.3g} for exact gradients — {COPY}")
    expect(0.0 <= value < PASS_BELOW, f"gradient_check gave {value:.3g} for exact gradients (expected far "
           f"below {PASS_BELOW:g}) — {HINT}")


@pytest.mark.parametrize("sizes", [(2, 3, 1), (3, 4, 3, 2)], ids=["3-layer", "4-layer"])
def test_worst_key(network, network_loss, check_gradients, sizes):
    X, T, params = network(sizes, 4)
    keys = list(params)
    grads = scaled(ref.backward(X, T, params, ref.feed_forward(X, params)), {keys[-1]: 3.0, keys[1]: 1.5})
    value, _, _ = check_gradients(params, grads, X, T)
    exact = ref.backward(X, T, params, ref.feed_forward(X, params))
    per_key = [ref.rel_error(grads[k], exact[k]) for k in keys]
    diagnose(value, expected(network_loss, params, grads, X, T), "gradient_check with two wrong gradients", HINT,
             {"return the LARGEST rel_error over all keys, not the mean": np.mean(per_key),
              "check every key of params, not only the first": per_key[0],
              f"loss_fn reads params: {COPY}": 1.0}, rtol=RTOL)


def test_uses_delta_x(network, network_loss, check_gradients):
    X, T, params = network((2, 3, 1), 4)
    grads = ref.backward(X, T, params, ref.feed_forward(X, params))
    value, _, _ = check_gradients(params, grads, X, T, delta_x=0.2)
    diagnose(value, expected(network_loss, params, grads, X, T, 0.2), "gradient_check(..., delta_x=0.2)",
             HINT, {"use the delta_x you are given (pass it to the numerical derivative)":
                    expected(network_loss, params, grads, X, T),
                    "the numerical derivative is the central difference (f(x+Δ) − f(x−Δ)) / 2Δ":
                    forward_difference(network_loss, params, grads, X, T, 0.2)},
             rtol=RTOL)


def test_restores_params(network, check_gradients):
    X, T, params = network((3, 4, 2), 3)
    grads = ref.backward(X, T, params, ref.feed_forward(X, params))
    _, after, grads_after = check_gradients(params, grads, X, T)
    expect(isinstance(after, dict) and set(after) == set(params),
           "gradient_check added or removed keys of params; leave params as it was")
    for key, value in params.items():
        expect(np.array_equal(after[key], value),
               f"after gradient_check, params['{key}'] is not exactly as before: restore every element "
               "the numerical derivative perturbs (x + Δ, x − Δ, then the saved value)")
    for key, value in grads.items():
        expect_unchanged(value, grads_after[key], f"gradient_check (grads['{key}'])")

