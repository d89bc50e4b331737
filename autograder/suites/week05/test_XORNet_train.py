"""Hidden checks for week05 `XORNet.train` (cell test_XORNet_train, 3 points).

From the grader's starting parameters, a few epochs of the student's
training must give the reference's parameters: W2, b2, W3, b3 updated in
that order, each derivative taken at the partly updated parameters. When
they differ, the parameters are compared with the usual mistakes, simulated
here with the reference's own pieces, to name the one made.
"""

import numpy as np
import pytest

from autograder.checks import ATOL, RTOL, Mistake, expect, expect_close, expect_shape
from solutions import week05 as ref

pytestmark = [pytest.mark.cell("test_XORNet_train"), pytest.mark.isolated]

ORDER = ("W2", "b2", "W3", "b3")
UPDATE = ("param -= learning_rate * numerical_derivative(f, param) for W2, b2, W3, b3 in that order, "
          "each at the current parameters")

CASES = {
    "XOR, 1 epoch, default learning rate": ("XOR", 4, None, 1),
    "random data, 2 epochs, learning_rate=0.3, hidden_nodes=3": ("random", 3, 0.3, 2),
    "XNOR, 3 epochs, learning_rate=1.5, hidden_nodes=6": ("XNOR", 6, 1.5, 3),
}

# (what the student did, how to simulate it)
MISTAKES = [
    ("the parameters moved uphill: gradient DEScent subtracts learning rate × derivative",
     {"sign": +1.0}),
    ("all four derivatives were taken at the parameters from the start of the epoch; as in the "
     "lecture, update W2 first, then take b2's derivative with the new W2, and so on",
     {"sequential": False}),
    ("the four parameters were updated in the wrong order; the lecture's order is W2, b2, W3, b3",
     {"order": ("W3", "b3", "W2", "b2")}),
    ("the four parameters were updated in the wrong order; the lecture's order is W2, b2, W3, b3",
     {"order": ("W2", "W3", "b2", "b3")}),
    ("the steps are m times too small, as if the loss were the mean over the samples; the loss is "
     "their SUM", {"mean": True}),
    ("the steps did not use the learning_rate given to XORNet", {"learning_rate": 0.5}),
    ("the steps did not use the learning_rate given to XORNet", {"learning_rate": 1e-2}),
]


def simulate(xdata, tdata, start, learning_rate, epochs, *, order=ORDER, sequential=True,
             sign=-1.0, mean=False):
    """Parameters after ``epochs`` of a (possibly mistaken) numerical-derivative training."""
    net = ref.XORNet(xdata, tdata, hidden_nodes=start["b2"].size, seed=0)
    net.params = {key: value.copy() for key, value in start.items()}
    scale = 1.0 / len(net.xdata) if mean else 1.0
    f = lambda _: scale * net.loss_val()  # noqa: E731  (the lecture's form)
    for _ in range(epochs):
        grads = {}
        for key in order:
            grads[key] = ref.numerical_derivative(f, net.params[key])
            if sequential:
                net.params[key] += sign * learning_rate * grads[key]
        if not sequential:
            for key in order:
                net.params[key] += sign * learning_rate * grads[key]
    return net.params


def same(a, b):
    return a.shape == b.shape and np.allclose(a, b, rtol=RTOL, atol=ATOL)


def setup_case(xornet, rng, data, hidden, learning_rate):
    if data == "random":
        xdata, tdata = rng.uniform(-1.0, 2.0, size=(6, 2)), rng.integers(0, 2, size=6)
    else:
        order = rng.permutation(4)
        xdata, tdata = xornet.inputs[order], xornet.targets[data][order].reshape(-1, 1).astype(float)
    start = xornet.start(rng, hidden)
    kwargs = {} if learning_rate is None else {"learning_rate": learning_rate}
    net = xornet.create(xdata, tdata, hidden_nodes=hidden, seed=0, **kwargs)
    xornet.inject(net, start)
    return net, xdata, tdata, start, 0.5 if learning_rate is None else learning_rate


@pytest.mark.parametrize("data, hidden, learning_rate, epochs", CASES.values(), ids=CASES.keys())
def test_parameters_after_training(xornet, rng, data, hidden, learning_rate, epochs):
    net, xdata, tdata, start, lr = setup_case(xornet, rng, data, hidden, learning_rate)
    xornet.train(net, epochs)
    params = xornet.params(net)
    expected = simulate(xdata, tdata, start, lr, epochs)
    for key in ORDER:
        expect_shape(params[key], expected[key].shape, f"self.params['{key}'] after train({epochs})",
                     "train must keep every parameter's shape")
    if all(same(params[key], expected[key]) for key in ORDER):
        return
    unchanged = [key for key in ORDER if np.array_equal(params[key], start[key])]
    if unchanged:
        raise Mistake(f"train({epochs}) did not change {', '.join(unchanged)}: is an update missing, or "
                      "was the derivative taken on a copy? numerical_derivative must get the very array "
                      "stored in self.params, the one the loss reads")
    for message, mistake in MISTAKES:
        mistake = dict(mistake)
        mistaken_lr = mistake.pop("learning_rate", lr)
        if not mistake and mistaken_lr == lr:
            continue  # a fixed 0.5 cannot be told apart when the rate given is 0.5
        variant = simulate(xdata, tdata, start, mistaken_lr, epochs, **mistake)
        if all(same(params[key], variant[key]) for key in ORDER):
            raise Mistake(f"after train({epochs}) {message}")
    wrong = next(key for key in ORDER if not same(params[key], expected[key]))
    raise Mistake(f"self.params['{wrong}'] after train({epochs}) from the grader's starting parameters "
                  f"differs from the lecture's [W, b] update: {UPDATE}")


def test_returns_the_loss_after_each_epoch(xornet, rng):
    # compared with the student's own loss_val after each of three train(1) calls, so a mistake
    # in the update itself is not counted twice
    net, xdata, tdata, start, lr = setup_case(xornet, rng, "XOR", 4, 0.8)
    losses = xornet.train(net, 3)
    net = xornet.create(xdata, tdata, learning_rate=lr, seed=0)
    xornet.inject(net, start)
    before = [xornet.loss(net)]
    after = []
    for _ in range(3):
        xornet.train(net, 1)
        after.append(xornet.loss(net))
    before += after[:-1]
    if np.allclose(losses, before, rtol=RTOL, atol=ATOL) and not np.allclose(losses, after, rtol=RTOL, atol=ATOL):
        raise Mistake("train returned the loss BEFORE each epoch's updates; return the loss after them")
    expect_close(np.array(losses), np.array(after), "the list returned by train(3)",
                 "its k-th element is loss_val() right after the k-th epoch")


def test_training_continues_from_the_current_parameters(xornet, rng):
    net, xdata, tdata, start, lr = setup_case(xornet, rng, "XNOR", 4, None)
    once = xornet.train(net, 2)
    net = xornet.create(xdata, tdata, seed=0)
    xornet.inject(net, start)
    xornet.train(net, 1)
    twice = xornet.train(net, 1)
    expect(np.isclose(twice[0], once[1], rtol=RTOL, atol=ATOL),
           "train(1) called twice should end where train(2) does: train must continue from the "
           "parameters in self.params, not start over")
