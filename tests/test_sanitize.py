"""Sanitising reads the scratch gradebook's rows from memory, and makes what nbgrader's own queries make."""

import copy

import nbgrader.api
import pytest
from nbgrader.preprocessors import overwritecells, overwritekernelspec

from autograder.authoring import solution_cells
from autograder.course import cells, weeks
from autograder.grading import sanitize

from test_pristine import CHANGES


def _sanitised(nb, week, config=None):
    try:
        return sanitize.sanitize(copy.deepcopy(nb), week, "student", config)
    except sanitize.DamagedNotebook as exc:
        return f"refused: {exc}"


@pytest.mark.parametrize("add_missing", [False, True], ids=["kit config", "add_missing_cells"])
def test_every_changed_notebook_is_sanitised_as_nbgraders_queries_sanitise_it(week01, monkeypatch, add_missing):
    config = copy.deepcopy(sanitize.kit_config())
    config.OverwriteCells.add_missing_cells = add_missing
    notebooks = []
    for apply, _fast in CHANGES.values():
        nb = solution_cells.reference_release(week01)
        apply(nb)
        notebooks.append(nb)
    from_memory = [_sanitised(nb, week01, config) for nb in notebooks]
    with monkeypatch.context() as patched:  # every step queries the scratch gradebook through nbgrader
        patched.setattr(sanitize, "gradebook", nbgrader.api.Gradebook)
        from_queries = [_sanitised(nb, week01, config) for nb in notebooks]
    overwritecells.Gradebook = overwritekernelspec.Gradebook = sanitize.gradebook
    assert from_memory == from_queries
    # and the rows were used: cells restored, retyped or stripped in most of the changed notebooks
    assert sum(cells.student_code(made) != cells.student_code(nb) for made, nb in zip(from_memory, notebooks)) >= 5


def test_only_scratch_gradebooks_are_read_from_memory(tmp_path):
    course = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with sanitize.gradebook(course) as gb:
        assert isinstance(gb, nbgrader.api.Gradebook)
    rows = sanitize.gradebook(sanitize.scratch_gradebook(weeks.week("week01")))
    assert isinstance(rows, sanitize.ScratchRows)
    with pytest.raises(nbgrader.api.MissingEntry):
        rows.find_source_cell("no_such_cell", "activations", "week01")
    assert rows.find_graded_cell("test_sigmoid", "activations", "week01").max_score == 3
    # one being built is not yet a scratch gradebook
    building = f"sqlite:///{sanitize.CACHE / 'build-x' / 'gradebook.db'}"
    assert not isinstance(_opened(building), sanitize.ScratchRows)


def _opened(db_url):
    try:
        with sanitize.gradebook(db_url) as gb:
            return gb
    except Exception as exc:  # no such folder: nbgrader's Gradebook tried to open it
        return exc


def test_a_course_config_that_keeps_nbgraders_steps_gets_nbgraders_steps():
    """A config that sets no sanitising or generating steps means nbgrader's defaults (a course
    folder's own nbgrader_config.py may leave them out)."""
    from nbgrader.converters import Autograde, GenerateAssignment
    from nbgrader.preprocessors import SaveCells
    from traitlets.config import Config

    from autograder.grading.sanitize import sanitize_steps, storing_steps

    assert sanitize_steps(Config()) == Autograde.sanitize_preprocessors.default()
    defaults = GenerateAssignment.preprocessors.default()
    assert storing_steps(Config()) == defaults[:defaults.index(SaveCells) + 1]
