"""The exchange's inbound folder, as nbgrader's own exchange writes and reads it.

``nbgrader submit`` copies a student's assignment folder to
``<exchange>/<course>/inbound/<student>+<week>+<timestamp>+<random>/``, then
writes ``timestamp.txt`` and, last, ``submission_secret.txt`` (64 random
bytes, hex) into it and into the student's own cache. ``nbgrader
fetch_feedback`` looks, for each submission in that cache, for
``<exchange>/<course>/feedback/<md5(secret + notebook)>.html``: so feedback
released under a submission's secret reaches the one student who holds it,
and only for that submission (:func:`release_page`).
"""

import dataclasses
import os
import shutil
from pathlib import Path

from nbgrader.utils import notebook_hash, parse_utc

SECRET = "submission_secret.txt"  # written last by `nbgrader submit`: its presence means "complete"
SECRET_LENGTH = 128


@dataclasses.dataclass(frozen=True)
class Submission:
    path: Path  # the inbound folder
    student: str  # as its name says (what `nbgrader collect` files it under)
    week: str
    timestamp: object  # aware datetime: when nbgrader says it was handed in
    owner: int  # the uid that made the folder: who really submitted it on a shared exchange

    @property
    def name(self):
        return self.path.name

    @property
    def secret(self):
        return (self.path / SECRET).read_text().strip()


def inbound(folder) -> Path:
    return folder.exchange / folder.course_id / "inbound"


def scan(folder) -> list:
    """Every complete submission in the inbound folder, oldest first (by nbgrader's timestamp)."""
    found = []
    root = inbound(folder)
    if not root.is_dir():
        return found
    for path in root.iterdir():
        submission = read(path)
        if submission is not None:
            found.append(submission)
    return sorted(found, key=lambda s: (s.timestamp, s.name))


def read(path) -> Submission | None:
    """The submission in inbound folder ``path``, or None while it is still being written (or is
    not one: a stray file, a name nbgrader would not make)."""
    parts = path.name.split("+")
    if len(parts) not in (3, 4) or not path.is_dir():
        return None
    try:
        if len((path / SECRET).read_text().strip()) != SECRET_LENGTH:
            return None
        stamp = parse_utc((path / "timestamp.txt").read_text().strip())
        owner = path.stat().st_uid
    except (OSError, ValueError):
        return None
    return Submission(path, parts[0], parts[1], stamp, owner)


def submitter(submission) -> str:
    """Whom the attempt limit counts: the folder's owner where students have accounts of their own
    (a shared exchange), so submitting under another name does not reset it; on a machine where
    one account runs everything (the demo, the tests) the name the submission carries."""
    if submission.owner != os.getuid():
        return f"uid:{submission.owner}"
    return submission.student


def stage(folder, submission) -> Path:
    """Copy the submission into ``submitted/<student>/<week>/``, as ``nbgrader collect`` files it
    (the whole folder, its ``timestamp.txt`` included), replacing what was there: this exact
    attempt, where ``collect`` would take the student's latest."""
    target = folder.submitted(submission.student, submission.week)
    draft = target.with_name(f".{target.name}.staging")
    shutil.rmtree(draft, ignore_errors=True)
    shutil.copytree(submission.path, draft)
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    draft.rename(target)
    return target


def release_page(folder, submission, notebook: str, html: str) -> Path:
    """Put ``html`` where ``nbgrader fetch_feedback`` finds the feedback of ``notebook`` of this
    submission (written aside, then renamed: a student never fetches half a page)."""
    outbound = folder.exchange / folder.course_id / "feedback"
    outbound.mkdir(parents=True, exist_ok=True)
    target = outbound / f"{notebook_hash(secret=submission.secret, notebook_id=notebook)}.html"
    draft = target.with_suffix(".tmp")
    draft.write_text(html, encoding="utf-8")
    os.chmod(draft, 0o644)
    draft.replace(target)
    return target
