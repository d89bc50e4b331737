"""Moving notebooks between staff and students, through nbgrader's own commands.

* :func:`release_assignment`: ``nbgrader release_assignment`` into the local exchange,
  and ``lms/<week>.zip`` (the release folder) for an LMS upload;
* :func:`collect`: ``nbgrader collect --update`` from the exchange;
* :func:`collect_lms`: an LMS download (a zip of files named as
  ``nbgrader_config.py`` documents) through ``nbgrader zip_collect``;
* :func:`release_feedback`: ``nbgrader release_feedback``, for
  ``nbgrader fetch_feedback`` (the Assignments tab's Fetch Feedback).

All write into the course folder's ``submitted/<student>/<week>/``, with
nbgrader's ``timestamp.txt`` (which decides lateness).
"""

import fnmatch
import shutil
import zipfile
from pathlib import Path

from ..course.folder import IGNORED
from ..course.nbgrader_cli import nbgrader
from ..errors import KitError


def release_assignment(folder, week_id):
    """Release ``week_id`` (already generated in ``release/``) to the exchange and as a zip.

    Returns the zip's path. Re-publishing replaces both.
    """
    nbgrader(["release_assignment", week_id, "--force"], cwd=folder.root)
    return lms_zip(folder, week_id)


def lms_zip(folder, week_id):
    """``lms/<week>.zip``: the release folder's files under ``<week>/``, byte for byte."""
    source = folder.root / "release" / week_id
    if not source.is_dir():
        raise KitError(f"{source} does not exist: generate the release first")
    target = folder.root / "lms" / f"{week_id}.zip"
    target.parent.mkdir(exist_ok=True)
    draft = target.with_suffix(".zip.part")
    with zipfile.ZipFile(draft, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(source.rglob("*")):
            if path.is_file() and not _ignored(path):
                archive.write(path, f"{week_id}/{path.relative_to(source)}")
    draft.replace(target)
    return target


def release_feedback(folder, week_id):
    """Every generated feedback of ``week_id`` into the exchange; returns the students it was for."""
    name = f"{folder.notebook_name(week_id)}.html"
    students = sorted(p.parent.parent.name for p in (folder.root / "feedback").glob(f"*/{week_id}/{name}"))
    if not students:
        raise KitError(f"no feedback for {week_id} in {folder.root / 'feedback'}: grade it first "
                       f"(dlkit grade {week_id})")
    nbgrader(["release_feedback", week_id], cwd=folder.root)
    return students


def collect(folder, week_id):
    """``nbgrader collect``: newer exchange submissions into ``submitted/``.

    Returns the sorted ids of the students whose submission was new or newer.
    """
    before = _stamps(folder, week_id)
    nbgrader(["collect", week_id, "--update"], cwd=folder.root)
    return _changed(before, _stamps(folder, week_id))


def collect_lms(folder, week_id, download):
    """Collect an LMS download (a .zip, or a folder of files) with ``nbgrader zip_collect``.

    The download is copied into ``downloaded/<week>/archive/`` (nbgrader's
    place for it) first. Returns the students whose submission changed.
    """
    download = Path(download)
    if not download.exists():
        raise KitError(f"no LMS download at {download}")
    archive = folder.root / "downloaded" / week_id / "archive"
    if archive.exists():
        shutil.rmtree(archive)
    archive.mkdir(parents=True)
    if download.is_dir():
        shutil.copytree(download, archive, dirs_exist_ok=True)
    else:
        shutil.copy(download, archive / download.name)
    before = _stamps(folder, week_id)
    nbgrader(["zip_collect", week_id, "--force"], cwd=folder.root)
    return _changed(before, _stamps(folder, week_id))


def _stamps(folder, week_id):
    """``{student: timestamp.txt text}`` of the submitted folders of ``week_id``."""
    stamps = {}
    for student in folder.submissions(week_id):
        stamp = folder.submitted(student, week_id) / "timestamp.txt"
        stamps[student] = stamp.read_text().strip() if stamp.exists() else ""
    return stamps


def _changed(before, after):
    return sorted(s for s, stamp in after.items() if before.get(s) != stamp)


def _ignored(path):
    return any(fnmatch.fnmatch(part, pattern) for part in path.parts for pattern in IGNORED)
