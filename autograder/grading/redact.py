"""Keep hidden material out of what students read: a filter for every text that came from their code.

A student's code can read whatever the grader sends its process (a
stand-in's source, a helper) and try to carry it out in an exception
message, a warning or the name of a class. Every such text passes
:meth:`Redactor.scrub` before it becomes part of a message: a text that
shares a run of :data:`WINDOW` characters (white space ignored) with the
week's hidden suites (stand-ins and helpers included), its reference
solutions or the hidden sections of its source notebook — and not with
what the students already have (the release, lecture_lib.py) — is
replaced, as is a long run that looks like an encoding (base64, hex).
"""

import functools
import re

import nbformat

from ..course import cells
from ..course.weeks import SOLUTIONS, Week

WINDOW = 20  # characters (white space removed) that betray a copy
MAX_TEXT = 300  # characters of a student's text kept in a message
BLOB = re.compile(r"[A-Za-z0-9+/=_\-]{48,}")  # a long run with no space: an encoded payload
REMOVED = "[text removed: it quoted the grader's hidden code]"
SPACE = re.compile(r"\s+")


class Redactor:
    """The filter of one week: ``scrub(text)`` is the text, shortened, or a notice that it was removed."""

    def __init__(self, secret_text: str, public_text: str):
        public = _windows(public_text)
        self.secret = _windows(secret_text) - public

    def scrub(self, text: str) -> str:
        text = str(text)
        if BLOB.search(text) or not self.secret.isdisjoint(_windows(text)):
            return REMOVED
        return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"


@functools.cache
def for_week(week: Week) -> Redactor:
    """The week's filter (built once per process)."""
    secret = [path.read_text(encoding="utf-8") for path in sorted(week.suite_dir.rglob("*.py"))]
    solution = SOLUTIONS / f"{week.id}.py"
    if solution.exists():
        secret.append(solution.read_text(encoding="utf-8"))
    secret += [cell.source for cell in week.source.cells if cells.is_test_cell(cell)]
    public = [path.read_text(encoding="utf-8") for path in week.shipped_files() if path.suffix == ".py"]
    if week.release_notebook.exists():  # what every student has
        public += [cell.source for cell in nbformat.read(week.release_notebook, as_version=4).cells]
    return Redactor("\n".join(secret), "\n".join(public))


def _windows(text):
    flat = SPACE.sub("", text)
    return {flat[i:i + WINDOW] for i in range(max(0, len(flat) - WINDOW + 1))}
