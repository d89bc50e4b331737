"""Hidden checks for week03 `xor_by_composition` (cell test_xor_by_composition, 3 points).

The gates are grader-written stand-ins built in the student process (an
``Expr``): one logistic regression each, with the grader's W and b and a
correct ``predict`` shaped like ``LogicGate.predict`` (x (2,) → y and int
labels of shape (1,), x (m, 2) → (m, 1)). So a wrong ``LogicGate`` costs
nothing here, and gates that are NOT the true NAND / OR / AND (imperfect
ones, or one replaced by a gate of known other answers) make the right
composition differ from the XOR table, which catches a hard-coded answer
and any gate left unused.
"""

import numpy as np
import pytest

from autograder.checks import Mistake, expect, expect_shape
from autograder.sandbox.protocol import Expr
from autograder.texts import domain

_ = domain("week03")
pytestmark = [pytest.mark.cell("test_xor_by_composition"), pytest.mark.isolated]

# x (2,) → y, labels of shape (1,); x (m, 2) → (m, 1), like LogicGate.predict
STAND_IN = (
    "type('Gate', (), {{'predict': lambda self, x: (lambda y: (y, (y > 0.5).astype(np.int64)))("
    "1.0 / (1.0 + np.exp(-(np.asarray(x, dtype=np.float64) @ np.array({W}) + np.array({b})))))}})()")

TRUE_GATES = {"NAND": ([-20.0, -20.0], 30.0), "OR": ([20.0, 20.0], -10.0), "AND": ([20.0, 20.0], -30.0)}
ALWAYS_1 = ([0.0, 0.0], 5.0)

FOUR = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])


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


def outputs_of(w, b, X):
    z = np.asarray(X, dtype=float) @ np.array(w, dtype=float) + b
    return 1.0 / (1.0 + np.exp(-z))


IGNORED = _("is the XOR truth table, but the gates given here are not all perfect (so the right answer is "
            "not XOR): compute the answer from the three given gates' predict, not from a fixed table or "
            "from X itself")
SWAPPED = _("the AND gate got its inputs in the wrong order; feed it [NAND label, OR label] "
            "(s1 = NAND first, s2 = OR), as in the lecture")
FED_OUTPUTS = _("the AND gate got the outputs y of NAND and OR; give it their labels (0 or 1), the second "
                "element of what predict returns")


def check(out, gates, X, where, ignored=IGNORED, suspects=()):
    """``out`` is AND(NAND(X), OR(X)) of the stand-in ``gates`` (nand, or, and), shape (m,), int.

    A wrong answer names a mistake only when it is the answer of exactly one known mistake (a
    fixed XOR table, the AND gate's inputs swapped, the outputs y fed instead of the labels), and
    that one is the table or one of the ``suspects`` this check's gates are built to show.
    """
    nand, or_, and_ = gates
    m = len(X)
    if isinstance(out, np.ndarray) and out.shape == (m, 1):
        raise Mistake(_("has shape (m, 1); return one label per row of X, shape (m,) (flatten the AND gate's "
                        "(m, 1) labels)"), "column_output", where)
    out = expect_shape(out, (m,), where, _("one label per row of X"))
    expect(out.dtype.kind in "iu", _("has dtype {dtype}; labels are integers", dtype=out.dtype),
           "labels_not_int", where)
    expected = composed(nand, or_, and_, X)
    if np.array_equal(out, expected):
        return
    swapped = labels_of(*and_, np.column_stack([labels_of(*or_, X), labels_of(*nand, X)]))
    known = {("ignores_the_gates", ignored): xor_table(X), ("and_inputs_swapped", SWAPPED): swapped,
             ("fed_outputs", FED_OUTPUTS): fed_outputs(nand, or_, and_, X)}
    # every known mistake that gives this answer counts; one is named only if it is the only one
    matching = [named for named, wrong in known.items()
                if not np.array_equal(wrong, expected) and np.array_equal(out, wrong)]
    matching = matching if all(kind in ("ignores_the_gates", *suspects) for kind, _text in matching) else []
    if len(matching) == 1:
        kind, text = matching[0]
        raise Mistake(text, kind, where)
    raise Mistake(_("the labels differ from AND(NAND(x), OR(x)) of the gates given: feed each row's NAND label "
                    "and OR label, as a pair, to the AND gate's predict, and return the AND gate's labels"),
                  "wrong_labels", where)


# the four inputs shuffled, two of them twice: one label per row, in X's order
SHUFFLED = np.array([[1, 1], [0, 1], [0, 0], [1, 0], [0, 1], [1, 1]])


def test_true_gates_give_xor(student):
    X = SHUFFLED
    nand, or_, and_ = (TRUE_GATES[k] for k in ("NAND", "OR", "AND"))
    check(call(student, nand, or_, and_, X), (nand, or_, and_), X, _("xor_by_composition with ideal gates"))


def fed_outputs(nand, or_, and_, X):
    """What AND gives when fed the outputs y of NAND and OR, not their labels."""
    return labels_of(*and_, np.column_stack([outputs_of(*nand, X), outputs_of(*or_, X)]))


