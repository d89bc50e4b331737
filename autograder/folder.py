"""A course folder: the folder nbgrader runs in, and where each of its files is.

Layout (nbgrader's names, plus the kit's)::

    nbgrader_config.py  course.toml  gradebook.db
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

from traitlets.config.loader import PyFileConfigLoader

from . import course
from .release import new_course

CONFIG = "nbgrader_config.py"
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


class NotACourse(FileNotFoundError):
    pass


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
                             f"make one with `python -m autograder new-course {path}`")
        return cls(root)

    @functools.cached_property
    def config(self):
        """The folder's nbgrader configuration (a traitlets Config)."""
        return PyFileConfigLoader(CONFIG, path=str(self.root)).load_config()

    @property
    def db_url(self):
        return f"sqlite:///{self.root / 'gradebook.db'}"

    @property
    def course_id(self):
        return self.config.CourseDirectory.get("course_id", "") or ""

    @property
    def exchange(self):
        return Path(self.config.Exchange.get("root", "") or self.root / "exchange")

    def notebook_name(self, week_id):
        return course.week(week_id).notebook

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
        """Sorted ids of the students with a submitted notebook for ``week_id``."""
        name = f"{self.notebook_name(week_id)}.ipynb"
        folder = self.root / "submitted"
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if (p / week_id / name).is_file())


def create(path, week_ids=None, table_text=None):
    """A new course folder at ``path`` with the kit's config, course table and sources.

    ``table_text`` replaces the kit's course table (the demo shifts its
    dates). In an existing folder, its ``nbgrader_config.py`` and
    ``course.toml`` are kept; the sources of ``week_ids`` are refreshed
    from the kit.
    """
    config = Path(path) / CONFIG
    kept = config.read_bytes() if config.exists() else None
    root = new_course(path, week_ids if week_ids is not None else list(course.weeks()))
    if kept is not None:
        config.write_bytes(kept)
    table = root / "course.toml"
    if table_text is not None:
        table.write_text(table_text, encoding="utf-8")
    elif not table.exists():
        shutil.copy(course.KIT_ROOT / "course.toml", table)
    if not (root / ".gitignore").exists():
        (root / ".gitignore").write_text(GITIGNORE)
    return CourseFolder(root)
