"""What the kit released in a course folder: one record per week, and whether it still holds.

``dlkit release WEEK`` writes ``.dlkit/released/<week>.json`` after the
gate passed and nbgrader generated ``release/<week>/``: the digest of
every file there. nbgrader's own ``release_assignment`` (the command, and
Formgrader's Release button, both through the exchange the course config
names) asks :func:`problem` first, so a week the kit never released, or a
release folder regenerated from edited sources since, never reaches the
exchange.
"""

import fnmatch
import hashlib
import json
from pathlib import Path

from .folder import IGNORED

RECORDS = Path(".dlkit") / "released"


def digest(release_dir):
    """sha256 over the files of ``release_dir`` (names and bytes), caches left out."""
    release_dir = Path(release_dir)
    total = hashlib.sha256()
    for path in sorted(p for p in release_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(release_dir)
        if any(fnmatch.fnmatch(part, pattern) for part in relative.parts for pattern in IGNORED):
            continue
        total.update(str(relative).encode() + b"\0")
        total.update(hashlib.sha256(path.read_bytes()).digest())
    return total.hexdigest()


def record(root, week_id, **facts):
    """Note that the kit released ``root/release/<week_id>`` as it is now (``facts``: plain data)."""
    path = Path(root) / RECORDS / f"{week_id}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = {"week": week_id, "digest": digest(Path(root) / "release" / week_id), **facts}
    path.write_text(json.dumps(entry, indent=1, default=str), encoding="utf-8")
    return path


def problem(root, week_id):
    """Why ``root/release/<week_id>`` may not go to students ('' when the kit released it as it is)."""
    path = Path(root) / RECORDS / f"{week_id}.json"
    how = f"release it with `dlkit release {week_id}` (the release gate runs first)"
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return f"{week_id} was not released by the course kit: {how}"
    if entry.get("digest") != digest(Path(root) / "release" / week_id):
        return (f"release/{week_id} changed since the course kit released it (generated again from "
                f"edited sources?): {how}")
    return ""
