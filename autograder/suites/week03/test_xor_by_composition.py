"""Hidden checks for week03 `xor_by_composition` (cell test_xor_by_composition, 3 points).

The gates are grader-written stand-ins built in the student process (an
``Expr``): one logistic regression each, with the grader's W and b and a
``predict`` shaped like ``LogicGate.predict``. So a wrong ``LogicGate``
costs nothing here, and gates that are NOT the true NAND / OR / AND make
the right composition differ from the XOR table, which catches a
hard-coded answer.
"""

import numpy as np
import pytest

from autograder.checks import Mistake, expect, expect_shape
from autograder.sandbox.protocol import Expr

pytestmark = [pytest.mark.cell("test_xor_by_composition"), pytest.mark.isolated]

# x (2,) → y, labels of shape (1,); x (m, 2) → (m, 1), like LogicGate.predict
STAND_IN = (
    "type('Gate', (), {{'predict': lambda self, x: (lambda y: (y, (y > 0.5).astype(np.int64)))("
    "1.0 / (1.0 + np.exp(-(np.asarray(x, dtype=np.float64) @ np.array({W}) + np.array({b})))))}})()")

TRUE_GATES = {"NAND": ([-20.0, -20.0], 30.0), "OR": ([20.0, 20.0], -10.0), "AND": ([20.0, 20.0], -30.0)}


def stand_in(w, b):
    return Expr(STAND_IN.format(W=[[float(w[0])], [float(w[1])]], b=[float(b)]))


def labels_of(w, b, X):
    z = np.asarray(X, dtype=float) @ np.array(w, dtype=float) + b
    return (1.0 / (1.0 + np.exp(-z)) > 0.5).astype(int)


def composed(nand, or_, and_, X):
    """AND(NAND(x), OR(x)) with the first input of AND the NAND label."""
    s = np.column_stack([labels_of(*nand, X), labels_of(*or_, X)])
    return labels_of(*and_, s)


def xor_table(X):
    X = np.asarray(X).astype(int)
    return X[:, 0] ^ X[:, 1]


def call(student, nand, or_, and_, X):
    return student.call("xor_by_composition", stand_in(*nand), stand_in(*or_), stand_in(*and_), X)


def check(out, expected, X, what, swapped=None):
    m = len(X)
    if isinstance(out, np.ndarray) and out.shape == (m, 1):
        raise Mistake(f"{what} has shape {out.shape}; return one label per row of X, shape (m,) "
                      "(flatten the AND gate's (m, 1) labels)")
    out = expect_shape(out, (m,), what, "one label per row of X")
    expect(out.dtype.kind in "iu", f"{what} has dtype {out.dtype}; labels are integers")
    if np.array_equal(out, expected):
        return
    if not np.array_equal(expected, xor_table(X)) and np.array_equal(out, xor_table(X)):
        raise Mistake(f"{what} is the XOR truth table, but the gates given here are not perfect: "
                      "compute the answer from the three gates' predict, not from a fixed table")
    if swapped is not None and np.array_equal(out, swapped):
        raise Mistake(f"{what}: the AND gate got its inputs in the wrong order; feed it "
                      "[NAND label, OR label] (s1 = NAND first, s2 = OR), as in the lecture")
    raise Mistake(f"{what} is wrong: feed each row's NAND label and OR label, as a pair, to the AND gate's "
                  "predict, and return the AND gate's labels")


# the four inputs shuffled, two of them twice: one label per row, in X's order
SHUFFLED = np.array([[1, 1], [0, 1], [0, 0], [1, 0], [0, 1], [1, 1]])


def test_true_gates_give_xor(student):
    X = SHUFFLED
    nand, or_, and_ = (TRUE_GATES[k] for k in ("NAND", "OR", "AND"))
    check(call(student, nand, or_, and_, X), xor_table(X), X, "xor_by_composition with ideal gates")


def random_gates(rng, X):
    """Imperfect symmetric gates whose composition differs from the XOR table on X."""
    for _ in range(200):
        gates = []
        for _ in range(3):
            w = rng.normal(0.0, 4.0)
            gates.append(([w, w], float(rng.normal(0.0, 4.0))))
        if not np.array_equal(composed(*gates, X), xor_table(X)):
            return gates
    raise RuntimeError("no imperfect gates found")  # never: most random gates are imperfect


@pytest.mark.parametrize("case", ["first", "second"])
def test_uses_the_given_gates(student, rng, case):
    X = np.vstack([np.array([[0, 0], [0, 1], [1, 0], [1, 1]]), rng.integers(0, 2, size=(3, 2))])
    nand, or_, and_ = random_gates(rng, X)
    check(call(student, nand, or_, and_, X), composed(nand, or_, and_, X), X,
          f"xor_by_composition with the grader's imperfect gates ({case} set)")


def test_real_valued_inputs(student, rng):
    X = rng.uniform(-0.5, 1.5, size=(8, 2))
    nand, or_, and_ = TRUE_GATES["NAND"], TRUE_GATES["OR"], TRUE_GATES["AND"]
    check(call(student, nand, or_, and_, X), composed(nand, or_, and_, X), X,
          "xor_by_composition for inputs that are not 0/1 (8 rows)")


def test_nand_label_is_the_first_input_of_and(student):
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    nand, or_ = TRUE_GATES["NAND"], TRUE_GATES["OR"]
    and_ = ([6.0, -6.0], -3.0)  # 1 only for the input pair [1, 0]: the order of the pair matters
    expected = composed(nand, or_, and_, X)
    swapped = labels_of(*and_, np.column_stack([labels_of(*or_, X), labels_of(*nand, X)]))
    check(call(student, nand, or_, and_, X), expected, X,
          "xor_by_composition with an AND gate that tells its two inputs apart", swapped=swapped)


def outputs_of(w, b, X):
    z = np.asarray(X, dtype=float) @ np.array(w, dtype=float) + b
    return 1.0 / (1.0 + np.exp(-z))


def test_feeds_labels_not_outputs(student):
    X = SHUFFLED
    # soft gates: outputs y between 0.3 and 0.8, labels still those of NAND and OR
    nand, or_, and_ = ([-1.0, -1.0], 1.5), ([1.0, 1.0], -0.5), TRUE_GATES["AND"]
    expected = composed(nand, or_, and_, X)
    fed_outputs = labels_of(*and_, np.column_stack([outputs_of(*nand, X), outputs_of(*or_, X)]))
    out = call(student, nand, or_, and_, X)
    if np.shape(out) == (len(X),) and not np.array_equal(expected, fed_outputs) and np.array_equal(out, fed_outputs):
        raise Mistake("xor_by_composition with gates whose outputs y are far from 0 and 1: the AND gate got "
                      "the outputs y of NAND and OR; give it their labels (0 or 1), the second element "
                      "of what predict returns")
    check(out, expected, X, "xor_by_composition with gates whose outputs y are far from 0 and 1")


def test_one_row(student):
    X = np.array([[1, 0]])
    nand, or_, and_ = (TRUE_GATES[k] for k in ("NAND", "OR", "AND"))
    check(call(student, nand, or_, and_, X), np.array([1]), X, "xor_by_composition for X of one row (1, 2)")
