"""Generate a week's student release with ``nbgrader generate_assignment``.

In a scratch course folder (its own gradebook), so checking or refreshing
a release never touches a real course's gradebook.
"""

from pathlib import Path

from ..course import folder as course_folder
from ..course.nbgrader_cli import nbgrader


def generate(week_id: str, root) -> Path:
    """``nbgrader generate_assignment`` in the course folder ``root``; returns its ``release/<week>``."""
    nbgrader(["generate_assignment", week_id, "--force"], cwd=root)
    return Path(root) / "release" / week_id


def generate_scratch(week_id: str, scratch) -> Path:
    """Generate the release of ``week_id`` in a fresh course folder under ``scratch``."""
    return generate(week_id, course_folder.create(Path(scratch) / "course", [week_id]).root)
