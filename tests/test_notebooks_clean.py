"""Notebooks are stored clean: no outputs, counts or run metadata."""

import nbformat
import pytest

from autograder.course.table import KIT_ROOT

NOTEBOOKS = sorted((KIT_ROOT / "source").rglob("*.ipynb")) + sorted((KIT_ROOT / "release").rglob("*.ipynb"))
ALLOWED_CELL_KEYS = {"nbgrader", "tags", "deletable", "editable"}
ALLOWED_NB_KEYS = {"kernelspec", "language_info"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to(KIT_ROOT)) for p in NOTEBOOKS])
def test_stored_without_outputs_or_run_metadata(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert set(nb.metadata) <= ALLOWED_NB_KEYS, f"notebook metadata {sorted(nb.metadata)}"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {cell.get('id')} has outputs"
            assert cell.execution_count is None, f"cell {cell.get('id')} has an execution count"
        assert set(cell.metadata) <= ALLOWED_CELL_KEYS, f"cell metadata {sorted(cell.metadata)}"
    assert ".ipynb_checkpoints" not in str(path)


def test_no_checkpoints_or_caches_in_course_folders():
    for folder in ("source", "release"):
        stray = [p for p in (KIT_ROOT / folder).rglob("*")
                 if p.name in (".ipynb_checkpoints", "__pycache__") or p.suffix == ".pyc"]
        assert stray == []
