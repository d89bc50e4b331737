"""Hidden checks for week03 `LogicGate.train` (cell test_LogicGate_train, 2 points).

The student's gate starts from the grader's data, W and b; after a few epochs
its W, b and returned losses must match the reference gate trained from the
same start. A wrong result is compared with the usual wrong variants of the
update, and the message names a mistake only when exactly one of them
matches.
"""

import numpy as np
import pytest

from autograder.checks import ATOL, RTOL, Mistake, expect, expect_close
from autograder.texts import domain
from solutions.week02 import numerical_derivative

_ = domain("week03")
pytestmark = [pytest.mark.cell("test_LogicGate_train"), pytest.mark.isolated]

RULE = _("each epoch: W ← W - α·∂E/∂W, then b ← b - α·∂E/∂b with the derivative taken at the new W, "
         "each from numerical_derivative(f, ...) with f = lambda _: self.loss_val()")


def variant(gates, name, xdata, tdata, W, b, lr, epochs, mode):
    """W, b and losses of a (possibly wrong) way of training, on the reference gate."""
    gate = gates.reference(name, xdata, tdata, W, b, learning_rate=lr)
    f = lambda _x: gate.loss_val()  # noqa: E731 - the lecture's pattern
    losses = []
    for _epoch in range(epochs):
        before = gate.loss_val()
        if mode == "simultaneous":
            gW, gb = numerical_derivative(f, gate.W), numerical_derivative(f, gate.b)
            gate.W -= lr * gW
            gate.b -= lr * gb
        elif mode == "b_first":
            gate.b -= lr * numerical_derivative(f, gate.b)
            gate.W -= lr * numerical_derivative(f, gate.W)
        elif mode == "ascent":
            gate.W += lr * numerical_derivative(f, gate.W)
            gate.b += lr * numerical_derivative(f, gate.b)
        else:
            gate.W -= lr * numerical_derivative(f, gate.W)
            gate.b -= lr * numerical_derivative(f, gate.b)
        losses.append(before if mode == "loss_before" else gate.loss_val())
    return gate.W, gate.b, losses


def as_shape(value, like):
    """``value`` in the shape of ``like`` if it has as many elements (else unchanged)."""
    if isinstance(value, np.ndarray) and value.size == np.size(like):
        return value.reshape(np.shape(like))
    return value


def close(a, b):
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=RTOL, atol=ATOL))


MISTAKES = {
    "simultaneous_update": _("both derivatives were taken before either update; update W first, then take b's "
                             "derivative at the new W (as the lecture's two lines in train do)"),
    "b_first": _("b was updated before W; the lecture updates W first, then b"),
    "gradient_ascent": _("W and b moved the wrong way, up the loss: gradient descent SUBTRACTS learning rate × "
                         "derivative"),
    "fixed_learning_rate": _("the updates used the learning rate 1e-2, not self.learning_rate"),
}


def diagnose(gates, name, xdata, tdata, W, b, lr, epochs, W_after, b_after, where):
    """Raise the Mistake naming the one variant that W_after, b_after match, if exactly one does."""
    right = variant(gates, name, xdata, tdata, W, b, lr, epochs, "right")
    found = []
    for kind in MISTAKES:
        if kind == "fixed_learning_rate":
            W2, b2, _losses = variant(gates, name, xdata, tdata, W, b, 1e-2, epochs, "right")
        else:
            mode = {"simultaneous_update": "simultaneous", "gradient_ascent": "ascent"}.get(kind, kind)
            W2, b2, _losses = variant(gates, name, xdata, tdata, W, b, lr, epochs, mode)
        differs = not (close(W2, right[0]) and close(b2, right[1]))
        if differs and close(W_after, W2) and close(b_after, b2):
            found.append(kind)
    if len(found) == 1:
        raise Mistake(MISTAKES[found[0]], found[0], where)


def extended(gates, rng, name, m):
    """The four inputs and m - 4 more rows (m ≥ 4), with the targets of gate ``name``."""
    xdata = np.vstack([gates.inputs, rng.integers(0, 2, size=(m - 4, 2))])
    table = {"AND": xdata[:, 0] & xdata[:, 1], "OR": xdata[:, 0] | xdata[:, 1]}
    table["NAND"] = 1 - table["AND"]
    return xdata, table[name]


UNCHANGED = _("W and b did not change at all, as when the derivatives come out 0: the loss must read the very "
              "arrays numerical_derivative nudges, so pass self.W and self.b themselves (not copies) and update "
              "them in place (self.W -= ...)")


def expect_moved(W_after, b_after, W, b, where):
    """A train that leaves W and b as they were has trained nothing (its other checks cannot pay)."""
    if close(W_after, W) and close(b_after, b):
        raise Mistake(UNCHANGED, "parameters_unchanged", where)


