"""Whether nbgrader's sanitising would leave a notebook's code exactly as it is.

``grade-notebook`` needs only the code a submission runs. Sanitising it
(:mod:`autograder.grading.sanitize`) means importing nbgrader, nbconvert
and SQLAlchemy: 1.7 s of the command's wall time, to change nothing in the
usual case, a notebook whose graded and locked cells are as released. This
module recognises that case without nbgrader, from the week's source
notebook; any other notebook is sanitised by nbgrader as before.

What the kit's sanitising steps (:data:`MODELLED_STEPS`, the kit's
``nbgrader_config.py``) can change in what :func:`autograder.course.cells.student_code`
reads, and what rules it out here:

* ``RepairCellMetadata`` gives a cell whose ``grade_id`` the source knows the
  source's metadata, and strips any other cell's: every cell with nbgrader
  metadata must carry the source's, ``checksum`` and ``cell_type`` aside
  (those two change no cell's kind);
* ``DeduplicateIds`` strips repeated ids: each id must appear once;
* ``OverwriteCells`` restores a cell's type, a locked cell's source, and
  graded cells that were deleted: types must be the source's, every source
  id must be there, and a locked code cell that runs (not a test cell,
  whose code never runs at grading) must hold the source's text;
* ``ClearOutput`` and ``OverwriteKernelspec`` change outputs and notebook
  metadata only, which no code reads; ``CheckCellMetadata`` accepts the
  source's metadata.

So a notebook that passes :func:`code_unchanged` runs, under sanitising,
the very code it holds; ``tests/test_pristine.py`` checks this against
nbgrader on every week's notebooks and on damaged ones.
"""

from ..course import cells

MODELLED_STEPS = (
    "nbgrader.preprocessors.ClearOutput",
    "autograder.nbgrader_plugins.hidden_suites.RepairCellMetadata",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "autograder.nbgrader_plugins.metadata_check.CheckCellMetadata",
)
NOT_COMPARED = ("checksum", "cell_type")  # metadata nbgrader itself writes, that changes no cell's kind


def code_unchanged(nb, week) -> bool:
    """True when sanitising ``nb`` with :data:`MODELLED_STEPS` cannot change the code cells
    :func:`~autograder.course.cells.student_code` takes from it (False: sanitise it)."""
    source = {cells.grade_id(cell): cell for cell in week.source.cells if cells.grade_id(cell)}
    seen = set()
    for cell in nb.cells:
        if "nbgrader" not in cell.get("metadata", {}):
            continue
        meta = cell["metadata"]["nbgrader"]
        grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
        if grade_id not in source or grade_id in seen:
            return False
        seen.add(grade_id)
        original = source[grade_id]
        if cell.get("cell_type") != original.cell_type or _compared(meta) != _compared(original.metadata.nbgrader):
            return False
        runs = original.cell_type == "code" and not cells.is_test_cell(original)
        if meta.get("locked") and runs and cells.source_text(cell) != cells.source_text(original):
            return False
    return seen == set(source)


def _compared(meta):
    return {key: value for key, value in meta.items() if key not in NOT_COMPARED}
