"""The kit's metadata check (nbgrader's, its schema compiled once) passes and fails exactly as nbgrader's."""

import copy

import nbformat
import pytest
from nbgrader.preprocessors import CheckCellMetadata as NbgraderCheck

from autograder.nbgrader_plugins.metadata_check import CheckCellMetadata


def _damage(change):
    def damaged(meta):
        meta = copy.deepcopy(meta)
        change(meta)
        return meta
    return damaged


DAMAGE = {
    "points as text": _damage(lambda m: m.update(points="ten")),
    "no points": _damage(lambda m: m.pop("points")),
    "empty grade_id": _damage(lambda m: m.update(grade_id="")),
    "grade as text": _damage(lambda m: m.update(grade="yes")),
    "old schema": _damage(lambda m: m.update(schema_version=2)),
    "schema from the future": _damage(lambda m: m.update(schema_version=9)),
    "no schema version": _damage(lambda m: m.pop("schema_version")),
    "an extra key": _damage(lambda m: m.update(extra=1)),
    "a list": lambda m: [m],
}


def _outcome(step, nb):
    try:
        step().preprocess(copy.deepcopy(nb), {})
    except Exception as exc:  # what the TA reads when autograde stops on the notebook
        return f"{type(exc).__name__}: {exc}"
    return "passed"


@pytest.fixture
def notebook(reference_release):
    return nbformat.read(reference_release, as_version=4)


def test_an_intact_notebook_passes(notebook):
    assert _outcome(CheckCellMetadata, notebook) == _outcome(NbgraderCheck, notebook) == "passed"


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_metadata_fails_as_nbgrader_fails_it(notebook, damage):
    graded = next(cell for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("grade"))
    graded.metadata["nbgrader"] = DAMAGE[damage](graded.metadata["nbgrader"])
    assert _outcome(CheckCellMetadata, notebook) == _outcome(NbgraderCheck, notebook)


def test_duplicate_grade_ids_fail_as_nbgrader_fails_them(notebook):
    graded = [cell for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("grade")]
    graded[1].metadata["nbgrader"]["grade_id"] = graded[0].metadata["nbgrader"]["grade_id"]
    outcome = _outcome(CheckCellMetadata, notebook)
    assert outcome != "passed" and outcome == _outcome(NbgraderCheck, notebook)
