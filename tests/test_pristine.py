"""grade-notebook skips nbgrader's sanitising only where it could not change the code graded.

Every notebook here is also sanitised by nbgrader (``sanitize.sanitize``, the
kit's steps): whenever :func:`pristine.code_unchanged` says yes, the code the
student process runs must be the same either way, and nbgrader must accept
the notebook. The damaged notebooks are the ways a student's JupyterLab
session (or a student) changes a notebook.
"""

import copy
import subprocess
import sys

import nbformat
import pytest

from autograder.authoring import catalogue, solution_cells
from autograder.course import cells
from autograder.course.table import KIT_ROOT
from autograder.grading import grade, pristine, sanitize

from test_metadata_check import DAMAGE


def _by_id(nb, grade_id):
    return next(cell for cell in nb.cells if cells.grade_id(cell) == grade_id)


def _first(nb, test):
    return next(cell for cell in nb.cells if test(cell))


def _edit(nb, grade_id, text):
    _by_id(nb, grade_id).source += text


def _delete(nb, test):
    nb.cells.remove(_first(nb, test))


def _duplicate(nb, test):
    cell = _first(nb, test)
    nb.cells.insert(nb.cells.index(cell) + 1, copy.deepcopy(cell))


def _retype(nb, test, cell_type):
    cell = _first(nb, test)
    cell.cell_type = cell_type
    if cell_type == "markdown":
        cell.pop("outputs", None)
        cell.pop("execution_count", None)
    else:
        cell.outputs, cell.execution_count = [], None


def _set_meta(nb, test, **changes):
    _first(nb, test).metadata.nbgrader.update(changes)


def _swap_solutions(nb):
    first, second = [i for i, cell in enumerate(nb.cells) if cells.is_solution_cell(cell)][:2]
    nb.cells[first], nb.cells[second] = nb.cells[second], nb.cells[first]


def _with_output(nb):
    cell = _first(nb, cells.is_solution_cell)
    cell.outputs = [nbformat.v4.new_output("stream", text="hello\n")]
    cell.execution_count = 3


def _locked_code(cell):
    return cell.cell_type == "code" and cells.nbgrader_meta(cell).get("locked") and not cells.is_test_cell(cell)


# what a notebook went through -> (the change, whether its code is still the release's as far as
# sanitising goes: True where the fast path must be taken, False where nbgrader must sanitise)
CHANGES = {
    "as handed out": (lambda nb: None, True),
    "outputs kept": (_with_output, True),
    "a helper cell added": (lambda nb: nb.cells.insert(3, nbformat.v4.new_code_cell("def helper():\n    return 1")), True),
    "solution cells moved": (_swap_solutions, True),
    "a test cell edited": (lambda nb: _edit(nb, "test_sigmoid", "\nassert True"), True),
    "a locked code cell edited": (lambda nb: _edit(nb, "imports", "\nnp = None"), False),
    "a locked code cell unlocked and edited": (
        lambda nb: (_set_meta(nb, lambda c: cells.grade_id(c) == "imports", locked=False),
                    _edit(nb, "imports", "\nnp = None")), False),
    "a test cell deleted": (lambda nb: _delete(nb, cells.is_test_cell), False),
    "a solution cell deleted": (lambda nb: _delete(nb, cells.is_solution_cell), False),
    "a locked cell deleted": (lambda nb: _delete(nb, _locked_code), False),
    "a solution cell duplicated": (lambda nb: _duplicate(nb, cells.is_solution_cell), False),
    "a solution cell made markdown": (lambda nb: _retype(nb, cells.is_solution_cell, "markdown"), False),
    "a locked markdown cell made code": (
        lambda nb: _retype(nb, lambda c: c.cell_type == "markdown" and cells.grade_id(c), "code"), False),
    "a solution cell's metadata removed": (lambda nb: _first(nb, cells.is_solution_cell).metadata.pop("nbgrader"),
                                           False),
    "a solution cell marked as a test cell": (lambda nb: _set_meta(nb, cells.is_solution_cell, grade=True, points=1),
                                              False),
    "a test cell's points changed": (lambda nb: _set_meta(nb, cells.is_test_cell, points=100), False),
    "a cell with an unknown grade_id": (
        lambda nb: nb.cells.insert(2, nbformat.v4.new_code_cell(
            "x = 1", metadata={"nbgrader": {**_first(nb, cells.is_solution_cell).metadata.nbgrader,
                                            "grade_id": "mine"}})), False),
    "nbgrader metadata that is not a dict": (lambda nb: _first(nb, cells.is_solution_cell).metadata.update(nbgrader=[1]),
                                             False),
    **{f"test cell metadata: {name}": (
        lambda nb, damage=damage: _first(nb, cells.is_test_cell).metadata.update(
            nbgrader=damage(_first(nb, cells.is_test_cell).metadata.nbgrader)), False)
       for name, damage in DAMAGE.items()},
}


def _code_either_way(nb, week):
    """``(fast path taken, code as read, code after nbgrader's sanitising or its refusal)``."""
    fast = pristine.code_unchanged(nb, week)
    try:
        sanitised = cells.student_code(sanitize.sanitize(nb, week, "student"))
    except sanitize.DamagedNotebook as exc:
        sanitised = exc
    return fast, cells.student_code(nb), sanitised


@pytest.mark.parametrize("change", CHANGES)
def test_a_changed_notebook_skips_sanitising_only_when_its_code_is_unchanged(week01, change):
    nb = solution_cells.reference_release(week01)
    apply, expected = CHANGES[change]
    apply(nb)
    fast, as_read, sanitised = _code_either_way(nb, week01)
    assert fast == expected
    if fast:
        assert as_read == sanitised


def test_every_weeks_release_reference_and_known_wrong_answers_take_the_fast_path(week):
    release = nbformat.read(week.release_notebook, as_version=4)
    reference = solution_cells.reference_release(week)
    for nb in [release, reference, *(catalogue.apply(reference, a) for a in catalogue.load(week.id))]:
        fast, as_read, sanitised = _code_either_way(nb, week)
        assert fast and as_read == sanitised


def test_the_steps_modelled_are_the_kits_sanitising_steps():
    # a step added to nbgrader_config.py must be modelled in pristine.py before the fast path may stay
    assert tuple(sanitize.sanitize_steps(sanitize.kit_config())) == pristine.MODELLED_STEPS


def test_a_course_with_its_own_config_is_always_sanitised(week01, reference_release, monkeypatch):
    used = []
    monkeypatch.setattr(sanitize, "sanitize", lambda nb, *args: used.append(args) or nb)
    grade.read_submission(reference_release, week01, "alice", config=sanitize.kit_config(), code_only=True)
    grade.read_submission(reference_release, week01, "alice")  # the workers' route: nbgrader stores the result
    assert len(used) == 2
    grade.read_submission(reference_release, week01, "alice", code_only=True)
    assert len(used) == 2


def test_grading_an_intact_notebook_imports_no_nbgrader(reference_release, tmp_path):
    damaged = tmp_path / "carol" / "activations.ipynb"
    damaged.parent.mkdir()
    nb = nbformat.read(reference_release, as_version=4)
    _edit(nb, "imports", "\nimport math")
    nbformat.write(nb, damaged)
    probe = ("import sys; from autograder.grading import grade; r = grade.grade_notebook(sys.argv[1], 'week01'); "
             "print(r.score == r.max_score, 'nbgrader' in sys.modules)")
    for path, imported in ((reference_release, "False"), (damaged, "True")):
        out = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True,
                             cwd=KIT_ROOT, check=True).stdout.split()
        assert out == ["True", imported]
