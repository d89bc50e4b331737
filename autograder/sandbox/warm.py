"""A warm sandbox per grading process, reused from one submission to the next.

Starting a sandbox costs a Python start and a numpy import (0.2 s); its
zygote never runs student code, so one can serve every submission a
grading process grades: :func:`sandbox_for` loads the next submission's
files into its workspace (:meth:`~autograder.sandbox.zygote.Zygote.load`)
after the zygote has ended the last session and removed what it left.
A forked process never uses its parent's sandbox.
"""

import os
import shutil
import tempfile
from pathlib import Path

from ..process_end import at_end
from .limits import Limits
from .zygote import Zygote

_sandboxes = {}  # (pid, limits) -> Zygote


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
        workspace = Path(tempfile.mkdtemp(prefix="dlkit-sandbox-")) / "work"
        zygote = _sandboxes[key] = Zygote(workspace, limits)
        at_end(close_all)
    return zygote


def close_all() -> None:
    for key, zygote in list(_sandboxes.items()):
        if key[0] == os.getpid():
            zygote.close()
            shutil.rmtree(zygote.workspace.parent, ignore_errors=True)
            del _sandboxes[key]

