"""Solution cells of the source notebooks, generated from ``solutions/``.

One source of truth: the reference code lives in ``solutions/weekNN.py``.
An exercise's cell in ``source/weekNN/*.ipynb`` is that exercise's
top-level function or class, with every function body (after its
docstring) wrapped in nbgrader's ``### BEGIN SOLUTION`` /
``### END SOLUTION`` markers, so the release keeps the signatures and
docstrings and replaces each body with ``raise NotImplementedError()``.

Later weeks use earlier weeks' functions from ``lecture_lib.py``, a
read-only module shipped beside the notebook and generated the same way
from the references (``provides`` in ``course.toml``), never from a
student's earlier notebook: a bug in week02 costs nothing in week03.

``python -m autograder sync-solutions WEEK`` rewrites the cells and the
module; the kit's tests fail when either disagrees with the references.
"""

import ast
import copy
from pathlib import Path

import nbformat

from ..course.cells import solution_cells
from ..course.weeks import SOLUTIONS
from ..errors import KitError

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


def reference_source(week_id):
    return (SOLUTIONS / f"{week_id}.py").read_text(encoding="utf-8")


def render(module_source, name):
    """The cell text for top-level ``name`` of ``module_source``."""
    tree = ast.parse(module_source)
    lines = module_source.splitlines()
    node = next((n for n in tree.body if getattr(n, "name", None) == name), None)
    if node is None:
        raise KitError(f"the reference has no top-level {name!r}")
    start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    inserts = {}  # line index -> (indent, marker) to insert before that line
    for fn in ast.walk(node):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            body = fn.body[1:] if ast.get_docstring(fn) is not None else fn.body
            if not body:
                continue
            indent = " " * body[0].col_offset
            inserts.setdefault(body[0].lineno - 1, []).append(indent + BEGIN)
            inserts.setdefault(body[-1].end_lineno, []).insert(0, indent + END)
    out = []
    for index in range(start - 1, node.end_lineno):
        out.extend(inserts.get(index, []))
        out.append(lines[index])
    out.extend(inserts.get(node.end_lineno, []))
    return "\n".join(out)


def strip_markers(cell_source):
    """The cell's code as the reference has it (markers removed)."""
    return "\n".join(line for line in cell_source.splitlines()
                     if line.strip() not in (BEGIN, END))


def with_reference(release_nb, source_nb):
    """A copy of the release with every exercise cell filled with the reference code
    (what a perfect student hands in)."""
    nb = copy.deepcopy(release_nb)
    reference = solution_cells(source_nb)
    for grade_id, cell in solution_cells(nb).items():
        cell.source = strip_markers(reference[grade_id].source)
    return nb


def reference_release(week):
    """``week``'s committed release with the reference code pasted in."""
    return with_reference(nbformat.read(week.release_notebook, as_version=4), week.source)


LIB_HEADER = '''"""Functions from earlier weeks, provided by the course kit (read-only).

Import what you need, e.g. `from lecture_lib import sigmoid`. This file is
replaced by the course's own copy at grading time: edits here are lost.
이전 주차의 함수들입니다 (읽기 전용). 채점할 때 원본으로 바뀌므로 수정하지 마세요.
"""

import numpy as np
'''


def lecture_lib_text(week):
    """The text of ``week``'s ``lecture_lib.py``, from the references."""
    parts = [LIB_HEADER]
    for source_week, names in week.provides:
        module = reference_source(source_week)
        for name in names:
            parts.append(f"\n# from {source_week}\n" + strip_markers(render(module, name)) + "\n")
    return "\n".join(parts)


def out_of_sync(week):
    """Cells (grade_ids) and files that differ from the rendered references."""
    module = reference_source(week.id)
    nb = nbformat.read(week.source_notebook, as_version=4)
    stale = [grade_id for grade_id, cell in solution_cells(nb).items()
             if cell.source != render(module, grade_id)]
    lib = week.lecture_lib
    if lib and (not lib.exists() or lib.read_text(encoding="utf-8") != lecture_lib_text(week)):
        stale.append(lib.name)
    return stale


def sync(week):
    """Rewrite the source notebook's solution cells from the reference."""
    module = reference_source(week.id)
    path = Path(week.source_notebook)
    nb = nbformat.read(path, as_version=4)
    changed = []
    for grade_id, cell in solution_cells(nb).items():
        text = render(module, grade_id)
        if cell.source != text:
            cell.source = text
            changed.append(grade_id)
    if changed:
        nbformat.write(nb, path)
    lib = week.lecture_lib
    if lib and (not lib.exists() or lib.read_text(encoding="utf-8") != lecture_lib_text(week)):
        lib.write_text(lecture_lib_text(week), encoding="utf-8")
        changed.append(lib.name)
    return changed

