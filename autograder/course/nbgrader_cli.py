"""Running nbgrader's own commands (``python -m nbgrader ...``) from the kit.

nbgrader starts helper programs (``alembic``) from ``PATH``, so this
Python's ``bin`` folder goes first on it: :func:`environment` is the one
place that is done, for subprocesses and (:func:`put_python_first`) for
this process.
"""

import os
import subprocess
import sys
from pathlib import Path

from ..errors import NbgraderFailed

LOG_TAIL = 3000  # characters of nbgrader's output kept in an error


def environment(env=None):
    """``env`` (default: this process's) with this Python's bin first on PATH."""
    env = dict(os.environ if env is None else env)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def put_python_first():
    """This process's PATH, with this Python's bin first (nbgrader's in-process API needs it)."""
    os.environ["PATH"] = environment()["PATH"]


def nbgrader(args, cwd, env=None):
    """Run ``nbgrader ARGS`` in ``cwd``; raise :class:`NbgraderFailed` with its log on failure."""
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=environment(env),
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise NbgraderFailed(f"nbgrader {' '.join(args)} failed:\n"
                             f"{proc.stdout[-LOG_TAIL:]}{proc.stderr[-LOG_TAIL:]}")
    return proc
