"""A course folder: the folder nbgrader runs in, and where each of its files is.

Layout (nbgrader's names, plus the kit's)::

    nbgrader_config.py  course.toml  gradebook.db (unless the config's db_url names another)
    source/<week>/  release/<week>/  submitted/<student>/<week>/
    autograded/<student>/<week>/  feedback/<student>/<week>/
    exchange/           the local exchange (c.Exchange.root)
    downloaded/<week>/archive/   LMS downloads for zip_collect
    lms/<week>.zip      the release, for an LMS upload
    reports/            grades.csv, <week>-questions.csv, <week>-report.html
    .dlkit/results/<week>/<student>.json   what the grading workers found
"""

import dataclasses
import functools
import shutil
from pathlib import Path

from ..errors import NotACourse
from . import table as course_table
from . import weeks
from .table import KIT_ROOT

CONFIG = "nbgrader_config.py"
# never copied out of a week's folder: caches and checkpoints (also nbgrader's CourseDirectory.ignore)
IGNORED = (".ipynb_checkpoints", "__pycache__", "*.pyc", ".DS_Store")
GITIGNORE = """# run-time files of a course folder: student work, grades, the exchange
/submitted/
/autograded/
/feedback/
/downloaded/
/exchange/
/lms/
/reports/
/.dlkit/
gradebook.db
.kit_secret
"""


@dataclasses.dataclass(frozen=True)
class CourseFolder:
    root: Path

    def __post_init__(self):
        object.__setattr__(self, "root", Path(self.root).resolve())

    @classmethod
    def at(cls, path="."):
        root = Path(path).resolve()
        if not (root / CONFIG).exists():
            raise NotACourse(f"{root} is not a course folder (no {CONFIG}); "
                             f"make one with `dlkit new-course {path}`")
        return cls(root)

    @functools.cached_property
    def config(self):
        """The folder's nbgrader configuration (a traitlets Config)."""
        from traitlets.config.loader import PyFileConfigLoader

        return PyFileConfigLoader(CONFIG, path=str(self.root)).load_config()

    @property
    def table(self):
        """The folder's course table (its calendar); the kit's where it has none."""
        return course_table.for_folder(self.root)

    @property
    def db_url(self):
        """The gradebook: nbgrader's ``c.CourseDirectory.db_url`` in the folder's config (e.g.
        ``postgresql://grader@db.example.org/dl_fall``, shared by Formgrader), else
        ``gradebook.db`` here (nbgrader's default)."""
        return self.config.CourseDirectory.get("db_url", "") or f"sqlite:///{self.root / 'gradebook.db'}"

    @property
    def course_id(self):
        return self.config.CourseDirectory.get("course_id", "") or ""

    @property
    def exchange(self):
        return Path(self.config.Exchange.get("root", "") or self.root / "exchange")

    def notebook_name(self, week_id):
        return weeks.week(week_id).notebook

    def source(self, week_id):
        return self.root / "source" / week_id

    def release(self, week_id):
        return self.root / "release" / week_id

    def submitted(self, student, week_id):
        return self.root / "submitted" / student / week_id

    def autograded(self, student, week_id):
        return self.root / "autograded" / student / week_id

    def feedback(self, student, week_id):
        return self.root / "feedback" / student / week_id

    def results(self, week_id):
        return self.root / ".dlkit" / "results" / week_id

    @property
    def reports(self):
        return self.root / "reports"

    def submissions(self, week_id):
        """Sorted ids of the students who handed something in for ``week_id`` (a
        ``submitted/<student>/<week>/`` folder), the notebook under another name included:
        each is graded, if only to a 0 that says why."""
        folder = self.root / "submitted"
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if (p / week_id).is_dir())


def copy_week_sources(week_id, target):
    """The kit's ``source/<week>/`` copied to ``target`` (replaced), without caches."""
    target = Path(target)
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(weeks.week(week_id).source_dir, target, ignore=shutil.ignore_patterns(*IGNORED))
    return target


def create(path, week_ids=(), table_text=None):
    """A course folder at ``path`` with the kit's config and course table.

    A week's sources arrive in ``source/`` when ``release`` releases it, so
    Formgrader lists no unreleased week to generate. ``week_ids`` copies
    sources now, for the kit's own tests of plain nbgrader commands.
    ``table_text`` replaces the kit's course table (the demo shifts its
    dates). In an existing folder, its ``nbgrader_config.py`` and
    ``course.toml`` are kept; the sources of ``week_ids`` are refreshed
    from the kit.
    """
    root = Path(path).resolve()
    root.mkdir(parents=True, exist_ok=True)
    if not (root / CONFIG).exists():
        shutil.copy(KIT_ROOT / CONFIG, root / CONFIG)
    table = root / course_table.NAME
    if table_text is not None:
        table.write_text(table_text, encoding="utf-8")
    elif not table.exists():
        shutil.copy(KIT_ROOT / course_table.NAME, table)
    for week_id in week_ids:
        copy_week_sources(week_id, root / "source" / week_id)
    if not (root / ".gitignore").exists():
        (root / ".gitignore").write_text(GITIGNORE)
    return CourseFolder(root)
