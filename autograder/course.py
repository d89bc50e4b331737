"""Where the kit's files are, and what each week's source notebook declares.

One source of truth per fact: assignment ids and notebook names come from
``course.toml``; exercises, test cells and their points come from the
instructor's source notebook (as nbgrader's gradebook does), never from a
submitted notebook, whose metadata a student could edit.
"""

import dataclasses
import functools
import tomllib
from pathlib import Path

import nbformat

KIT_ROOT = Path(__file__).resolve().parents[1]
SOURCE = KIT_ROOT / "source"
RELEASE = KIT_ROOT / "release"
SUITES = Path(__file__).resolve().parent / "suites"
CATALOGUE = Path(__file__).resolve().parent / "catalogue"


class UnknownAssignment(ValueError):
    pass


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
        cells = []
        for cell in self.source.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade") and not meta.get("solution"):
                cells.append(TestCell(meta["grade_id"], float(meta["points"])))
        return tuple(cells)

    @functools.cached_property
    def exercises(self):
        """grade_ids of the autograded-answer cells, in order."""
        return tuple(cell.metadata["nbgrader"]["grade_id"] for cell in self.source.cells
                     if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code")

    @property
    def max_score(self):
        return sum(cell.points for cell in self.test_cells)


@functools.cache
def weeks():
    """All weeks of ``course.toml`` that have a source notebook, by id."""
    table = tomllib.loads((KIT_ROOT / "course.toml").read_text())
    found = {}
    for week_id, entry in table["weeks"].items():
        provides = tuple((w, tuple(names)) for w, names in entry.get("provides", {}).items())
        week = Week(week_id, entry["notebook"], entry.get("title", ""), provides)
        if week.source_notebook.exists():
            found[week_id] = week
    return found


def week(assignment):
    try:
        return weeks()[assignment]
    except KeyError:
        known = ", ".join(weeks()) or "none"
        raise UnknownAssignment(f"unknown assignment {assignment!r} (known: {known})") from None
