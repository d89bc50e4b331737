"""One submission's code, as the hidden checks see it: sessions of a confined sandbox.

The grader never imports or executes student code. :class:`StudentProcess`
starts the submission's sandbox (:mod:`autograder.sandbox.zygote`) and asks
it for sessions: fresh processes that run the notebook's code cells and
then answer calls on plain-data arguments.

* **Shared and isolated checks.** Checks that send only plain data share
  one session. A check that sends grader-written code (a stand-in, a
  helper: an :class:`~autograder.sandbox.protocol.Expr`) runs inside
  :meth:`StudentProcess.isolated`: a session of its own, ended with the
  check, whose files and processes the zygote removes before the next one.
  The shared session refuses grader code, so none can be kept for later.
* **Hangs and crashes cost only themselves.** A call that hangs or kills
  its session fails, the function is not called again, and the next call
  gets a fresh session with every definition. A top-level statement that
  hangs or kills a session at start-up is skipped from then on; the rest
  of its cell still runs.
* **Budgets.** The notebook has a wall-time budget over all its checks;
  when it is spent, the remaining checks fail at once with that reason.
  Fresh starts after a crash or a hang are capped.
"""

import contextlib
import dataclasses
import json
import signal
import time
from pathlib import Path

from ..errors import SuiteProblem
from ..texts import Text, domain
from . import protocol
from .errors import BadReply, Crashed, NotDefined, OutOfTime, RaisedError, TimedOut
from .limits import Limits
from .session import Session
from .zygote import Zygote

_ = domain("sandbox")
SANDBOX_DEATHS = 2  # deaths of the whole sandbox right after one target's calls before it counts as a crash
ALL = -1  # in a cell's skipped statements: the cell could not even be parsed in time
PIPELINED_BYTES = 64 * 1024  # cell requests sent ahead, at most (a socket's buffer holds 200 KiB)


@dataclasses.dataclass
class Reply:
    """What one call gave back, decoded and validated."""

    value: object
    warnings: list
    args: tuple = ()


