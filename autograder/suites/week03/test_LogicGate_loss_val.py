"""Hidden checks for week03 `LogicGate.loss_val` (cell test_LogicGate_loss_val, 1 point).

The student's gate gets the grader's data, W and b; the loss is compared with
the reference gate's from the same parameters.
"""

import numpy as np
import pytest

from autograder.checks import ATOL, RTOL, Mistake
from autograder.texts import domain

_ = domain("week03")
pytestmark = [pytest.mark.cell("test_LogicGate_loss_val"), pytest.mark.isolated]

FORMULA = _("loss_val() is the summed cross-entropy of sigmoid(xdata · W + b) against tdata "
            "(use cross_entropy from lecture_lib)")


def check_loss(got, expected, m, where):
    if np.isclose(got, expected, rtol=RTOL, atol=ATOL):
        return
    if m > 1 and np.isclose(got * m, expected, rtol=RTOL, atol=ATOL):
        raise Mistake(_("is the MEAN over the samples (the sum divided by their number m); the course's loss is "
                        "the SUM"), "mean_loss", where)
    raise Mistake(_("returned {got:.6g}, expected {want:.6g}; {formula}", got=got, want=expected, formula=FORMULA),
                  "wrong_loss", where)


@pytest.mark.parametrize("name", ["AND", "OR"])
def test_matches_the_reference(gates, rng, name):
    W, b = gates.start(rng, scale=2.0)
    gate = gates.prepared(name, gates.inputs, gates.targets[name], W, b)
    expected = gates.reference(name, gates.inputs, gates.targets[name], W, b).loss_val()
    check_loss(gates.loss(gate), expected, 4, _("loss_val() of the {name} gate", name=name))


def test_reads_the_current_parameters(gates, rng):
    m = 7
    xdata = rng.integers(0, 2, size=(m, 2))
    tdata = rng.integers(0, 2, size=(m, 1))
    W, b = gates.start(rng)
    gate = gates.prepared("custom", xdata, tdata, W, b)
    for _round in range(2):  # two different parameter sets on the same gate
        W, b = gates.start(rng)
        gates.inject(gate, W, b)
        expected = gates.reference("custom", xdata, tdata, W, b).loss_val()
        check_loss(gates.loss(gate), expected, m, _("loss_val() after W and b were changed (7 samples)"))


@pytest.mark.parametrize("m", [1, 3])
def test_any_number_of_samples(gates, rng, m):
    xdata = rng.uniform(-0.5, 1.5, size=(m, 2))
    tdata = rng.integers(0, 2, size=m)
    W, b = gates.start(rng, scale=2.0)
    gate = gates.prepared("custom", xdata, tdata, W, b)
    expected = gates.reference("custom", xdata, tdata, W, b).loss_val()
    check_loss(gates.loss(gate), expected, m, _("loss_val() on {m} samples", m=m))
