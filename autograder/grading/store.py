"""What a grading worker found for one submission, kept on disk.

``.dlkit/results/<week>/<student>.json`` holds::

    {"key": "<sha256>" or null, "seconds": 0.41, "result": <the grading JSON>,
     "error": "" (a grader-side failure, instructor-facing),
     "handed_in": "<sha256 of the file as handed in>", "sanitised": <the notebook nbgrader's
     sanitising steps made of it, with the course's config>}

``key`` names exactly what was graded: the submission's code as nbgrader
sanitises it, the files beside it, the student, the language of the
messages, and the grading side (the week's hidden suite and source
notebook, the translations, the secret, the limits). The
gradebook writer (:mod:`autograder.staff.writer`) uses a stored result only when
the notebook nbgrader hands it has the same key; otherwise it grades again.
So a stale or mismatched result can cost time, never a wrong score.

``sanitised`` spares the writer sanitising the notebook a second time: it
takes it when the file handed in still has the digest ``handed_in``.
"""

import dataclasses
import functools
import hashlib
import json
import os
from pathlib import Path

from .. import texts
from ..course import cells, weeks
from .grade import submission_files
from .result import NotebookResult, from_dict
from .secret import get_secret


def key(nb, workdir, week_id: str, student: str, limits, lang: str) -> str:
    """The key of grading sanitised notebook ``nb`` with the files of ``workdir``, its
    messages in ``lang``."""
    week = weeks.week(week_id)
    digest = hashlib.sha256()
    digest.update(json.dumps([week_id, student, repr(limits), lang, _grading_side(week_id),
                              cells.student_code(nb)]).encode())
    shipped = {p.name for p in week.shipped_files()}
    # the files grading copies into the student's workspace, minus those the week's own replace
    for item in submission_files(workdir):
        if item.name not in shipped:
            digest.update(item.name.encode() + b"\0" + hashlib.sha256(item.read_bytes()).digest())
    return digest.hexdigest()


def grading_side(week_id, now=False) -> str:
    """The digest of what grades ``week_id`` here (its hidden suite and source notebook, the
    translations, the secret): the one this process's keys use (its first), or, ``now``, that
    of the files as they are now. A cluster worker's must be the same."""
    return _grading_side.__wrapped__(week_id) if now else _grading_side(week_id)


@functools.cache
def _grading_side(week_id):
    week = weeks.week(week_id)
    digest = hashlib.sha256(week.source_notebook.read_bytes())
    for path in sorted(week.suite_dir.rglob("*.py")) + sorted(texts.LOCALE.rglob("*.po")):
        digest.update(path.name.encode() + path.read_bytes())
    digest.update(hashlib.sha256(get_secret().encode()).digest())
    return digest.hexdigest()


def file_digest(path) -> str:
    """The sha256 of a file's bytes (a handed-in notebook); '' when there is no such file."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except FileNotFoundError:
        return ""


@dataclasses.dataclass
class Stored:
    key: str | None
    result: NotebookResult | None
    seconds: float = 0.0
    error: str = ""
    handed_in: str | None = None  # file_digest of the notebook as handed in
    sanitised: dict | None = None  # that notebook, sanitised (nbformat JSON)


def path(results_dir, student: str) -> Path:
    return Path(results_dir) / f"{student}.json"


def to_data(stored: Stored) -> dict:
    """``stored`` as the plain JSON data of its file (a cluster worker sends it back so)."""
    return {"key": stored.key, "seconds": round(stored.seconds, 3), "error": stored.error,
            "result": stored.result.to_dict() if stored.result else None,
            "handed_in": stored.handed_in, "sanitised": stored.sanitised}


def from_data(data: dict) -> Stored:
    """A :class:`Stored` back from :func:`to_data`'s plain data."""
    return Stored(data.get("key"), from_dict(data["result"]) if data.get("result") else None,
                  data.get("seconds", 0.0), data.get("error", ""), data.get("handed_in"), data.get("sanitised"))


def save(results_dir, student: str, stored: Stored) -> None:
    """Write atomically (a reader never sees half a file)."""
    results_dir = Path(results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    data = to_data(stored)
    draft = results_dir / f".{student}.{os.getpid()}.part"
    draft.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    draft.replace(path(results_dir, student))


def load(results_dir, student: str) -> Stored | None:
    """The stored result of ``student``, or None."""
    try:
        data = json.loads(path(results_dir, student).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return from_data(data)


def load_all(results_dir) -> dict:
    """``{student: Stored}`` of every stored result."""
    folder = Path(results_dir)
    if not folder.is_dir():
        return {}
    found = {}
    for item in sorted(folder.glob("*.json")):
        stored = load(folder, item.stem)
        if stored is not None:
            found[item.stem] = stored
    return found
