"""Start the student process under limits and call into it.

The grader never imports or executes student code. :class:`StudentProcess`
starts :mod:`autograder.sandbox.worker` as a separate Python process with
an empty environment and resource limits, sends it the submission's code
cells, and then asks it to call functions on plain-data arguments. A call
that hangs is stopped at its wall-time limit; a process that dies (memory
limit, segfault, ``os._exit``) is restarted for the next call, so a crash
costs only the checks that triggered it.
"""

import dataclasses
import os
import signal
import subprocess
import time
from pathlib import Path

from . import confine, protocol
from .errors import BadReply, Crashed, NotDefined, RaisedError, TimedOut

WORKER = Path(__file__).with_name("worker.py")


@dataclasses.dataclass(frozen=True)
class Limits:
    """Resource limits of one student process (all per process)."""

    call_seconds: float = 5.0  # wall time of one call
    cell_seconds: float = 10.0  # wall time of one notebook cell at start-up
    cpu_seconds: int = 120  # CPU time of the process over its whole life
    memory_bytes: int = 2 * 1024**3  # address space
    file_bytes: int = 16 * 1024**2  # largest file the process may write
    processes: int = 64  # processes per user (see the README's security model)
    restarts: int = 25  # restarts after crashes or timeouts before giving up


@dataclasses.dataclass
class Reply:
    """What one call gave back, decoded and validated."""

    value: object
    warnings: list
    args: tuple = ()
    lines: int = 0