def random_gates(rng, X):
    """Imperfect symmetric gates whose composition differs from the XOR table on X and, where such
    gates are found, whose outputs y fed to AND do not give the XOR table either (so that a fixed
    table is told apart from that mistake)."""
    for attempt in range(400):
        gates = []
        for _gate in range(3):
            w = rng.normal(0.0, 4.0)
            gates.append(([w, w], float(rng.normal(0.0, 4.0))))
        telling = attempt >= 200 or not np.array_equal(fed_outputs(*gates, X), xor_table(X))
        if telling and not np.array_equal(composed(*gates, X), xor_table(X)):
            return gates
    raise RuntimeError("no imperfect gates found")  # never: most random gates are imperfect


@pytest.mark.parametrize("case", ["first", "second"])
def test_uses_the_given_gates(student, rng, case):
    X = np.vstack([FOUR, rng.integers(0, 2, size=(3, 2))])
    nand, or_, and_ = random_gates(rng, X)
    where = (_("xor_by_composition with the grader's imperfect gates (first set)") if case == "first"
             else _("xor_by_composition with the grader's imperfect gates (second set)"))
    check(call(student, nand, or_, and_, X), (nand, or_, and_), X, where)


# one gate replaced by one of known other answers: the composition must follow it
REPLACED = {
    "nand_gate": (ALWAYS_1, TRUE_GATES["OR"], TRUE_GATES["AND"]),  # AND(1, OR) = OR
    "or_gate": (TRUE_GATES["NAND"], ALWAYS_1, TRUE_GATES["AND"]),  # AND(NAND, 1) = NAND
    "and_gate": (TRUE_GATES["NAND"], TRUE_GATES["OR"], TRUE_GATES["OR"]),  # OR(NAND, OR) = 1
}


@pytest.mark.parametrize("which", REPLACED)
def test_each_given_gate_counts(student, which):
    X = SHUFFLED
    nand, or_, and_ = REPLACED[which]
    if which == "nand_gate":
        where = _("xor_by_composition with a nand_gate that answers 1 for every input")
        ignored = _("is the XOR truth table, but the nand_gate given here answers 1 for every input, so the "
                    "composition is OR(x): use the given nand_gate's predict for s1, not a NAND of your own")
    elif which == "or_gate":
        where = _("xor_by_composition with an or_gate that answers 1 for every input")
        ignored = _("is the XOR truth table, but the or_gate given here answers 1 for every input, so the "
                    "composition is NAND(x): use the given or_gate's predict for s2, not an OR of your own")
    else:
        where = _("xor_by_composition with an OR gate passed as and_gate")
        ignored = _("is the XOR truth table, but the and_gate given here is an OR, so the composition is 1 for "
                    "every input: feed [s1, s2] to the given and_gate's predict, not to an AND of your own")
    check(call(student, nand, or_, and_, X), (nand, or_, and_), X, where, ignored=ignored)


@pytest.mark.parametrize("m", [2, 3, 5])
def test_any_number_of_rows(student, rng, m):
    X = rng.integers(0, 2, size=(m, 2)).astype({2: np.int64, 3: np.float64, 5: np.int32}[m])
    nand, or_, and_ = random_gates(rng, X)
    check(call(student, nand, or_, and_, X), (nand, or_, and_), X,
          _("xor_by_composition for X of {m} rows ({dtype}) with imperfect gates", m=m, dtype=X.dtype.name))


def test_real_valued_inputs(student, rng):
    X = rng.uniform(-0.5, 1.5, size=(8, 2))
    nand, or_, and_ = TRUE_GATES["NAND"], TRUE_GATES["OR"], TRUE_GATES["AND"]
    check(call(student, nand, or_, and_, X), (nand, or_, and_), X,
          _("xor_by_composition for inputs that are not 0/1 (8 rows)"))


def test_nand_label_is_the_first_input_of_and(student):
    X = FOUR
    nand, or_ = TRUE_GATES["NAND"], TRUE_GATES["OR"]
    and_ = ([6.0, -6.0], -3.0)  # 1 only for the input pair [1, 0]: the order of the pair matters
    check(call(student, nand, or_, and_, X), (nand, or_, and_), X,
          _("xor_by_composition with an AND gate that tells its two inputs apart"), suspects=("and_inputs_swapped",))


def test_feeds_labels_not_outputs(student):
    X = SHUFFLED
    # soft gates: outputs y between 0.3 and 0.8, labels still those of NAND and OR
    gates = ([-1.0, -1.0], 1.5), ([1.0, 1.0], -0.5), TRUE_GATES["AND"]
    check(call(student, *gates, X), gates, X,
          _("xor_by_composition with gates whose outputs y are far from 0 and 1"), suspects=("fed_outputs",))


def test_one_row(student):
    X = np.array([[1, 0]])
    gates = tuple(TRUE_GATES[k] for k in ("NAND", "OR", "AND"))
    check(call(student, *gates, X), gates, X, _("xor_by_composition for X of one row (1, 2)"))
