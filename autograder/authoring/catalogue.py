"""The catalogue of known-wrong answers, one TOML file per week.

Each entry is a mistake students really make, written as the code of one
exercise cell::

    [[wrong]]
    id = "sigmoid_overflows"
    exercise = "sigmoid"
    mistake = "the textbook formula 1/(1+exp(-x)) overflows at x = -1000"
    code = '''
    def sigmoid(x):
        return 1 / (1 + np.exp(-x))
    '''

The release gate grades the reference notebook with that one cell
replaced and requires the exercise to lose points (and, for fairness, no
other exercise to lose any). The demo uses the entries as its students.
"""

import copy
import dataclasses
import tomllib

from ..course.cells import solution_cells
from ..course.weeks import CATALOGUE
from ..errors import KitError


@dataclasses.dataclass(frozen=True)
class WrongAnswer:
    id: str
    exercise: str
    mistake: str
    code: str


def load(week_id):
    path = CATALOGUE / f"{week_id}.toml"
    if not path.exists():
        return []
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get("wrong", [])
    answers = [WrongAnswer(e["id"], e["exercise"], e["mistake"], e["code"].strip("\n")) for e in entries]
    ids = [a.id for a in answers]
    if len(ids) != len(set(ids)):
        raise KitError(f"{path.name}: duplicate ids")
    return answers


def apply(nb, answer):
    """A copy of ``nb`` whose ``answer.exercise`` cell holds ``answer.code``."""
    nb = copy.deepcopy(nb)
    cells = solution_cells(nb)
    if answer.exercise not in cells:
        raise KitError(f"catalogue entry {answer.id}: no exercise cell {answer.exercise!r}")
    cells[answer.exercise].source = answer.code
    return nb