class StudentProcess:
    """One submission's code in its sandbox.

    ``cells`` is a list of ``{"name": str, "source": str}`` (Python source,
    magics already translated); ``workdir`` holds the submission's files
    (the sandbox's working directory). ``scrub`` turns any text that came
    from the student's process into what may be shown to the student
    (the grader removes hidden material with it). ``preload``: modules the
    zygote imports once for all sessions. ``zygote``: a running sandbox
    (:mod:`autograder.sandbox.warm`) already loaded with this submission's
    files, used instead of starting one in ``workdir``, and left running.
    """

    def __init__(self, cells, workdir=None, limits: Limits = Limits(), scrub=None, preload=(), zygote=None):
        self.cells, self.limits = cells, limits
        self.workdir = Path(workdir) if workdir is not None else None
        self.scrub = scrub or (lambda text: text)
        self.preload = preload
        self.shared_zygote = zygote is not None
        self.zygote = zygote
        self.session = None
        self.generation = 0
        self.restarts = 0
        self.deadline = None  # the notebook's budget, from its first request
        self.private = False  # inside isolated(): grader code may be sent
        self.cell_errors = []  # of the current session's start-up
        self.skipped = {}  # cell index -> statement indices that hung or crashed
        self.startup_problems = {}  # (cell index, statement) -> student-facing description
        self.poisoned = {}  # call target -> the exception it caused: not called again
        self.last_call = None  # (key, what) of the last call that answered
        self.sandbox_deaths = {}  # call target -> times the whole sandbox died right after it answered
        self.looked_up = {}  # name -> lookup(name), for the current session

    # -- life cycle -----------------------------------------------------
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        if self.shared_zygote:
            self._end_session()  # the zygote cleans up after it, for the next submission
            return
        if self.session is not None:
            self.session.close()
            self.session = None
        if self.zygote is not None:
            self.zygote.close()
            self.zygote = None

    @contextlib.contextmanager
    def isolated(self):
        """A session of its own for the calls inside the block (grader code allowed),
        ended with the block; the shared session starts afresh after it."""
        self._end_session()
        self.private = True
        try:
            yield self
        finally:
            self._end_session()
            self.private = False

    def ensure_started(self) -> None:
        if self.session is not None and self.session.open:
            return
        self._budget()  # starts the clock on the first request
        while True:
            if self.restarts > self.limits.restarts:
                raise Crashed(_("grading stopped calling this notebook's code after it "
                                "crashed or hung several times"))
            try:
                session = self._new_session()
            except (Crashed, TimedOut):  # the sandbox died (a session killed it): start it again
                self.zygote.close()
                self.restarts += 1
                continue
            if self._run_cells(session):
                self.session = session
                self.looked_up = {}
                return
            self.restarts += 1

    def _new_session(self):
        if self.zygote is None:
            self.zygote = Zygote(self.workdir, self.limits, self.preload)
        if not self.zygote.alive:
            if self.zygote.proc is not None:
                self.zygote.close()
                self.restarts += 1  # the sandbox itself died: a fresh start
            self.zygote.start()
        sock, pid = self.zygote.new_session(self._deadline(self.limits.cell_seconds))
        self.generation += 1
        return Session(sock, pid, self.generation, self.zygote.proc.pid)

    def _end_session(self):
        """End the current session (the zygote kills it and cleans up); how it ended."""
        ended = None
        if self.session is not None:
            self.session.close()
            self.session = None
            if self.zygote is not None and self.zygote.alive:
                try:
                    ended = self.zygote.end_session(time.monotonic() + self.limits.start_seconds)
                except (Crashed, TimedOut):
                    self.zygote.close()  # started again for the next session
        return ended

    def _run_cells(self, session):
        """Run the notebook's cells in ``session``, a statement at a time; a statement
        that hangs or kills the session is skipped from then on (its names stay
        undefined) and False returned, so a fresh session runs the cells again."""
        errors = []
        runs = [(index, cell, {"op": "run_cell", "cell": cell, "skip": sorted(self.skipped.get(index, set()))})
                for index, cell in enumerate(self.cells) if ALL not in self.skipped.get(index, set())]
        # all sent at once when they fit in the socket's buffer (sending can then never wait on a
        # session that is busy running a cell): the session goes from cell to cell without waiting
        # for the grader. Each cell's time still counts from when its turn comes.
        ahead = sum(len(json.dumps(request)) for _index, _cell, request in runs) <= PIPELINED_BYTES
        numbers = []
        for turn, (index, cell, request) in enumerate(runs):
            progress = {}
            what = _("the cell '{cell}'", cell=cell["name"])
            try:
                if not ahead:
                    numbers.append(session.send(request, what))
                elif not numbers:
                    numbers = [session.send(later, what) for _index, _cell, later in runs]
                reply = session.receive(numbers[turn], self._deadline(self.limits.cell_seconds), what,
                                        progress.update)
            except (TimedOut, Crashed, BadReply) as exc:
                exc = self._explain(exc, what, self.limits.cell_seconds)
                statement = progress.get("progress", ALL)
                self.skipped.setdefault(index, set()).add(statement if isinstance(statement, int) else ALL)
                line = progress.get("line")
                self.startup_problems[(index, statement)] = {
                    "cell": cell["name"], "type": type(exc).__name__,
                    "message": _("{problem} (at line {line})", problem=exc.text, line=line)
                    if isinstance(line, int) else exc.text, "line": line}
                self._end_session()
                if isinstance(exc, OutOfTime):
                    raise exc
                return False
            for error in reply.get("cell_errors", []) if isinstance(reply.get("cell_errors"), list) else []:
                errors.append(self._scrubbed_error(error, cell["name"]))
        self.cell_errors = errors + list(self.startup_problems.values())
        return True

    # -- budget ---------------------------------------------------------
    def _budget(self):
        if self.deadline is None:
            self.deadline = time.monotonic() + self.limits.notebook_seconds
        if time.monotonic() >= self.deadline:
            raise OutOfTime(self._out_of_time())
        return self.deadline

    def _deadline(self, seconds):
        """When a request that may take ``seconds`` must be answered, within the budget."""
        return min(time.monotonic() + seconds, self._budget())

    def _out_of_time(self):
        return _("grading stopped: the notebook used up its time budget of {seconds:g} s for all hidden checks, "
                 "so this check was not run (is some code very slow, or training for many epochs outside a "
                 "function?)", seconds=self.limits.notebook_seconds)

    def _explain(self, exc, what, seconds):
        """The student-facing exception for a session that hung, died or lied."""
        if isinstance(exc, TimedOut):
            if self.deadline is not None and time.monotonic() >= self.deadline - 0.01:
                return OutOfTime(self._out_of_time())
            return TimedOut(_("{what} did not finish within {seconds:g} s and was stopped "
                              "(an endless loop, or far too much work?)", what=what, seconds=seconds))
        if isinstance(exc, Crashed):
            return Crashed(_("{what} stopped the notebook's process ({how})", what=what,
                             how=_death(self._last_end())))
        return exc

    def _last_end(self):
        """How the session that just died ended, from the zygote; None if the sandbox died too."""
        if self.zygote is None or not self.zygote.alive:
            return None
        try:
            return self.zygote.end_session(time.monotonic() + self.limits.start_seconds)
        except (Crashed, TimedOut):
            self.zygote.close()
            return None

    # -- requests -------------------------------------------------------
    def request(self, request: dict, what: Text | str, seconds: float | None = None, again: bool = True) -> dict:
        self.ensure_started()
        seconds = seconds or self.limits.call_seconds
        try:
            reply = self.session.exchange(request, self._deadline(seconds), what)
        except (TimedOut, Crashed, BadReply) as exc:
            self.session = None
            if isinstance(exc, Crashed):
                ended = self._last_end()
                if ended is None and again:
                    # the whole sandbox had died, from something an earlier call did: this
                    # request gets one fresh start (if it is the culprit, it fails there too)
                    self._blame_last_call()
                    self.restarts += 1
                    return self.request(request, what, seconds, again=False)
                raise Crashed(_("{what} stopped the notebook's process ({how})", what=what,
                                how=_death(ended))) from None
            raise self._explain(exc, what, seconds) from None
        if not reply.get("ok"):
            error = self._scrubbed_error(reply.get("error"), None)
            raise RaisedError(what, error["type"], error["message"], error["line"])
        return reply

    def lookup(self, name: str) -> dict:
        """``{"defined", "callable", "is_class", "parameters"}`` of a name (asked once per session:
        a name the notebook defines stays defined)."""
        self.ensure_started()
        if name not in self.looked_up:
            self.looked_up[name] = self.request({"op": "lookup", "name": name}, _("looking up {name}", name=name))
        return self.looked_up[name]

    def require(self, name: str) -> dict:
        """Raise :class:`NotDefined` (with the cell's own error) unless ``name`` is callable."""
        info = self.lookup(name)
        if info.get("defined") and info.get("callable"):
            return info
        hint = None
        for error in self.cell_errors:
            if error["type"] in ("TimedOut", "Crashed", "BadReply", "OutOfTime"):
                hint = error["message"]
            elif error.get("line"):
                hint = _("the cell '{cell}' raised {type} at line {line}: {message}", cell=error["cell"],
                         type=error["type"], line=error["line"], message=str(error["message"])[:200])
            else:
                hint = _("the cell '{cell}' raised {type}: {message}", cell=error["cell"], type=error["type"],
                         message=str(error["message"])[:200])
            if error["cell"] == name:
                break
        if info.get("defined"):
            state = _("`{name}` is not a function when the notebook runs top to bottom", name=name)
        else:
            state = _("`{name}` is not defined when the notebook runs top to bottom", name=name)
        raise NotDefined(_("{problem}; {cause}", problem=state, cause=hint) if hint is not None else state)

    def invoke(self, target, args=(), kwargs=None, *, errstate=None, return_args=False,
               seconds=None, what=None) -> Reply:
        """Call ``target`` and return a :class:`Reply`.

        ``target`` is a student name (``"sigmoid"``), a method of an object
        in the student process (``(handle, "train")``) or a grader-written
        :class:`~autograder.sandbox.protocol.Expr` (to inspect or edit a
        student object in place). Arguments may be plain data, handles,
        :class:`Ref` (a student name) or :class:`Expr` (a helper function).
        """
        request, key, what = self._call_request(target, args, kwargs, errstate, what)
        request.update(op="call", return_args=return_args)
        reply = self._guarded(key, request, what, seconds)
        result = Reply(self._value(reply.get("value")), self._warnings(reply))
        if return_args:
            result.args = self._value(reply.get("args"))
            if type(result.args) is not tuple or len(result.args) != len(args):
                raise BadReply(_("{what}: the arguments did not come back", what=what))
        return result

    def call(self, target, *args, **kwargs) -> object:
        """Call and return just the value (the common case in the suites)."""
        return self.invoke(target, args, kwargs).value

    def timed(self, target, args, n: int, seed: int, kwargs=None, what=None) -> tuple:
        """Call ``target`` on arguments the session generates (size ``n``, see
        :func:`~autograder.sandbox.worker.generate`) from ``seed``.

        Returns ``(digest, cpu_ns)``: the output's digest
        (:func:`~autograder.sandbox.worker.digest`) and the CPU time the
        session used for the whole request, read from the kernel.
        """
        request, key, what = self._call_request(target, args, kwargs, None, what)
        request.update(op="timed_call", n=int(n), seed=int(seed))
        self.ensure_started()
        before = self.session.cpu_ns()
        reply = self._guarded(key, request, what, None)
        try:
            used = self.session.cpu_ns() - before
        except Crashed:
            raise Crashed(_("{what} ended the notebook's process", what=what)) from None
        found = reply.get("digest")
        if found is not None and not (isinstance(found, list) and len(found) == 2
                                      and all(type(x) in (int, float) for x in found)):
            raise BadReply(_("{what}: the result did not come back", what=what))
        return (tuple(found) if found is not None else None), used

    def getattr(self, handle: protocol.Handle, attr: str) -> object:
        name = f"{handle.type_name}.{attr}"
        reply = self.request({"op": "getattr", **self._handle_ref(handle), "attr": attr}, _("reading {name}", name=name))
        return self._value(reply.get("value"))

    def _call_request(self, target, args, kwargs, errstate, what):
        request = {"args": protocol.encode_args(list(args)),
                   "kwargs": protocol.encode_args(dict(kwargs or {})), "errstate": errstate}
        grader_code = isinstance(target, protocol.Expr) or protocol.carries_grader_code((args, kwargs))
        if grader_code and not self.private:
            raise SuiteProblem("a hidden check sends grader code to the shared student process; "
                               "mark it isolated (pytest.mark.isolated)")
        if isinstance(target, str):
            key = target
            self.require(target)
            request["name"] = target
            what = what or f"{target}(...)"
        elif isinstance(target, protocol.Expr):
            key = target.source
            request["expr"] = target.source
            what = what or _("a grader helper")
        else:
            handle, attr = target
            key = (handle.type_name, attr)
            request.update(self._handle_ref(handle), attr=attr)
            what = what or f"{handle.type_name}.{attr}(...)"
        return request, key, what

    def _guarded(self, key, request, what, seconds):
        """A call, unless the same target hung or crashed before (not waited for twice)."""
        if key in self.poisoned:
            raise self.poisoned[key]
        try:
            reply = self.request(request, what, seconds)
        except (TimedOut, Crashed) as exc:
            self.poisoned[key] = exc  # one hang per function is enough to know
            raise
        self.last_call = (key, what)
        return reply

    def _blame_last_call(self):
        """The whole sandbox died after the last call had answered (code that kills its sandbox, then
        returns): after the same target twice, that target counts as a crash and is not called again,
        so it cannot spend every fresh start the notebook has."""
        if self.last_call is None:
            return
        key, what = self.last_call
        self.last_call = None
        self.sandbox_deaths[key] = self.sandbox_deaths.get(key, 0) + 1
        if self.sandbox_deaths[key] >= SANDBOX_DEATHS:
            self.poisoned[key] = Crashed(_("{what} stopped the notebook's sandbox each time it ran", what=what))

    def _handle_ref(self, handle):
        if self.session is None or handle.generation != self.session.generation:
            raise Crashed(_("the object was lost when the notebook's process was restarted"))
        return {"handle": handle.index}

    def _value(self, data):
        value = protocol.decode_value(data, self.generation)
        if isinstance(value, protocol.Handle):
            value.type_name = self.scrub(value.type_name)
        return value

    def _warnings(self, reply):
        warnings = reply.get("warnings", [])
        if not isinstance(warnings, list):
            raise BadReply(_("malformed warnings"))
        return [self.scrub(str(w)[:300]) for w in warnings[:20]]

    def _scrubbed_error(self, error, cell):
        error = error if isinstance(error, dict) else {}
        line = error.get("line")
        return {"cell": self.scrub(str(error.get("cell", cell))),
                "type": self.scrub(str(error.get("type", "an error"))[:80]),
                "message": self.scrub(str(error.get("message", ""))),
                "line": line if isinstance(line, int) else None}


def _death(ended) -> Text:
    if not ended:
        return _("it stopped answering")
    if "signal" in ended:
        name = signal.Signals(ended["signal"]).name if ended["signal"] in signal.valid_signals() \
            else f"signal {ended['signal']}"
        hint = {"SIGSEGV": _("a segmentation fault"), "SIGKILL": _("killed, probably by the memory limit"),
                "SIGXCPU": _("the CPU-time limit")}.get(name, name)
        return _("it was ended by {signal}: {hint}", signal=name, hint=hint)
    return _("it exited with code {code}", code=ended.get("exit"))
