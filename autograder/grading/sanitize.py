"""Sanitise a submission exactly as ``nbgrader autograde`` does.

``nbgrader autograde`` first runs its sanitising preprocessors (clear
outputs, repair and de-duplicate cell metadata, restore locked and test
cells and cell types from the gradebook, check metadata) and only then
grades. For the
one-notebook command and the grading workers to store-for-store agree
with it on damaged notebooks (a deleted test cell, a solution cell turned
into markdown, duplicated cells...), this runs *the same nbgrader
preprocessors*, with the course's ``nbgrader_config.py`` (the kit's by
default), against a scratch gradebook filled from the week's source
notebook by ``generate_assignment``'s own steps up to its ``SaveCells``:
the cells stored as the course's gradebook stores them, a solution cell
with its stub and that stub's checksum (an untouched one is "No response."
in the gradebook, as nbgrader says).
"""

import copy
import functools
import hashlib
import logging
import os
import shutil
import tempfile
from pathlib import Path
from types import SimpleNamespace

import nbformat
import nbgrader
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.converters import Autograde, GenerateAssignment
from nbgrader.preprocessors import SaveCells, overwritecells, overwritekernelspec
from traitlets.config.loader import PyFileConfigLoader
from traitlets.utils.importstring import import_item

from ..course import gradebook_engines
from ..course.table import KIT_ROOT
from ..texts import Explained, domain

CACHE = Path(tempfile.gettempdir()) / "dlkit-gradebooks"


_ = domain("grading")


class DamagedNotebook(Explained, ValueError):
    """nbgrader's sanitising step refused the notebook (student-facing reason)."""


@functools.cache
def kit_config():
    """The kit's nbgrader_config.py as a traitlets Config (nbgrader's ``get_config`` provided)."""
    loader = PyFileConfigLoader("nbgrader_config.py", path=str(KIT_ROOT))
    return loader.load_config()


@functools.cache
def scratch_gradebook(week) -> str:
    """A gradebook holding ``week``'s source cells, as generate_assignment stores them.

    Building one costs seconds (nbgrader runs ``alembic``), so it is cached
    in the temp folder, keyed by the source notebook's content, and
    published with an atomic rename so parallel graders share it.
    """
    source = week.source_notebook.read_bytes()
    steps = storing_steps(kit_config())
    recipe = repr([steps, kit_config().get("ClearSolutions"), nbgrader.__version__])
    key = hashlib.sha256(source + recipe.encode()).hexdigest()[:16]
    cached = CACHE / f"{week.id}-{key}.db"
    if not cached.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix="build-", dir=CACHE))
        try:
            db_url = f"sqlite:///{folder / 'gradebook.db'}"
            with Gradebook(db_url) as gb:
                gb.update_or_create_assignment(week.id)
            resources = _resources(week, db_url, student=None)
            nb = nbformat.reads(source.decode("utf-8"), as_version=4)
            for step in steps:
                nb, resources = step(config=kit_config()).preprocess(nb, resources)
            os.replace(folder / "gradebook.db", cached)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return f"sqlite:///{cached}"


def storing_steps(config) -> list:
    """The classes of ``generate_assignment``'s steps with ``config``, up to the one that stores
    the source cells in the gradebook (``SaveCells``)."""
    steps = step_classes(_configured(config, GenerateAssignment, "preprocessors"))
    return steps[:steps.index(SaveCells) + 1]


def sanitize(nb, week, student: str | None, config=None):
    """A sanitised copy of ``nb``, as ``nbgrader autograde`` with ``config`` (a
    traitlets Config; default: the kit's) sanitises it; raises
    :class:`DamagedNotebook` where nbgrader would fail."""
    config = kit_config() if config is None else config
    gradebook_engines.share()
    # OverwriteCells and OverwriteKernelspec query the scratch gradebook for every notebook:
    # they read its rows from memory instead (any other gradebook they open is nbgrader's)
    overwritecells.Gradebook = overwritekernelspec.Gradebook = gradebook
    db_url = scratch_gradebook(week)
    nb = copy.deepcopy(nb)
    resources = _resources(week, db_url, student)
    quiet = logging.getLogger("traitlets")  # nbgrader warns of every restored cell; the report says enough
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        for step in sanitizers(config):
            nb, resources = step(config=config).preprocess(nb, resources)
    except Exception as exc:  # nbgrader raises plain exceptions for broken metadata
        raise DamagedNotebook(_("nbgrader could not read the notebook's cells ({reason})",
                                reason=str(exc)[:200])) from None
    finally:
        quiet.setLevel(level)
    return nb


