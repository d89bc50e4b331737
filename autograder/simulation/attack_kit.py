"""What an attack of the catalogue (:mod:`autograder.simulation.attacks`) is, and how one is built.

Each attack is a submission folder a real student could hand in, built on
a week's release with the reference pasted in. Expectations:

* ``at_most="honest"``: no more than the same notebook without the cheat
  (``honest``: the exercises' honest wrong answers the cheat is built on);
* ``loses_only``: that exercise loses points, every other keeps all;
* ``total``: exactly this many points;
* ``zero``: this test cell scores nothing;
* ``message``: the messages of the exercise that loses points say this;
* ``seconds``: grading the notebook ends within this many seconds.

Every attack's messages must hold no text of the hidden suites or the
reference solutions, whatever the cheat tried to carry out.
"""

import copy
import dataclasses

import nbformat

from ..course import cells
from ..course.cells import solution_cells

WEEK = "week01"
NOTEBOOK = "<notebook>.ipynb"  # in a built submission: the week's notebook, whatever its name
WRONG_SIGMOID = "def sigmoid(x):\n    # a straight line instead of the S-curve\n    return np.asarray(x, dtype=float) * 0.25 + 0.5\n"


@dataclasses.dataclass(frozen=True)
class Attack:
    id: str
    kind: str  # cheat | steal | leak | hang | crash | damage
    description: str
    build: object  # (reference_nb) -> {filename: bytes}; NOTEBOOK stands for the week's notebook
    at_most: str = None
    loses_only: str = None
    total: float = None
    needs: str = None  # "bubblewrap" or "process cap": skipped where the machine lacks it
    batch_error: bool = False  # nbgrader itself reports this student as failed
    week: str = WEEK
    honest: tuple = (("sigmoid", WRONG_SIGMOID),)  # ((exercise, code), ...) of the honest wrong answer
    zero: str = None
    message: str = None
    seconds: float = None

    def honest_notebook(self, reference):
        """The honest wrong answer this cheat is built on."""
        nb = reference
        for exercise, code in self.honest:
            nb = replace(nb, exercise, code)
        return nb


def honest(reference):
    """week01's honest wrong answer (a straight line for sigmoid) the week01 cheats are built on."""
    return replace(reference, "sigmoid", WRONG_SIGMOID)


def replace(nb, exercise, code):
    nb = copy.deepcopy(nb)
    solution_cells(nb)[exercise].source = code
    return nb


def files(nb, **extra):
    built = {NOTEBOOK: nbformat.writes(nb).encode()}
    built.update({name: data.encode() if isinstance(data, str) else data for name, data in extra.items()})
    return built


def replacing(*codes, after=None, extra=""):
    """The reference with ``codes`` ((exercise, code), ...) in those exercises' cells, and
    ``extra`` as a cell of its own after the cell of exercise ``after``."""
    def build(reference):
        nb = reference
        for exercise, code in codes:
            nb = replace(nb, exercise, code)
        if extra:
            nb = copy.deepcopy(nb)
            index = nb.cells.index(solution_cells(nb)[after])
            nb.cells.insert(index + 1, nbformat.v4.new_code_cell(extra))
        return files(nb)
    return build


def cheat(code, **extra):
    """Honest wrong sigmoid plus a cell of cheating code right after it."""
    def build(reference):
        nb = honest(reference)
        index = nb.cells.index(solution_cells(nb)["sigmoid"])
        nb.cells.insert(index + 1, nbformat.v4.new_code_cell(code))
        return files(nb, **extra)
    return build


def in_relu(code):
    def build(reference):
        return files(replace(reference, "relu", code))
    return build


def edited(edit):
    def build(reference):
        nb = copy.deepcopy(reference)
        edit(nb)
        return files(nb)
    return build


def raw(data, name=NOTEBOOK):
    return lambda reference: {name: data}


def delete_cell(grade_id):
    def edit(nb):
        nb.cells = [c for c in nb.cells if cells.grade_id(c) != grade_id]
    return edit


def duplicate_cells(nb):
    for grade_id in ("relu", "test_relu"):
        cell = next(c for c in nb.cells if cells.grade_id(c) == grade_id)
        twin = copy.deepcopy(cell)
        twin["id"] = f"{cell['id']}-copy"
        nb.cells.insert(nb.cells.index(cell) + 1, twin)


def strip_metadata(nb):
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)


def markdown_solution(nb):
    cell = solution_cells(nb)["tanh"]
    cell.cell_type = "markdown"
    del cell["outputs"], cell["execution_count"]
