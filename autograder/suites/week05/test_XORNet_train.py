"""Hidden checks for week05 `XORNet.train` (cell test_XORNet_train, 3 points).

From the grader's starting parameters, a few epochs of the student's
training must give the reference's parameters: W2, b2, W3, b3 updated in
that order, each derivative taken at the partly updated parameters, with the
learning_rate given. When they differ, the parameters are compared with the
usual mistakes, simulated here with the reference's own pieces, to name the
one made. The parameters are judged apart from what ``train`` returns, and
its list of losses apart from the parameters, so neither mistake costs twice;
the training is that of the student's own loss (a mean, a broadcast t, no δ:
test_XORNet_loss charges those), so a wrong loss_val is not charged here again.
"""

import numpy as np
import pytest

from autograder.checks import ATOL, RTOL, Mistake, expect, expect_close, kind_of
from autograder.texts import domain
from solutions import week05 as ref

_ = domain("week05")
pytestmark = [pytest.mark.cell("test_XORNet_train"), pytest.mark.isolated]

ORDER = ("W2", "b2", "W3", "b3")
DELTA = 1e-7
UPDATE = _("param -= learning_rate * numerical_derivative(f, param) for W2, b2, W3, b3 in that order, "
           "each at the current parameters")

# data, hidden nodes, learning_rate (None: the default), epochs
CASES = {
    "XOR, 1 epoch, default learning rate": ("XOR", 4, None, 1),
    "random data, 2 epochs, learning_rate=0.3, hidden_nodes=3": ("random", 3, 0.3, 2),
    "XNOR, 3 epochs, learning_rate=1.5, hidden_nodes=6": ("XNOR", 6, 1.5, 3),
    "3 samples as Python lists, 2 epochs, learning_rate=0.8, hidden_nodes=1": ("lists", 1, 0.8, 2),
}

WRONG_ORDER = ("wrong_update_order", _("the four parameters were updated in the wrong order; the lecture's "
                                       "order is W2, b2, W3, b3"))
IGNORES_RATE = ("ignores_learning_rate", _("the steps did not use the learning_rate given to XORNet"))
# (kind and what the student did, how to simulate it)
MISTAKES = [
    (("gradient_ascent", _("the parameters moved uphill: gradient DEScent subtracts learning rate × "
                           "derivative")), {"sign": +1.0}),
    (("gradients_at_epoch_start", _("all four derivatives were taken at the parameters from the start of the "
                                    "epoch; as in the lecture, update W2 first, then take b2's derivative "
                                    "with the new W2, and so on")), {"sequential": False}),
    (WRONG_ORDER, {"order": ("W3", "b3", "W2", "b2")}),
    (WRONG_ORDER, {"order": ("W2", "W3", "b2", "b3")}),
    (("mean_loss_steps", _("the steps are m times too small, as if the loss were the mean over the samples; "
                           "the loss is their SUM")), {"mean": True}),
    (IGNORES_RATE, {"learning_rate": 0.5}),
    (IGNORES_RATE, {"learning_rate": 1e-2}),
]


def summed(y, t, delta=DELTA):
    """The contract's loss: the summed cross-entropy, t paired row by row with y."""
    return -np.sum(t * np.log(y + delta) + (1 - t) * np.log(1 - y + delta))


# what a student's loss_val may compute instead (graded in test_XORNet_loss): training is judged
# against the student's own loss, so that mistake is not charged here a second time
LOSSES = {
    "sum": summed,
    "mean": lambda y, t, delta=DELTA: summed(y, t, delta) / len(y),
    "broadcast": lambda y, t, delta=DELTA: summed(y, t.reshape(-1), delta),  # (m, 1) against (m,): (m, m)
}


def simulate(xdata, tdata, start, learning_rate, epochs, *, order=ORDER, sequential=True,
             sign=-1.0, mean=False, loss="sum", delta=DELTA):
    """Parameters after ``epochs`` of a (possibly mistaken) numerical-derivative training of ``loss``."""
    net = ref.XORNet(xdata, tdata, hidden_nodes=start["b2"].size, seed=0)
    net.params = {key: value.copy() for key, value in start.items()}
    scale = 1.0 / len(net.xdata) if mean else 1.0
    f = lambda _x: scale * LOSSES[loss](net.feed_forward(net.xdata), net.tdata, delta)  # noqa: E731
    with np.errstate(all="ignore"):  # no δ: log(0) may give -inf
        for _epoch in range(epochs):
            grads = {}
            for key in order:
                grads[key] = ref.numerical_derivative(f, net.params[key])
                if sequential:
                    net.params[key] += sign * learning_rate * grads[key]
            if not sequential:
                for key in order:
                    net.params[key] += sign * learning_rate * grads[key]
    return net.params


def own_loss_kind(xornet, net, xdata, tdata, start):
    """Which of :data:`LOSSES` the student's loss_val computes at ``start`` ("sum" if none, or several)."""
    value = xornet.student.call((net, "loss_val"))
    if not xornet.is_number(value):
        return "sum"
    value = float(np.asarray(value).reshape(-1)[0])
    reference = xornet.reference(xdata, tdata, start)
    y, t = reference.feed_forward(reference.xdata), reference.tdata
    expected = summed(y, t)
    found = [name for name, loss in LOSSES.items() if name != "sum" and not np.isclose(loss(y, t), expected)
             and np.isclose(value, loss(y, t), rtol=RTOL, atol=ATOL)]
    return found[0] if len(found) == 1 else "sum"


def same(a, b):
    return a.shape == b.shape and np.allclose(a, b, rtol=RTOL, atol=ATOL)


