"""Hidden checks for week05: the network learns XOR and XNOR (cell test_XORNet_learns, 1.5 points).

Numerical-derivative training is slow, so the checks use a large learning
rate and starting parameters from which the reference learns each gate in
under 35 epochs for every order of the four samples (the grader shuffles
them); 40 epochs are trained. XNOR is the same class on other targets, so a
hard-coded XOR table fails it.

Learning is judged from the network's own ``params`` after ``train``,
with the reference's forward pass and loss: the loss ``train`` reports
must be the loss of those parameters, which must be low and compute the
gate. ``predict`` is not called here (its own checks grade it), so
invented losses or a table of answers earn nothing, and a mistake in
``predict`` is not charged twice.
"""

import numpy as np
import pytest

from autograder.checks import expect
from solutions import week05 as ref

pytestmark = [pytest.mark.cell("test_XORNet_learns"), pytest.mark.isolated]

LEARNING_RATE = 2.0
EPOCHS = 40
LOSS_BELOW = 0.5  # the reference ends below 0.15; one logistic regression stays at 4·ln 2 ≈ 2.77
LOSS_RTOL = 1e-6  # the reported loss against the loss of the network's own parameters
STARTS = {"XOR": 1, "XNOR": 7}  # seed of the reference's draws used as the starting parameters


def network_output(params, x):
    """The reference forward pass with the given parameters: y (m, 1)."""
    hidden = ref.sigmoid(np.asarray(x, dtype=np.float64) @ params["W2"] + params["b2"])
    return ref.sigmoid(hidden @ params["W3"] + params["b3"])


@pytest.mark.parametrize("gate", STARTS, ids=STARTS)
def test_learns(xornet, rng, gate):
    order = rng.permutation(4)
    xdata, tdata = xornet.inputs[order], xornet.targets[gate][order]
    start = ref.XORNet(xdata, tdata, seed=STARTS[gate]).params
    net = xornet.create(xdata, tdata, learning_rate=LEARNING_RATE, seed=0)
    xornet.inject(net, start)
    losses = xornet.train(net, EPOCHS)
    params = xornet.params(net)
    h = start["b2"].size
    for key, shape in xornet.shapes(h).items():
        expect(params[key].size == int(np.prod(shape)), f"after training, params['{key}'] holds "
               f"{params[key].size} numbers; with {h} hidden nodes it has shape {shape}")
    params = {key: params[key].astype(np.float64).reshape(shape) for key, shape in xornet.shapes(h).items()}
    y = network_output(params, xdata)
    loss = ref.cross_entropy(y, tdata.reshape(-1, 1))
    expect(np.isfinite(losses[-1]) and abs(losses[-1] - loss) <= LOSS_RTOL * max(1.0, abs(loss)),
           f"train({EPOCHS}) reported a last loss of {losses[-1]:.6g}, but the network's own params after "
           f"training have the loss {loss:.6g}: report the loss of the parameters after each epoch")
    expect(loss < LOSS_BELOW,
           f"XORNet did not learn {gate}: after {EPOCHS} epochs at learning_rate={LEARNING_RATE} the loss of "
           f"its params is {loss:.3g}, from a start where the lecture's training gets below {LOSS_BELOW}")
    labels = (y > 0.5).astype(int).reshape(-1)
    expect(np.array_equal(labels, tdata),
           f"after training on {gate} the network's params compute {labels.tolist()}, not the targets "
           f"{tdata.tolist()}")
