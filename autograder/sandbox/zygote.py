"""The grader's side of one submission's sandbox: start its zygote, ask it for sessions.

:mod:`autograder.sandbox.worker` runs as the zygote inside the sandbox
(bubblewrap where the machine has it, see :mod:`autograder.sandbox.confine`),
under the limits' rlimits and a pids cgroup, with an empty environment. The
grader talks to it over a ``SOCK_SEQPACKET`` socket pair: each ``session``
request is answered with the new session's PID (in the sandbox) and, by
``SCM_RIGHTS``, the grader's end of that session's own socket.
"""

import json
import os
import select
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from ..texts import domain
from . import confine
from .errors import Crashed, TimedOut
from .limits import Limits

_ = domain("sandbox")

WORKER = Path(__file__).with_name("worker.py")


class Zygote:
    """A sandbox: a zygote process that forks sessions on request, for one submission at a time."""

    def __init__(self, workspace: Path, limits: Limits, preload=()):
        self.workspace, self.limits, self.preload = Path(workspace), limits, tuple(preload)
        self.proc = None
        self.control = None
        self.cap = None
        self.sources = None  # the files the current submission's sessions start from (see load)

    def load(self, sources, preload=()) -> None:
        """Make ``sources`` (files, copied in name order; a later one replaces an earlier one of
        the same name) the workspace every new session starts from, the last session ended."""
        self.sources = [Path(p) for p in sources]
        if self.alive:
            self.end_session(time.monotonic() + self.limits.start_seconds)
        _fill(self.workspace, self.sources)
        if self.alive:
            self._ask({"op": "load", "preload": list(preload)}, time.monotonic() + self.limits.start_seconds)
        else:
            self.preload = tuple(preload)

    def start(self) -> None:
        if self.sources is not None:  # a sandbox that died: its last session may have changed the files
            _fill(self.workspace, self.sources)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        limits = self.limits
        self.cap = confine.ProcessGroupCap(limits.processes)
        uid_processes = confine.processes_of_current_user()
        argv, cwd = confine.command(WORKER, self.workspace, theirs.fileno(), self.preload)

        def child_setup():  # runs in the child, before exec
            self.cap.join()
            confine.set_rlimits(limits, uid_processes)

        self.proc = subprocess.Popen(
            argv, cwd=cwd, env=sandbox_environment(),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(theirs.fileno(),), preexec_fn=child_setup, start_new_session=True,
        )
        theirs.close()
        self.control = ours
        self.started = time.monotonic()

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def new_session(self, deadline: float) -> tuple[socket.socket, int]:
        """``(socket, pid in the sandbox)`` of a fresh session; the last one is ended first."""
        # the first answer waits for the zygote's own start (numpy imported)
        reply, fds = self._ask({"op": "session"}, max(deadline, self.started + self.limits.start_seconds))
        if not fds or "pid" not in reply:
            raise Crashed(_("the notebook's sandbox did not start a session"))
        return socket.socket(fileno=fds[0]), int(reply["pid"])

    def end_session(self, deadline: float) -> dict | None:
        """End the current session; how it ended (``{"exit": n}`` or ``{"signal": n}``) or None."""
        reply, _fds = self._ask({"op": "end"}, deadline)
        return reply.get("ended")

    def _ask(self, request, deadline):
        if not self.alive:
            raise Crashed(_("the notebook's sandbox is not running"))
        try:
            self.control.send(json.dumps(request).encode())
            remaining = deadline - time.monotonic()
            ready, _w, _x = select.select([self.control], [], [], max(0.0, remaining))
            if not ready:
                raise TimedOut(_("the notebook's sandbox did not answer"))
            data, fds, _flags, _address = socket.recv_fds(self.control, 65536, 1)
        except OSError:
            raise Crashed(_("the notebook's sandbox stopped")) from None
        if not data:
            raise Crashed(_("the notebook's sandbox stopped"))
        try:
            return json.loads(data), fds
        except ValueError:
            raise Crashed(_("the notebook's sandbox answered nonsense")) from None

    def close(self) -> None:
        if self.control is not None:
            self.control.close()
            self.control = None
        if self.proc is not None:
            _kill_group(self.proc)
            self.proc = None
        if self.cap is not None:
            self.cap.close()
            self.cap = None


def _fill(workspace, sources):
    """``workspace`` emptied (links are removed, never followed), then ``sources`` copied in."""
    workspace.mkdir(parents=True, exist_ok=True)
    for entry in workspace.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    for source in sources:
        shutil.copy(source, workspace / source.name)


def sandbox_environment() -> dict:
    """The whole environment of the sandbox: nothing of the grader's."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": "/tmp",
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        # one thread each: the limits and the parallel grader assume it
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        # big arrays from the heap, and kept: CPU time measures the code, not fresh pages
        "GLIBC_TUNABLES": "glibc.malloc.mmap_threshold=268435456:glibc.malloc.trim_threshold=1073741824",
    }


def _kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
