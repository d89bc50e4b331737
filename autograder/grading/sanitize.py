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
notebook by nbgrader's own ``SaveCells``.
"""

import copy
import functools
import hashlib
import logging
import os
import shutil
import tempfile
from pathlib import Path

import nbformat
import nbgrader
from nbgrader.api import Gradebook
from nbgrader.converters import Autograde
from nbgrader.preprocessors import ComputeChecksums, SaveCells
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
    key = hashlib.sha256(source + nbgrader.__version__.encode()).hexdigest()[:16]
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
            for step in (ComputeChecksums, SaveCells):
                nb, resources = step(config=kit_config()).preprocess(nb, resources)
            os.replace(folder / "gradebook.db", cached)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return f"sqlite:///{cached}"


def sanitize(nb, week, student: str | None, config=None):
    """A sanitised copy of ``nb``, as ``nbgrader autograde`` with ``config`` (a
    traitlets Config; default: the kit's) sanitises it; raises
    :class:`DamagedNotebook` where nbgrader would fail."""
    config = kit_config() if config is None else config
    gradebook_engines.share()  # OverwriteCells opens the scratch gradebook for every notebook
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


def sanitize_steps(config) -> list:
    """``Autograde.sanitize_preprocessors`` as ``config`` sets them (names or classes)."""
    return list(config.Autograde.sanitize_preprocessors if "sanitize_preprocessors" in config.Autograde
                else Autograde.sanitize_preprocessors.default_value)


def sanitizers(config) -> list:
    """The classes of ``config``'s sanitising steps, in order."""
    return [import_item(step) if isinstance(step, str) else step for step in sanitize_steps(config)]


def _resources(week, db_url, student):
    return {"nbgrader": {"db_url": db_url, "assignment": week.id, "notebook": week.notebook,
                         "student": student}}