class StudentProcess:
    """One submission's code, running in a separate limited process.

    ``cells`` is a list of ``{"name": str, "source": str}`` (Python source,
    magics already translated); ``workdir`` is the submission's folder, the
    process's working directory.
    """

    def __init__(self, cells, workdir, limits=Limits()):
        self.cells, self.workdir, self.limits = cells, Path(workdir), limits
        self.proc = None
        self.generation = 0
        self.cell_errors = []
        self.restarts = 0
        self.sent = 0  # request counter: each reply must echo its request's number
        self.bad_cells = {}  # cell index -> error dict: cells that hang or crash are skipped
        self.poisoned = {}  # call target -> the exception it caused: not called again

    # -- life cycle -----------------------------------------------------
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        if self.proc is None:
            return
        for fd in (self.to_worker, self.from_worker):
            try:
                os.close(fd)
            except OSError:
                pass
        _kill_group(self.proc)
        self.cap.close()
        self.proc = None

    def ensure_started(self) -> None:
        if self.proc is not None:
            return
        if self.generation and self.restarts >= self.limits.restarts:
            raise Crashed("grading stopped calling this notebook's code after it "
                          "crashed or hung several times")
        while True:
            if self.generation:
                self.restarts += 1
            self.generation += 1
            self._spawn()
            if self._run_cells():
                return

    def _run_cells(self):
        """Run the notebook's cells one by one; a cell that hangs or kills the
        process is skipped from then on (its names stay undefined) and the
        process restarted, so the other exercises are still graded."""
        errors = []
        for index, cell in enumerate(self.cells):
            if index in self.bad_cells:
                errors.append(self.bad_cells[index])
                continue
            what = f"the cell '{cell['name']}'"
            try:
                reply = self._exchange({"op": "run_cell", "cell": cell}, self.limits.cell_seconds, what)
            except (TimedOut, Crashed, BadReply) as exc:
                self.bad_cells[index] = {"cell": cell["name"], "type": type(exc).__name__,
                                         "message": str(exc), "line": None}
                return False
            errors += reply.get("cell_errors", [])
        self.cell_errors = errors
        return True

    def _spawn(self):
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        limits = self.limits
        self.cap = confine.ProcessGroupCap(limits.processes)
        uid_processes = confine.processes_of_current_user()
        argv, cwd = confine.command(WORKER, self.workdir, (req_r, rep_w))

        def child_setup():  # runs in the child, before exec
            self.cap.join()
            confine.set_rlimits(limits, uid_processes)

        self.proc = subprocess.Popen(
            argv, cwd=cwd, env=sandbox_environment(),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(req_r, rep_w), preexec_fn=child_setup, start_new_session=True,
        )
        os.close(req_r)
        os.close(rep_w)
        self.to_worker, self.from_worker = req_w, rep_r

    # -- requests -------------------------------------------------------
    def _exchange(self, request, seconds, what):
        self.sent += 1
        request = {**request, "id": self.sent}
        try:
            protocol.send(self.to_worker, request)
            reply = protocol.read_reply(self.from_worker, time.monotonic() + seconds, self.generation)
            if reply.get("id") != self.sent:
                raise BadReply(f"{what}: the notebook's code wrote into the grader's channel")
        except TimedOut:
            self.close()
            raise TimedOut(f"{what} did not finish within {seconds:g} s and was stopped "
                           "(an endless loop, or far too much work?)") from None
        except (Crashed, BrokenPipeError, OSError):
            code = _exit_code(self.proc)
            self.close()
            raise Crashed(f"{what} stopped the notebook's process ({_death(code)})") from None
        except BadReply:
            self.close()
            raise
        return reply

    def request(self, request: dict, what: str, seconds: float | None = None) -> dict:
        self.ensure_started()
        reply = self._exchange(request, seconds or self.limits.call_seconds, what)
        if not reply.get("ok"):
            error = reply.get("error") or {}
            raise RaisedError(what, str(error.get("type", "an error"))[:80],
                              str(error.get("message", "")), error.get("line"))
        return reply

    def lookup(self, name: str) -> dict:
        """``{"defined", "callable", "is_class", "parameters"}`` of a name."""
        return self.request({"op": "lookup", "name": name}, f"looking up {name}")

    def require(self, name: str) -> dict:
        """Raise :class:`NotDefined` (with the cell's own error) unless ``name`` is callable."""
        info = self.lookup(name)
        if info.get("defined") and info.get("callable"):
            return info
        hint = ""
        for error in self.cell_errors:
            if error["type"] in ("TimedOut", "Crashed", "BadReply"):
                hint = f"; {error['message']}"
            else:
                line = f" at line {error['line']}" if error.get("line") else ""
                hint = (f"; the cell '{error['cell']}' raised {error['type']}{line}: "
                        f"{str(error['message'])[:200]}")
            if error["cell"] == name:
                break
        state = "is not a function" if info.get("defined") else "is not defined"
        raise NotDefined(f"`{name}` {state} when the notebook runs top to bottom{hint}")

    def invoke(self, target, args=(), kwargs=None, *, errstate=None, return_args=False,
               count_lines=False, seconds=None, what=None) -> Reply:
        """Call ``target`` and return a :class:`Reply`.

        ``target`` is a student name (``"sigmoid"``), a method of an object
        in the student process (``(handle, "train")``) or a grader-written
        :class:`~autograder.sandbox.protocol.Expr` (to inspect or edit a
        student object in place). Arguments may be plain data, handles,
        :class:`Ref` (a student name) or :class:`Expr` (a helper function).
        """
        request = {"op": "call", "args": protocol.encode_args(list(args)),
                   "kwargs": protocol.encode_args(dict(kwargs or {})),
                   "errstate": errstate, "return_args": return_args, "count_lines": count_lines}
        key = target if isinstance(target, str) else getattr(target, "source", None) or \
            (target[0].type_name, target[1])
        if key in self.poisoned:
            raise self.poisoned[key]
        if isinstance(target, str):
            self.require(target)
            request["name"] = target
            what = what or f"{target}(...)"
        elif isinstance(target, protocol.Expr):
            request["expr"] = target.source
            what = what or "a grader helper"
        else:
            handle, attr = target
            request.update(self._handle_ref(handle), attr=attr)
            what = what or f"{handle.type_name}.{attr}(...)"
        try:
            reply = self.request(request, what, seconds)
        except (TimedOut, Crashed) as exc:
            self.poisoned[key] = exc  # one hang per function is enough to know
            raise
        result = Reply(self._value(reply.get("value")), self._warnings(reply))
        if return_args:
            result.args = self._value(reply.get("args"))
            if type(result.args) is not tuple or len(result.args) != len(args):
                raise BadReply(f"{what}: the arguments did not come back")
        if count_lines:
            result.lines = int(reply.get("lines", 0))
        return result

    def call(self, target, *args, **kwargs) -> object:
        """Call and return just the value (the common case in the suites)."""
        return self.invoke(target, args, kwargs).value

    def getattr(self, handle: protocol.Handle, attr: str) -> object:
        reply = self.request({"op": "getattr", **self._handle_ref(handle), "attr": attr},
                             f"reading {handle.type_name}.{attr}")
        return self._value(reply.get("value"))

    def setattr(self, handle: protocol.Handle, attr: str, value) -> None:
        """Set an attribute of an object in the student process (inject parameters)."""
        self.request({"op": "setattr", **self._handle_ref(handle), "attr": attr,
                      "value": protocol.encode_args(value)}, f"setting {handle.type_name}.{attr}")

    def _handle_ref(self, handle):
        if handle.generation != self.generation or self.proc is None:
            raise Crashed("the object was lost when the notebook's process was restarted")
        return {"handle": handle.index}

    def _value(self, data):
        return protocol.decode_value(data, self.generation)

    @staticmethod
    def _warnings(reply):
        warnings = reply.get("warnings", [])
        if not isinstance(warnings, list):
            raise BadReply("malformed warnings")
        return [str(w)[:300] for w in warnings[:20]]


def sandbox_environment() -> dict:
    """The whole environment of the student process: nothing of the grader's."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": "/tmp",
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        # one thread each: the limits and the parallel grader assume it
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
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


def _exit_code(proc, wait=1.0):
    """The process's exit code, waiting briefly (bubblewrap reports it a moment later)."""
    if proc is None:
        return None
    try:
        return proc.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        return None


def _death(code):
    if code is None:
        return "it stopped answering"
    if code > 128 and code - 128 in signal.valid_signals():
        code = 128 - code  # bubblewrap reports a child killed by signal N as 128 + N
    if code < 0:
        name = signal.Signals(-code).name
        hint = {"SIGSEGV": "a segmentation fault", "SIGKILL": "killed, probably by the memory limit",
                "SIGXCPU": "the CPU-time limit"}.get(name, name)
        return f"it was ended by {name}: {hint}"
    return f"it exited with code {code}"
