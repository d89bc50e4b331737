"""Notebook cells: reading a notebook, telling its cells apart, the code a student process runs.

The one place cells are classified, by their nbgrader metadata:

* autograder-test cells (``grade`` without ``solution``) hold the public
  checks; they never run at grading (the hidden suites replace them), so
  a student who edits them changes nothing;
* cells tagged ``demo`` only illustrate (plots, timings) and are skipped
  to keep grading fast;
* autograded-answer (solution) cells hold one exercise each, named by
  their ``grade_id``;
* every other code cell runs, in order: the solution cells and any helper
  cell the student added.

IPython syntax (``%matplotlib inline``, ``!pip``) is translated to plain
Python by IPython's own transformer, here in the grader, as text.
"""

import functools
import os
import re

import nbformat

from ..texts import Explained, domain

DEMO_TAG = "demo"
HIDDEN_TESTS = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[ \t]*\n?", re.S | re.M)
MAX_NOTEBOOK_BYTES = 64 * 1024**2  # a notebook of code is kilobytes; outputs may add a few MiB


_ = domain("grading")


class UnreadableNotebook(Explained, ValueError):
    """The file is not a notebook nbformat can read."""


def read(path):
    """Read ``path`` as an nbformat-4 notebook, or raise :class:`UnreadableNotebook`."""
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise UnreadableNotebook(_("the notebook could not be read ({reason})", reason=_short(exc))) from None
    if size > MAX_NOTEBOOK_BYTES:
        raise UnreadableNotebook(_("the notebook could not be read (it is {size:.0f} MiB; clear its outputs "
                                   "and hand it in again)", size=size / 2**20))
    try:
        with open(path, encoding="utf-8") as handle:
            return nbformat.read(handle, as_version=4)
    except (OSError, ValueError, KeyError, AttributeError, TypeError,
            UnicodeDecodeError, nbformat.reader.NotJSONError) as exc:
        raise UnreadableNotebook(_("the notebook could not be read ({reason})", reason=_short(exc))) from None


def nbgrader_meta(cell):
    """The cell's nbgrader metadata ({} when it has none, or a damaged kind)."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def grade_id(cell):
    """The cell's nbgrader ``grade_id``, or None."""
    value = nbgrader_meta(cell).get("grade_id")
    return value if isinstance(value, str) else None


def is_test_cell(cell):
    """An autograder-test cell: graded, not a solution (its points are a test cell's)."""
    meta = nbgrader_meta(cell)
    return bool(meta.get("grade")) and not meta.get("solution")


def is_solution_cell(cell):
    """An autograded-answer code cell: one exercise, named by its ``grade_id``."""
    return cell.get("cell_type") == "code" and bool(nbgrader_meta(cell).get("solution"))


def solution_cells(nb):
    """``{grade_id: cell}`` of the code solution cells of a notebook, in order."""
    return {grade_id(cell): cell for cell in nb.cells if is_solution_cell(cell)}


def is_demo(cell):
    """A cell tagged ``demo``: an illustration (plots, timings), skipped at grading."""
    return DEMO_TAG in cell.get("metadata", {}).get("tags", [])


def without_hidden_tests(source):
    """``source`` (a test cell's) with its ``### BEGIN/END HIDDEN TESTS`` sections removed."""
    return HIDDEN_TESTS.sub("", source).rstrip()


def student_code(nb):
    """``[{"name", "source"}]`` of the code cells the student process runs.

    ``name`` is the cell's nbgrader ``grade_id`` (the exercise name for a
    solution cell) or ``cell <n>`` for an unmarked cell, so an error can be
    reported against the exercise it broke.
    """
    translate = ipython_transformer().transform_cell
    cells = []
    for number, cell in enumerate(nb.cells, start=1):
        if cell.get("cell_type") != "code" or is_test_cell(cell) or is_demo(cell):
            continue
        source = source_text(cell)
        try:
            source = translate(source)
        except Exception:  # leave it to the worker's compile() to report
            pass
        cells.append({"name": grade_id(cell) or f"cell {number}", "source": source})
    return cells


def source_text(cell):
    """The cell's source as one string (a notebook may store it as a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


@functools.cache
def ipython_transformer():
    """IPython's own translator of cell syntax to plain Python, made once per process
    (importing IPython takes a third of a second: only what reads code cells pays it)."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager()


def _short(exc):
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:200]
