"""Hidden checks for week03 `LogicGate.loss_val` (cell test_LogicGate_loss_val, 1 point).

The student's gate gets the grader's W and b; the loss is compared with the
reference gate's from the same parameters.
"""

import numpy as np
import pytest

from autograder.checks import ATOL, RTOL, Mistake

pytestmark = [pytest.mark.cell("test_LogicGate_loss_val"), pytest.mark.isolated]

FORMULA = ("loss_val() is the summed cross-entropy of sigmoid(xdata · W + b) against tdata "
           "(use cross_entropy from lecture_lib)")


def check_loss(got, expected, m, what):
    if np.isclose(got, expected, rtol=RTOL, atol=ATOL):
        return
    if np.isclose(got * m, expected, rtol=RTOL, atol=ATOL):
        raise Mistake(f"{what} is the MEAN over the samples; the course's loss is the SUM")
    raise Mistake(f"{what} has the wrong value — {FORMULA}")


@pytest.mark.parametrize("name", ["AND", "OR"])
def test_matches_the_reference(gates, rng, name):
    gate = gates.create(name, gates.inputs, gates.targets[name], seed=0)
    W, b = gates.start(rng, scale=2.0)
    gates.inject(gate, W, b)
    expected = gates.reference(name, gates.inputs, gates.targets[name], W, b).loss_val()
    check_loss(gates.loss(gate), expected, 4, f"loss_val() of the {name} gate")


def test_reads_the_current_parameters(gates, rng):
    m = 7
    xdata = rng.integers(0, 2, size=(m, 2))
    tdata = rng.integers(0, 2, size=(m, 1))
    gate = gates.create("custom", xdata, tdata, seed=0)
    for _ in range(2):  # two different parameter sets on the same gate
        W, b = gates.start(rng)
        gates.inject(gate, W, b)
        expected = gates.reference("custom", xdata, tdata, W, b).loss_val()
        check_loss(gates.loss(gate), expected, m,
                   "loss_val() after W and b were changed (7 samples)")