def current(gates, gate):
    """The gate's W and b, as float arrays of the contract's shapes where they have its sizes."""
    W = np.asarray(gates.parameter(gate, "W"), dtype=np.float64)
    b = np.asarray(gates.parameter(gate, "b"), dtype=np.float64)
    return (W.reshape(2, 1) if W.size == 2 else W), (b.reshape(1) if b.size == 1 else b)


CASES = {"NAND, 4 samples, 3 epochs, lr 0.3": ("NAND", 4, 3, 0.3),
         "OR, 6 samples, 2 epochs, lr 0.5": ("OR", 6, 2, 0.5)}


@pytest.mark.parametrize("name, m, epochs, lr", CASES.values(), ids=CASES.keys())
def test_parameters_after_training(gates, rng, name, m, epochs, lr):
    xdata, tdata = extended(gates, rng, name, m)
    W, b = gates.start(rng)
    gate = gates.prepared(name, xdata, tdata, W, b, learning_rate=lr, correct_loss=True)
    gates.run_train(gate, epochs)
    # a W or b of the right size in another shape is the construction check's business
    W_after, b_after = as_shape(gates.parameter(gate, "W"), W), as_shape(gates.parameter(gate, "b"), b)
    where = _("W and b after train({epochs}) on {m} samples from the grader's start (learning rate {lr})",
              epochs=epochs, m=m, lr=lr)
    W_ref, b_ref, _losses = variant(gates, name, xdata, tdata, W, b, lr, epochs, "right")
    if not (close(W_after, W_ref) and close(b_after, b_ref)):
        expect_moved(W_after, b_after, W, b, where)
        diagnose(gates, name, xdata, tdata, W, b, lr, epochs, W_after, b_after, where)
    expect_close(W_after, W_ref, _("W after train({epochs})", epochs=epochs), RULE)
    expect_close(b_after, b_ref, _("b after train({epochs})", epochs=epochs), RULE)


def loss_of(gates, W, b, xdata, tdata):
    """The loss of W and b (the student's gate's), computed by the grader."""
    if W.size != 2 or b.size != 1:
        return float("nan")
    return gates.reference("gate", xdata, tdata, W, b).loss_val()


def test_returns_the_loss_after_each_epoch(gates, rng):
    """Judged on the gate's own parameters, whatever its updates: the loss train reports for an epoch is
    the loss of W and b as that epoch leaves them."""
    name, lr = "AND", 0.4
    xdata, tdata = gates.inputs, gates.targets[name]
    W, b = gates.start(rng)
    gate = gates.prepared(name, xdata, tdata, W, b, learning_rate=lr, correct_loss=True)
    for epochs in (1, 3):
        W_before, b_before = current(gates, gate)
        losses = gates.train(gate, epochs)
        W_now, b_now = current(gates, gate)
        before, after = loss_of(gates, W_before, b_before, xdata, tdata), loss_of(gates, W_now, b_now, xdata, tdata)
        expect_moved(W_now, b_now, W_before, b_before, _("W and b after train({epochs})", epochs=epochs))
        where = _("the last loss returned by train({epochs})", epochs=epochs)
        if close(losses[-1], after):
            continue
        if epochs == 1 and not close(before, after) and close(losses[-1], before):
            raise Mistake(_("is the loss BEFORE the epoch's updates; return the loss after each epoch's updates "
                            "of W and b"), "loss_before_epoch", where)
        raise Mistake(_("is {got:.6g}, but the gate's W and b after train({epochs}) have the loss {loss:.6g}: "
                        "append loss_val() after each epoch's updates of W and b", got=losses[-1], epochs=epochs,
                        loss=after), "losses_not_after_epoch", where)


def test_training_continues(gates, rng):
    """train(2) then train(1) must end where train(3) does (whatever the update rule)."""
    name, lr, m = "NAND", 0.5, 5
    xdata, tdata = extended(gates, rng, name, m)
    W, b = gates.start(rng)
    split = gates.prepared(name, xdata, tdata, W, b, learning_rate=lr, correct_loss=True)
    gates.run_train(split, 2)
    gates.run_train(split, 1)
    whole = gates.prepared(name, xdata, tdata, W, b, learning_rate=lr, correct_loss=True)
    gates.run_train(whole, 3)
    where = _("W and b after train(2) then train(1), against train(3) from the same start")
    expect_moved(*current(gates, whole), W, b, _("W and b after train(3)"))
    same = all(close(gates.parameter(split, key), gates.parameter(whole, key)) for key in ("W", "b"))
    expect(same, _("differ: a second call to train goes on from the current W and b, as if the epochs had "
                   "been run in one call"), "training_restarts", where)