def setup_case(xornet, rng, data, hidden, learning_rate):
    if data == "random":
        xdata, tdata = rng.uniform(-1.0, 2.0, size=(6, 2)), rng.integers(0, 2, size=6)
    elif data == "lists":
        xdata, tdata = rng.uniform(-1.0, 2.0, size=(3, 2)).tolist(), rng.integers(0, 2, size=3).tolist()
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
    before = {key: value.shape for key, value in xornet.params(net).items()}
    loss = own_loss_kind(xornet, net, xdata, tdata, start)
    xornet.student.call((net, "train"), epochs)  # what it returns is judged on its own below
    held = xornet.params(net)
    for key in ORDER:
        expect(held[key].shape == before[key],
               _("self.params['{key}'] has shape {got} after train({epochs}), {want} before: train must "
                 "keep every parameter's shape", key=key, got=held[key].shape, epochs=epochs,
                 want=before[key]), "changes_shape")
    params = xornet.contract_params(net, hidden, _("after train({epochs})", epochs=epochs))
    expected = simulate(xdata, tdata, start, lr, epochs, loss=loss)
    if all(same(params[key], expected[key]) for key in ORDER):
        return
    # the right training of the student's loss without δ (test_XORNet_loss charges the missing δ)
    without_delta = simulate(xdata, tdata, start, lr, epochs, loss=loss, delta=0.0)
    if all(same(params[key], without_delta[key]) for key in ORDER):
        return
    unchanged = [key for key in ORDER if np.array_equal(params[key], start[key])]
    if unchanged:
        raise Mistake(_("train({epochs}) did not change {keys}: is an update missing, or was the derivative "
                        "taken on a copy? numerical_derivative must get the very array stored in "
                        "self.params, the one the loss reads", epochs=epochs, keys=", ".join(unchanged)),
                      "parameter_not_updated")
    for (kind, message), mistake in MISTAKES:
        mistake = dict(mistake)
        mistaken_lr = mistake.pop("learning_rate", lr)
        if not mistake and mistaken_lr == lr:
            continue  # a fixed 0.5 cannot be told apart when the rate given is 0.5
        variant = simulate(xdata, tdata, start, mistaken_lr, epochs, loss=loss, **mistake)
        if all(same(params[key], variant[key]) for key in ORDER):
            raise Mistake(_("after train({epochs}) {mistake}", epochs=epochs, mistake=message), kind)
    wrong = next(key for key in ORDER if not same(params[key], expected[key]))
    raise Mistake(_("self.params['{key}'] after train({epochs}) from the grader's starting parameters differs "
                    "from the lecture's [W, b] update: {update}", key=wrong, epochs=epochs, update=UPDATE))


def own_loss(xornet, net, xdata, tdata, hidden):
    """The student's loss_val() (one number), else the grader's loss of the net's parameters."""
    value = xornet.student.call((net, "loss_val"))
    if xornet.is_number(value):
        return float(np.asarray(value).reshape(-1)[0])
    params = xornet.contract_params(net, hidden, _("after train(1)"))
    return xornet.reference(xdata, tdata, params).loss_val()


def test_returns_the_loss_after_each_epoch(xornet, rng):
    # compared with the student's own loss_val after each of three train(1) calls, so a mistake
    # in the update or in the loss itself is not counted twice
    net, xdata, tdata, start, lr = setup_case(xornet, rng, "XOR", 4, 0.8)
    losses = xornet.train(net, 3)
    net = xornet.create(xdata, tdata, learning_rate=lr, seed=0)
    xornet.inject(net, start)
    before = [own_loss(xornet, net, xdata, tdata, 4)]
    after = []
    for _epoch in range(3):
        xornet.student.call((net, "train"), 1)
        after.append(own_loss(xornet, net, xdata, tdata, 4))
    before += after[:-1]
    if np.allclose(losses, before, rtol=RTOL, atol=ATOL) and not np.allclose(losses, after, rtol=RTOL, atol=ATOL):
        raise Mistake(_("train returned the loss BEFORE each epoch's updates; return the loss after them"),
                      "loss_before_update")
    expect_close(np.array(losses), np.array(after), _("the list returned by train(3)"),
                 _("its k-th element is loss_val() right after the k-th epoch"))


def test_training_continues_from_the_current_parameters(xornet, rng):
    net, xdata, tdata, start, lr = setup_case(xornet, rng, "XNOR", 4, None)
    xornet.student.call((net, "train"), 2)
    once = xornet.contract_params(net, 4, _("after train(2)"))
    net = xornet.create(xdata, tdata, seed=0)
    xornet.inject(net, start)
    xornet.student.call((net, "train"), 1)
    xornet.student.call((net, "train"), 1)
    twice = xornet.contract_params(net, 4, _("after train(1) twice"))
    expect(all(same(once[key], twice[key]) for key in ORDER),
           _("train(1) called twice should end where train(2) does: train must continue from the "
             "parameters in self.params, not start over"), "starts_over")


@pytest.mark.side
def test_returns_one_float_per_epoch(xornet, rng):
    net, *_unused = setup_case(xornet, rng, "XOR", 3, None)
    losses = xornet.student.call((net, "train"), 2)
    if not isinstance(losses, list):
        return  # the value check (test_returns_the_loss_after_each_epoch) says so
    for value in losses:
        expect(isinstance(value, float),
               _("train(2) returned a list holding {value}; each loss in it should be a Python float, "
                 "as loss_val() returns", value=kind_of(value)), "losses_not_floats")
