"""Hidden checks for week05: the network learns XOR and XNOR (cell test_XORNet_learns, 1.5 points).

Numerical-derivative training is slow, so the checks use a large learning
rate and starting parameters from which the reference learns each gate in
under 35 epochs for every order of the four samples (the grader shuffles
them); 40 epochs are trained. XNOR is the same class on other targets, so a
hard-coded XOR table fails it.

Learning is judged from the network's own ``params`` after ``train``, with
the grader's correct forward pass and loss: the loss of those parameters
must be low and they must compute the gate. Neither ``predict`` nor what
``train`` returns is used here (their own checks grade them), so a table of
answers earns nothing, and a mistake in ``predict`` or in the list of
losses is not charged a second time. While it trains, the network's
``loss_val`` is the grader's correct one (reading the network's own
``params``) and its ``learning_rate`` the check's, so a wrong loss (a mean,
say) or an ignored learning rate, charged in their own checks, does not
also slow the training down here.
"""

import numpy as np
import pytest

from autograder.checks import expect
from autograder.sandbox.protocol import Expr
from autograder.texts import domain
from solutions import week05 as ref

_ = domain("week05")
pytestmark = [pytest.mark.cell("test_XORNet_learns"), pytest.mark.isolated]

LEARNING_RATE = 2.0
EPOCHS = 40
LOSS_BELOW = 0.5  # the reference ends below 0.15; one logistic regression stays at 4·ln 2 ≈ 2.77
STARTS = {"XOR": 1, "XNOR": 7}  # seed of the reference's draws used as the starting parameters


# Runs in the student process (only numpy there), in this check's own session.
CORRECT_LOSS = Expr('''
def install(net, X, T, rate):
    def loss_val():
        A = np.asarray(X, dtype=np.float64)
        for layer in (2, 3):
            A = np.exp(-np.logaddexp(0.0, -(A @ net.params[f"W{layer}"] + net.params[f"b{layer}"])))
        t = np.asarray(T, dtype=np.float64).reshape(A.shape)
        return float(-np.sum(t * np.log(A + 1e-7) + (1 - t) * np.log(1 - A + 1e-7)))
    net.loss_val = loss_val
    if hasattr(net, "learning_rate"):
        net.learning_rate = rate
install
''')


def network_output(params, x):
    """The reference forward pass with the given parameters: y (m, 1)."""
    hidden = ref.sigmoid(np.asarray(x, dtype=np.float64) @ params["W2"] + params["b2"])
    return ref.sigmoid(hidden @ params["W3"] + params["b3"])


@pytest.mark.parametrize("gate", STARTS, ids=STARTS)
def test_learns(xornet, rng, gate):
    order = rng.permutation(4)
    # t as (m, 1): t (m,) is checked in test_XORNet_loss, and a loss that broadcasts it is not charged again
    xdata, tdata = xornet.inputs[order], xornet.targets[gate][order].reshape(-1, 1)
    start = ref.XORNet(xdata, tdata, seed=STARTS[gate]).params
    net = xornet.create(xdata, tdata, learning_rate=LEARNING_RATE, seed=0)
    xornet.inject(net, start)
    xornet.student.call(CORRECT_LOSS, net, xdata, tdata, LEARNING_RATE)
    xornet.student.call((net, "train"), EPOCHS)  # what it returns is graded in test_XORNet_train
    params = xornet.contract_params(net, start["b2"].size, _("after training"))
    y = network_output(params, xdata)
    loss = ref.cross_entropy(y, tdata)
    expect(np.isfinite(loss) and loss < LOSS_BELOW,
           _("XORNet did not learn {gate}: after {epochs} epochs at learning_rate={rate} the loss of its params "
             "is {loss:.3g}, from a start where the lecture's training gets below {below}", gate=gate,
             epochs=EPOCHS, rate=LEARNING_RATE, loss=loss, below=LOSS_BELOW), "does_not_learn")
    labels = (y > 0.5).astype(int).reshape(-1)
    targets = tdata.reshape(-1)
    expect(np.array_equal(labels, targets),
           _("after training on {gate} the network's params compute {labels}, not the targets {targets}",
             gate=gate, labels=labels.tolist(), targets=targets.tolist()), "wrong_gate")
