"""Hidden checks for week05 `XORNet.loss_val` and the feed forward behind it
(cell test_XORNet_loss, 2 points). The grader's own parameters are set
into the student's net first."""

import numpy as np
import pytest

from autograder.checks import Mistake, expect, expect_close

pytestmark = [pytest.mark.cell("test_XORNet_loss"), pytest.mark.isolated]

DELTA = 1e-7
HINT = ("E = -Σ [t·log(y+δ) + (1-t)·log(1-y+δ)] with y from the feed forward "
        "Z2 = X·W2 + b2, A2 = sigmoid(Z2), Z3 = A2·W3 + b3, y = sigmoid(Z3)")

CASES = {
    "XOR inputs, t (4,)": (4, "lecture", (4,)),
    "7 random samples, int t (7,)": (3, 7, (7,)),
    "5 random samples, t (5, 1)": (6, 5, (5, 1)),
}


def data(rng, samples, t_shape, xornet):
    if samples == "lecture":
        return xornet.inputs[rng.permutation(4)], rng.integers(0, 2, size=t_shape)
    return rng.uniform(-1.0, 2.0, size=(samples, 2)), rng.integers(0, 2, size=t_shape)


@pytest.mark.parametrize("hidden, samples, t_shape", CASES.values(), ids=CASES.keys())
def test_loss_value(xornet, rng, hidden, samples, t_shape):
    xdata, tdata = data(rng, samples, t_shape, xornet)
    start = xornet.start(rng, hidden)
    net = xornet.create(xdata, tdata, hidden_nodes=hidden, seed=0)
    xornet.inject(net, start)
    loss = xornet.loss(net)
    reference = xornet.reference(xdata, tdata, start)
    expected = reference.loss_val()
    if np.isclose(loss, expected / len(xdata), rtol=1e-6):
        raise Mistake(f"loss_val() is {len(xdata)} times too small: the loss is the SUM of the "
                      "cross-entropy over the samples, not the mean")
    if np.isclose(loss, -expected, rtol=1e-6):
        raise Mistake("loss_val() has the wrong sign: E = -Σ [...] is never negative")
    y = reference.feed_forward(xdata)
    t = np.asarray(tdata, dtype=float).reshape(-1)
    broadcast = -np.sum(t * np.log(y + DELTA) + (1 - t) * np.log(1 - y + DELTA))
    if np.isclose(loss, broadcast, rtol=1e-6):
        raise Mistake(f"loss_val() paired every y with every t: y has shape ({len(t)}, 1) and t "
                      f"({len(t)},), which numpy broadcasts to ({len(t)}, {len(t)}); keep tdata as "
                      "(m, 1)")
    expect_close(loss, expected, "loss_val() with the grader's parameters",
                 HINT + "; read W2, b2, W3, b3 from self.params")


def test_loss_is_a_float(xornet, rng):
    net = xornet.create(xornet.inputs, xornet.targets["XOR"], seed=0)
    xornet.inject(net, xornet.start(rng, 4))
    value = xornet.student.call((net, "loss_val"))
    expect(isinstance(value, float), f"loss_val() returned a {type(value).__name__}; return a Python "
           "float (wrap the sum in float(...))")


def test_saturated_output_stays_finite(xornet, rng):
    # b3 = 50 makes y = 1.0 exactly in float64: only the δ inside the logs keeps log(1 - y) finite
    start = xornet.start(rng, 4)
    start["b3"] = np.array([50.0])
    net = xornet.create(xornet.inputs, xornet.targets["XOR"], seed=0)
    xornet.inject(net, start)
    reply = xornet.student.invoke((net, "loss_val"))
    expected = xornet.reference(xornet.inputs, xornet.targets["XOR"], start).loss_val()
    value = reply.value
    expect(isinstance(value, (int, float)) and np.isfinite(value),
           "loss_val() is not finite when the output y is exactly 1: add δ = 1e-7 inside both logs, "
           "log(y + δ) and log(1 - y + δ)")
    expect_close(value, expected, "loss_val() when the output y is exactly 1", HINT)


def test_loss_follows_the_parameters(xornet, rng):
    net = xornet.create(xornet.inputs, xornet.targets["XNOR"], seed=0)
    losses = []
    for scale in (0.5, 3.0):
        xornet.inject(net, xornet.start(rng, 4, scale=scale))
        losses.append(xornet.loss(net))
    expect(not np.isclose(losses[0], losses[1], rtol=1e-9),
           "loss_val() gave the same loss for two different sets of parameters: it must compute the "
           "loss from the arrays in self.params each time it is called")
