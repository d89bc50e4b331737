"""Hidden checks for week05 `XORNet.loss_val` and the feed forward behind it
(cell test_XORNet_loss, 2 points): data as int or float arrays or Python
lists, any number of samples, t (m,) or (m, 1). The grader's own parameters
are set into the student's net first."""

import numpy as np
import pytest

from autograder.checks import diagnose, expect, kind_of
from autograder.texts import domain

_ = domain("week05")
pytestmark = [pytest.mark.cell("test_XORNet_loss"), pytest.mark.isolated]

DELTA = 1e-7
HINT = _("E = -Σ [t·log(y+δ) + (1-t)·log(1-y+δ)] with y from the feed forward "
         "Z2 = X·W2 + b2, A2 = sigmoid(Z2), Z3 = A2·W3 + b3, y = sigmoid(Z3); read W2, b2, W3, b3 from "
         "self.params")

# hidden nodes, samples ("lecture": the four inputs), shape of t, as Python lists
CASES = {
    "XOR inputs, t (4,)": (4, "lecture", (4,), False),
    "7 random samples, int t (7,)": (3, 7, (7,), False),
    "5 random samples, t (5, 1)": (6, 5, (5, 1), False),
    "3 samples as Python lists": (5, 3, (3,), True),
}
# dtype of xdata and tdata, samples, shape of t
DTYPES = [("int8", 1, (1, 1)), ("uint8", 2, (2,)), ("int32", 3, (3, 1)), ("int64", 5, (5,)),
          ("float32", 6, (6, 1))]


def data(rng, samples, t_shape, xornet):
    if samples == "lecture":
        return xornet.inputs[rng.permutation(4)], rng.integers(0, 2, size=t_shape)
    return rng.uniform(-1.0, 2.0, size=(samples, 2)), rng.integers(0, 2, size=t_shape)


def known_mistakes(reference, xdata, tdata):
    """The values of the usual wrong losses, for :func:`diagnose`."""
    expected = reference.loss_val()
    m = len(reference.xdata)
    y = reference.feed_forward(reference.xdata)
    t = np.asarray(tdata, dtype=float).reshape(-1)
    broadcast = -np.sum(t * np.log(y + DELTA) + (1 - t) * np.log(1 - y + DELTA))
    return {
        ("mean_not_sum", _("the value is {m} times too small: the loss is the SUM of the cross-entropy over "
                           "the samples, not the mean", m=m)): expected / m,
        ("wrong_sign", _("the value has the wrong sign: E = -Σ [...] is never negative")): -expected,
        ("broadcasts_to_m_by_m", _("the value is what pairing every y with every t gives: y has shape "
                                   "({m}, 1) and t ({m},), which numpy broadcasts to ({m}, {m}); keep tdata "
                                   "as (m, 1)", m=m)): broadcast,
    }


def check_loss(xornet, rng, xdata, tdata, hidden, what):
    start = xornet.start(rng, hidden)
    net = xornet.create(xdata, tdata, hidden_nodes=hidden, seed=0)
    xornet.inject(net, start)
    loss = xornet.loss(net)
    reference = xornet.reference(xdata, tdata, start)
    diagnose(loss, reference.loss_val(), what, HINT, known_mistakes(reference, xdata, tdata))


@pytest.mark.parametrize("hidden, samples, t_shape, as_lists", CASES.values(), ids=CASES.keys())
def test_loss_value(xornet, rng, hidden, samples, t_shape, as_lists):
    xdata, tdata = data(rng, samples, t_shape, xornet)
    if as_lists:
        xdata, tdata = xdata.tolist(), tdata.tolist()
    if as_lists:
        what = _("loss_val() with the grader's parameters, {m} samples given as Python lists", m=len(xdata))
    else:
        what = _("loss_val() with the grader's parameters, {m} samples, t of shape {shape}", m=len(xdata),
                 shape=t_shape)
    check_loss(xornet, rng, xdata, tdata, hidden, what)


def test_loss_for_every_dtype_and_number_of_samples(xornet, rng):
    for dtype, samples, t_shape in DTYPES:
        xdata = rng.integers(0, 3, size=(samples, 2)).astype(dtype)
        tdata = rng.integers(0, 2, size=t_shape).astype(dtype)
        what = _("loss_val() for {dtype} xdata and tdata, {m} samples, t of shape {shape}",
                 dtype=dtype, m=samples, shape=t_shape)
        check_loss(xornet, rng, xdata, tdata, 4, what)


def test_loss_is_a_float(xornet, rng):
    net = xornet.create(xornet.inputs, xornet.targets["XOR"], seed=0)
    xornet.inject(net, xornet.start(rng, 4))
    value = xornet.student.call((net, "loss_val"))
    expect(isinstance(value, float), _("loss_val() returned {value}; return a Python float (wrap the sum in "
                                       "float(...))", value=kind_of(value)), "return_type")


def test_saturated_output_stays_finite(xornet, rng):
    # b3 = 50 makes y = 1.0 exactly in float64: only the δ inside the logs keeps log(1 - y) finite
    start = xornet.start(rng, 4)
    start["b3"] = np.array([50.0])
    net = xornet.create(xornet.inputs, xornet.targets["XOR"], seed=0)
    xornet.inject(net, start)
    value = xornet.loss(net)
    reference = xornet.reference(xornet.inputs, xornet.targets["XOR"], start)
    what = _("loss_val() when the output y is exactly 1")
    expect(np.isfinite(value), _("loss_val() is {value}, not a finite number: add δ = 1e-7 inside both logs, "
                                 "log(y + δ) and log(1 - y + δ)", value=value), "no_delta", what)
    diagnose(value, reference.loss_val(), what, HINT, known_mistakes(reference, xornet.inputs, xornet.targets["XOR"]))


def test_loss_follows_the_parameters(xornet, rng):
    net = xornet.create(xornet.inputs, xornet.targets["XNOR"], seed=0)
    losses = []
    for scale in (0.5, 3.0):
        xornet.inject(net, xornet.start(rng, 4, scale=scale))
        losses.append(xornet.loss(net))
    expect(not np.isclose(losses[0], losses[1], rtol=1e-9),
           _("loss_val() gave the same loss for two different sets of parameters: it must compute the "
             "loss from the arrays in self.params each time it is called"), "ignores_params")