def gradebook(db_url, *args, **kwargs):
    """nbgrader's :class:`~nbgrader.api.Gradebook` on ``db_url``; for a scratch gradebook,
    which never changes (it is named after its source notebook's content), its rows as
    :class:`ScratchRows`, read once per process."""
    url = str(db_url)
    if url.startswith("sqlite:///") and Path(url.removeprefix("sqlite:///")).parent == CACHE:
        return _scratch_rows(url)
    return Gradebook(db_url, *args, **kwargs)


class ScratchRows:
    """The rows of a scratch gradebook that sanitising reads, with nbgrader's finders.

    Each finder returns what :class:`~nbgrader.api.Gradebook`'s does, as plain
    attributes (what ``OverwriteCells`` and ``OverwriteKernelspec`` read), or
    raises :class:`~nbgrader.api.MissingEntry` as it does.
    """

    def __init__(self, db_url):
        self.notebooks = {}
        with Gradebook(db_url) as gb:
            for assignment in gb.assignments:
                for notebook in assignment.notebooks:
                    self.notebooks[notebook.name, assignment.name] = SimpleNamespace(
                        kernelspec=notebook.kernelspec,
                        source_cells=[_row(c, "name", "cell_type", "locked", "checksum", "source")
                                      for c in notebook.source_cells],
                        grade_cells=[_row(c, "name", "max_score", "cell_type") for c in notebook.grade_cells],
                        solution_cells=[_row(c, "name") for c in notebook.solution_cells],
                        task_cells=[_row(c, "name", "max_score", "cell_type") for c in notebook.task_cells])

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def find_notebook(self, notebook, assignment):
        try:
            return self.notebooks[notebook, assignment]
        except KeyError:
            raise MissingEntry() from None

    def find_source_cell(self, name, notebook, assignment):
        return self._cell("source_cells", name, notebook, assignment)

    def find_graded_cell(self, name, notebook, assignment):
        """A grade cell of that name, else a task cell (nbgrader's order)."""
        try:
            return self._cell("grade_cells", name, notebook, assignment)
        except MissingEntry:
            return self._cell("task_cells", name, notebook, assignment)

    def _cell(self, kind, name, notebook, assignment):
        for cell in getattr(self.find_notebook(notebook, assignment), kind):
            if cell.name == name:
                return cell
        raise MissingEntry()


@functools.cache
def _scratch_rows(db_url):
    return ScratchRows(db_url)


def _row(cell, *names):
    return SimpleNamespace(**{name: getattr(cell, name) for name in names})


def sanitize_steps(config) -> list:
    """``Autograde.sanitize_preprocessors`` as ``config`` sets them (names or classes)."""
    return _configured(config, Autograde, "sanitize_preprocessors")


def sanitizers(config) -> list:
    """The classes of ``config``'s sanitising steps, in order."""
    return step_classes(sanitize_steps(config))


def step_classes(steps) -> list:
    """The classes of a list of preprocessors given as import names or classes, in order."""
    return [import_item(step) if isinstance(step, str) else step for step in steps]


def _configured(config, converter, trait) -> list:
    """``converter``'s list ``trait`` as ``config`` sets it, else nbgrader's default."""
    section = getattr(config, converter.__name__)
    return list(section[trait] if trait in section else getattr(converter, trait).default())


def _resources(week, db_url, student):
    return {"nbgrader": {"db_url": db_url, "assignment": week.id, "notebook": week.notebook,
                         "student": student}}
