"""The kit's weeks: where each one's files are, and what its source notebook declares.

One source of truth per fact: assignment ids, notebook names and titles
come from the kit's course table (:mod:`autograder.course.table`);
exercises, test cells and their points come from the instructor's source
notebook (as nbgrader's gradebook does), never from a submitted notebook,
whose metadata a student could edit.
"""

import dataclasses
import functools

import nbformat

from ..errors import UnknownAssignment
from . import cells, table
from .table import KIT_ROOT

SOURCE = KIT_ROOT / "source"
RELEASE = KIT_ROOT / "release"
SOLUTIONS = KIT_ROOT / "solutions"
PACKAGE = KIT_ROOT / "autograder"
SUITES = PACKAGE / "suites"
CATALOGUE = PACKAGE / "catalogue"


@dataclasses.dataclass(frozen=True)
class TestCell:
    grade_id: str
    points: float


@dataclasses.dataclass(frozen=True)
class Week:
    """One assignment: its id, notebook and the graded cells of its source."""

    id: str
    notebook: str
    title: str
    # earlier weeks' reference functions this week ships read-only in
    # source/<week>/lecture_lib.py: ((week_id, (name, ...)), ...)
    provides: tuple = ()

    @property
    def source_dir(self):
        return SOURCE / self.id

    @property
    def source_notebook(self):
        return self.source_dir / f"{self.notebook}.ipynb"

    @property
    def release_notebook(self):
        return RELEASE / self.id / f"{self.notebook}.ipynb"

    @property
    def lecture_lib(self):
        """The read-only module of earlier weeks' functions, if the week has one."""
        return self.source_dir / "lecture_lib.py" if self.provides else None

    @property
    def suite_dir(self):
        return SUITES / self.id

    @functools.cached_property
    def source(self):
        """The source notebook, parsed once per process. Shared: deep-copy it
        before changing anything."""
        return nbformat.read(self.source_notebook, as_version=4)

    @functools.cached_property
    def test_cells(self):
        """The autograder-test cells of the source notebook, in order."""
        return tuple(TestCell(cells.grade_id(cell), float(cell.metadata["nbgrader"]["points"]))
                     for cell in self.source.cells if cells.is_test_cell(cell))

    @functools.cached_property
    def exercises(self):
        """grade_ids of the autograded-answer cells, in order."""
        return tuple(cells.solution_cells(self.source))

    @property
    def max_score(self):
        return sum(cell.points for cell in self.test_cells)

    def exercise_of(self, grade_id):
        """The exercise test cell ``grade_id`` belongs to (``test_<exercise>...``), or None.

        The longest matching exercise name wins, so ``test_leaky_relu``
        belongs to ``leaky_relu``, not to ``relu``.
        """
        candidates = [e for e in self.exercises if grade_id.startswith(f"test_{e}")]
        return max(candidates, key=len) if candidates else None

    def shipped_files(self):
        """The files the week ships beside its notebook (``lecture_lib.py``...)."""
        return sorted(p for p in self.source_dir.iterdir() if p.is_file() and p.suffix != ".ipynb")


@functools.cache
def weeks():
    """All weeks of the kit's course table that have a source notebook, by id."""
    found = {}
    for entry in table.kit().weeks.values():
        week = Week(entry.id, entry.notebook, entry.title, entry.provides)
        if week.source_notebook.exists():
            found[week.id] = week
    return found


def week(assignment):
    try:
        return weeks()[assignment]
    except KeyError:
        known = ", ".join(weeks()) or "none"
        raise UnknownAssignment(f"unknown assignment {assignment!r} (known: {known})") from None
