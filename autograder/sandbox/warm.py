"""A warm sandbox per grading process, reused from one submission to the next.

Starting a sandbox costs a Python start and a numpy import (0.2 s); its
zygote never runs student code, so one can serve every submission a
grading process grades: :func:`sandbox_for` loads the next submission's
files into its workspace (:meth:`~autograder.sandbox.zygote.Zygote.load`)
after the zygote has ended the last session and removed what it left.
A forked process never uses its parent's sandbox.

A process removes its sandbox's folder when it ends, unless it is killed
(SIGKILL, the OS out of memory). So each folder holds a claim, a file its
process keeps locked (``flock``) as long as it lives, and before making a
folder a process removes every other whose claim it can lock: their
processes are gone, wherever they ran (the lock is the file's, not a PID,
which another process or container may have taken since). A folder whose
claim is not there yet is being made, and left alone.
"""

import fcntl
import os
import shutil
import tempfile
from pathlib import Path

from ..process_end import at_end
from .limits import Limits
from .zygote import Zygote

_sandboxes = {}  # (pid, limits) -> Zygote
_claims = {}  # sandbox folder -> this process's open, locked claim file in it
PREFIX = "dlkit-sandbox-"
CLAIM = "claim"


def sandbox_for(limits: Limits, sources, preload=()) -> Zygote:
    """This process's sandbox for ``limits``, loaded with ``sources`` (the submission's files)."""
    zygote = _sandbox(limits)
    zygote.load(sources, preload)
    return zygote


def start(limits: Limits = Limits()) -> None:
    """Start this process's sandbox for ``limits`` now, with an empty workspace, so that its
    Python and numpy load while the grader is still importing (``grade-notebook``: a third
    of a second); :func:`sandbox_for` then loads the submission into it."""
    zygote = _sandbox(limits)
    if not zygote.alive:
        zygote.workspace.mkdir(parents=True, exist_ok=True)
        zygote.start()


def _sandbox(limits):
    key = (os.getpid(), limits)
    zygote = _sandboxes.get(key)
    if zygote is None:
        for old in [k for k in _sandboxes if k[0] != os.getpid()]:
            del _sandboxes[old]  # a parent's, inherited by fork: not ours to use or to stop
        workspace = claimed_folder() / "work"
        zygote = _sandboxes[key] = Zygote(workspace, limits)
        at_end(close_all)
    return zygote


def close_all() -> None:
    for key, zygote in list(_sandboxes.items()):
        if key[0] == os.getpid():
            zygote.close()
            shutil.rmtree(zygote.workspace.parent, ignore_errors=True)
            claim = _claims.pop(zygote.workspace.parent, None)
            if claim is not None:
                claim.close()
            del _sandboxes[key]


def claimed_folder() -> Path:
    """A new sandbox folder in the temp folder, claimed by this process (see above), once the
    folders of processes that ended without removing theirs are removed."""
    remove_unclaimed()
    folder = Path(tempfile.mkdtemp(prefix=PREFIX))
    claim = open(folder / f".{CLAIM}", "w")  # locked before it is where others look for it
    fcntl.flock(claim, fcntl.LOCK_EX)
    os.rename(folder / f".{CLAIM}", folder / CLAIM)
    _claims[folder] = claim
    return folder


def remove_unclaimed(parent=None) -> list:
    """Remove the sandbox folders in ``parent`` (the temp folder) whose process is gone; returns them."""
    removed = []
    for folder in sorted(Path(parent or tempfile.gettempdir()).glob(PREFIX + "*")):
        try:
            claim = open(folder / CLAIM)
        except OSError:  # being made, not a sandbox folder, or someone else's
            continue
        with claim:
            try:
                fcntl.flock(claim, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:  # its process is alive (or another is removing it)
                continue
            if folder not in _claims:
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
    return removed

