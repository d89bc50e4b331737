"""Read a submitted notebook and pick out the code the student process runs.

Cells are classified by their nbgrader metadata:

* autograder-test cells (``grade`` without ``solution``) hold the public
  checks; they never run at grading (the hidden suites replace them), so
  a student who edits them changes nothing;
* cells tagged ``demo`` only illustrate (plots, timings) and are skipped
  to keep grading fast;
* every other code cell runs, in order: the solution cells and any helper
  cell the student added.

IPython syntax (``%matplotlib inline``, ``!pip``) is translated to plain
Python by IPython's own transformer, here in the grader, as text.
"""

import os

import nbformat
from IPython.core.inputtransformer2 import TransformerManager

DEMO_TAG = "demo"
MAX_NOTEBOOK_BYTES = 64 * 1024**2  # a notebook of code is kilobytes; outputs may add a few MiB


class UnreadableNotebook(ValueError):
    """The file is not a notebook nbformat can read."""


def read(path):
    """Read ``path`` as an nbformat-4 notebook, or raise :class:`UnreadableNotebook`."""
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise UnreadableNotebook(f"the notebook could not be read ({_short(exc)})") from None
    if size > MAX_NOTEBOOK_BYTES:
        raise UnreadableNotebook(f"the notebook could not be read (it is {size / 2**20:.0f} MiB; "
                                 f"clear its outputs and hand it in again)")
    try:
        with open(path, encoding="utf-8") as handle:
            return nbformat.read(handle, as_version=4)
    except (OSError, ValueError, KeyError, AttributeError, TypeError,
            UnicodeDecodeError, nbformat.reader.NotJSONError) as exc:
        raise UnreadableNotebook(f"the notebook could not be read ({_short(exc)})") from None


def is_test_cell(cell):
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution")


def student_code(nb):
    """``[{"name", "source"}]`` of the code cells the student process runs.

    ``name`` is the cell's nbgrader ``grade_id`` (the exercise name for a
    solution cell) or ``cell <n>`` for an unmarked cell, so an error can be
    reported against the exercise it broke.
    """
    transformer = TransformerManager()
    cells = []
    for number, cell in enumerate(nb.cells, start=1):
        if cell.get("cell_type") != "code" or is_test_cell(cell):
            continue
        if DEMO_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        try:
            source = transformer.transform_cell(source)
        except Exception:  # leave it to the worker's compile() to report
            pass
        name = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or f"cell {number}"
        cells.append({"name": str(name), "source": source})
    return cells


def _short(exc):
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:200]
