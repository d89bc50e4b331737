"""The student side of the sandbox: a zygote that forks one fresh session per check group.

This file runs *inside* the sandbox, started as a script
(``python -I worker.py CONTROL_FD [--confined]``), so it imports nothing from
the kit: only the standard library and numpy.

* The **zygote** never runs student code. It imports numpy, its random
  module included (numpy loads that on first use: 20 ms of every session
  that draws an input), and modules the notebook imports, from an
  allow-list; it takes a snapshot of the workspace, and waits for the
  grader on its control socket; one zygote serves one submission after
  another (``load``: the next one's files). For each ``session`` request it
  first ends everything the last session left (every other
  process in the sandbox, files in ``/tmp`` and the workspace, System V
  IPC objects), then forks a child and hands the grader that child's end
  of a new socket pair (``SCM_RIGHTS``). It makes itself undumpable, so no
  session can read or write its memory.
* A **session** runs the notebook's code cells, one top-level statement
  at a time, then answers calls. It lives until the grader ends it; the
  grader starts a fresh one for every check that receives grader-written
  code, so nothing placed in one reaches a later check.

Only plain data crosses the sockets: None, bools, ints, floats, strings,
lists, tuples, str-keyed dicts and numpy arrays/scalars of bool, integer or
float dtype (an array as its dtype, its shape and its raw bytes, base64:
nothing is unpickled or parsed as code). Any other object a student function returns stays
in the session, in a table of handles, and the grader gets
``{"__handle__": id}``. Frames are length-prefixed JSON; the student's own
prints go to ``/dev/null``, so they cannot forge a frame by printing.
"""

import ast
import base64
import contextlib
import ctypes
import inspect
import json
import os
import resource
import shutil
import signal
import socket
import struct
import sys
import textwrap
import traceback
import warnings

import numpy as np
import numpy.random  # noqa: F401  (numpy loads it on first use: see Zygote)

HEADER = struct.Struct("!Q")  # frame length, 8 bytes big-endian
PLAIN_KINDS = "biuf"  # numpy dtype kinds that may cross: bool, int, uint, float
MAX_TEXT = 2000  # characters of a student's exception message kept
MAX_ITEMS = 1_000_000  # elements of one array sent back (the grader checks again)


# ---------------------------------------------------------------- the codec
# Shared with the grader (autograder.sandbox.protocol imports it), so both
# sides agree on one encoding.

def encode(value, handles=None):
    """Turn ``value`` into JSON-able plain data; unknown objects become handles."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)) and type(value) in (int, float):
        return value
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in PLAIN_KINDS:
            raise TypeError(f"an array of dtype {value.dtype} cannot be graded")
        if value.size > MAX_ITEMS:  # e.g. a broadcast view of 10^10 elements
            raise TypeError(f"an array of {value.size} elements is far larger than any answer")
        # a column-major array (a transposed matrix) stays column-major on the other side
        fortran = value.ndim > 1 and value.flags.f_contiguous and not value.flags.c_contiguous
        # (np.ascontiguousarray would make a 0-d array 1-d: an answer of shape () must stay ())
        array = np.asfortranarray(value) if fortran else value if value.flags.c_contiguous else value.copy(order="C")
        raw = array.T.data if fortran else array.data
        return {"__ndarray__": base64.b64encode(raw).decode("ascii"), "dtype": array.dtype.str,
                "shape": list(array.shape), "order": "F" if fortran else "C"}
    if isinstance(value, np.generic):
        if value.dtype.kind not in PLAIN_KINDS:
            raise TypeError(f"a numpy scalar of dtype {value.dtype} cannot be graded")
        return {"__npscalar__": value.dtype.str, "value": value.item()}
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v, handles) for v in value]}
    if isinstance(value, list):
        return [encode(v, handles) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"__dict__": [[k, encode(v, handles)] for k, v in value.items()]}
    if handles is None:
        raise TypeError(f"a {type(value).__name__} cannot be sent")
    handles.append(value)
    return {"__handle__": len(handles) - 1, "type": type(value).__name__}


def decode(data, resolve=None):
    """Inverse of :func:`encode`. ``resolve`` maps the special markers that
    only the session understands (handles, references, expressions)."""
    if isinstance(data, list):
        return [decode(v, resolve) for v in data]
    if not isinstance(data, dict):
        return data
    if "__ndarray__" in data:
        return load_array(base64.b64decode(data["__ndarray__"], validate=True), data["dtype"], data["shape"],
                          data.get("order") == "F")
    if "__npscalar__" in data:
        dtype = np.dtype(data["__npscalar__"])
        if dtype.kind not in PLAIN_KINDS:
            raise TypeError(f"numpy scalar of dtype {dtype}")
        return dtype.type(data["value"])
    if "__tuple__" in data:
        return tuple(decode(v, resolve) for v in data["__tuple__"])
    if "__dict__" in data:
        return {str(k): decode(v, resolve) for k, v in data["__dict__"]}
    if resolve is not None:
        return resolve(data)
    raise TypeError(f"unexpected object in a reply: {sorted(data)[:3]}")


def load_array(raw, dtype, shape, fortran=False):
    """An array from its raw bytes (C order, or Fortran order), its dtype (a plain kind only)
    and shape checked first."""
    dtype = np.dtype(str(dtype))
    if dtype.kind not in PLAIN_KINDS or dtype.hasobject or dtype.fields or dtype.subdtype:
        raise TypeError(f"an array of dtype {dtype}")
    shape = tuple(int(n) for n in shape)
    if any(n < 0 for n in shape) or int(np.prod(shape, dtype=np.float64)) > MAX_ITEMS:
        raise TypeError(f"an array of shape {shape}")
    if len(raw) != int(np.prod(shape, dtype=np.int64)) * dtype.itemsize:
        raise TypeError("an array whose bytes do not fit its shape")
    flat = np.frombuffer(raw, dtype=dtype)
    return flat.reshape(shape[::-1]).T.copy(order="F") if fortran else flat.reshape(shape).copy()


# ---------------------------------------- generated inputs and output digests
# Shared with the grader too: a timed call's large input is generated in the
# session from a seed (sending it would cost more than the call), and its
# output comes back as a weighted sum that needs every element to be right.

def generate(spec, n, rng):
    """The value of one argument spec: ``{"__gen__": {"dist", "shape", "low", "high"}}`` (``"n"``
    in the shape stands for ``n``) becomes a fresh array, uniform on [low, high) or integers
    in [low, high); anything else is itself. Cheap per element, so timing the call measures
    the function, not this."""
    if not (isinstance(spec, dict) and "__gen__" in spec):
        return spec
    gen = spec["__gen__"]
    shape = tuple(n if part == "n" else int(part) for part in gen["shape"])
    low, high = gen.get("low", 0.0), gen.get("high", 1.0)
    if gen["dist"] == "uniform":
        values = rng.random(size=shape)
        values *= float(high) - float(low)
        values += float(low)
        return values
    if gen["dist"] == "integers":
        return rng.integers(int(low), int(high), size=shape)
    raise ValueError(f"unknown distribution {gen['dist']!r}")


def digest(value):
    """``(sum, scale)``: a position-weighted sum of every number in ``value`` (arrays,
    numbers, tuples, lists, dicts by sorted key) and the sum of its terms'
    magnitudes; None for anything else. Every element counts, so no part of
    the work can be skipped; and it is cheap next to the call it checks."""
    parts = []

    def walk(item):
        if isinstance(item, dict):
            return all(walk(item[key]) for key in sorted(item))
        if isinstance(item, (tuple, list)):
            return all(walk(v) for v in item)
        if isinstance(item, (bool, int, float, np.generic, np.ndarray)):
            array = np.asarray(item)
            if array.dtype.kind not in PLAIN_KINDS:
                return False
            parts.append(array.astype(np.float64, copy=False).ravel())
            return True
        return False

    if not walk(value) or not parts:
        return None
    flat = np.concatenate(parts) if len(parts) > 1 else parts[0]
    weights = np.arange(1, flat.size + 1, dtype=np.float64)
    weights *= 1.0 / flat.size
    with np.errstate(all="ignore"):
        terms = flat * weights
        return float(np.sum(terms)), float(np.sum(np.abs(terms)))


# ---------------------------------------------------------- grader helpers
# Shared with the grader too (``Expr.local``): a helper's expected values come
# from the very code the session runs.

HELPER_FILE = "<grader helper>"


def grader_helper(source):
    """The value of a grader-written helper, run with only numpy in scope.

    ``source`` is an expression (``lambda x: np.sum(x**2)``) or statements
    that end in one, whose value it is, as a notebook cell's last line
    (``def run(fn): ...`` then ``run``): helpers longer than a lambda are
    written as plain functions. The student's names are never in scope.
    """
    module = ast.parse(textwrap.dedent(source), HELPER_FILE)
    if not module.body or not isinstance(module.body[-1], ast.Expr):
        raise SyntaxError("a grader helper must end in an expression, its value")
    last = ast.Expression(module.body.pop().value)
    scope = {"np": np}
    exec(compile(module, HELPER_FILE, "exec"), scope)
    return eval(compile(last, HELPER_FILE, "eval"), scope)


def numpy_function(name):
    """One of numpy's own ufuncs, by name (``"tanh"``): what a check passes where the student's
    function takes a function (an activation) and any would do. The session has numpy, so no
    code of the grader's crosses, and the check needs no session of its own."""
    function = getattr(np, str(name), None)
    if not isinstance(function, np.ufunc):
        raise TypeError(f"np.{name} is not one of numpy's ufuncs")
    return function


# ------------------------------------------------------------- the framing

def read_frame(fd):
    header = _read_exactly(fd, HEADER.size)
    if header is None:
        return None
    (size,) = HEADER.unpack(header)
    body = _read_exactly(fd, size)
    return None if body is None else json.loads(body)


def write_frame(fd, obj):
    body = json.dumps(obj).encode("utf-8")
    data = HEADER.pack(len(body)) + body
    while data:
        data = data[os.write(fd, data):]


def _read_exactly(fd, size):
    chunks = []
    while size:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


# ------------------------------------------------------------ a session

class Shell:
    """Stands in for ``get_ipython()``: cells arrive with their magics already
    translated to calls on it. Line magics (``%matplotlib inline``, ``%time``)
    and shell commands are skipped; a cell magic's body still runs."""

    def __init__(self, namespace):
        self.namespace = namespace

    def run_line_magic(self, name, line, *args, **kwargs):
        return None

    def run_cell_magic(self, name, line, cell):
        exec(compile(cell, "<cell magic>", "exec"), self.namespace)

    def system(self, *args, **kwargs):
        return None

    getoutput = system


class Session:
    """Holds the student's namespace and the handles of returned objects."""

    def __init__(self, fd):
        self.fd = fd
        self.namespace = {"__name__": "__main__", "__builtins__": __builtins__}
        shell = Shell(self.namespace)
        self.namespace["get_ipython"] = lambda: shell
        self.handles = []
        self.cell_files = set()

    def run_cell(self, cell, skip):
        """Run one cell a top-level statement at a time, telling the grader
        (a ``progress`` frame) before each one, so a statement that hangs or
        kills the process can be skipped next time and the rest kept.

        As in a notebook, a statement that raises ends the cell. Returns
        ``[{"cell", "type", "message", "line"}]`` (empty, or the one error).
        """
        filename = f"<cell {cell['name']}>"
        self.cell_files.add(filename)
        try:
            statements = ast.parse(cell["source"], filename).body
        except BaseException as exc:  # SyntaxError, or a parser pushed too far
            return [{"cell": cell["name"], **describe(exc, self.cell_files)}]
        for index, statement in enumerate(statements):
            if index in skip:
                continue
            write_frame(self.fd, {"progress": index, "line": statement.lineno})
            try:
                exec(compile(ast.Module([statement], type_ignores=[]), filename, "exec"), self.namespace)
            except BaseException as exc:  # SystemExit and KeyboardInterrupt included
                return [{"cell": cell["name"], **describe(exc, self.cell_files)}]
        return []

    def resolve(self, data):
        if "__handle__" in data:
            return self.handles[int(data["__handle__"])]
        if "__ref__" in data:
            return self.namespace[data["__ref__"]]
        if "__expr__" in data:  # a grader-written helper, e.g. a loss function
            return grader_helper(data["__expr__"])
        if "__np__" in data:  # one of numpy's functions, e.g. an activation
            return numpy_function(data["__np__"])
        raise TypeError("unknown marker")

    def target(self, request):
        if "expr" in request:  # a grader-written helper, e.g. one that edits an object in place
            return grader_helper(request["expr"])
        if "handle" in request:
            obj = self.handles[request["handle"]]
            return getattr(obj, request["attr"]) if request.get("attr") else obj
        return self.namespace[request["name"]]

    def handle(self, request):
        op = request["op"]
        if op == "run_cell":
            return {"cell_errors": self.run_cell(request["cell"], set(request.get("skip", [])))}
        if op == "lookup":
            return self.lookup(request["name"])
        if op == "getattr":
            obj = self.handles[request["handle"]]
            return {"value": encode(getattr(obj, request["attr"]), self.handles)}
        if op == "call":
            return self.call(request)
        if op == "timed_call":
            return self.timed_call(request)
        raise ValueError(f"unknown op {op!r}")

    def lookup(self, name):
        if name not in self.namespace:
            return {"defined": False}
        obj = self.namespace[name]
        info = {"defined": True, "callable": callable(obj), "is_class": isinstance(obj, type)}
        try:
            info["parameters"] = [
                [p.name, p.kind.name, p.default is not inspect.Parameter.empty]
                for p in inspect.signature(obj).parameters.values()
            ]
        except (TypeError, ValueError):
            info["parameters"] = None
        return info

    def _invoke(self, request, args):
        fn = self.target(request)
        kwargs = decode(request.get("kwargs", {"__dict__": []}), self.resolve)
        # errstate: None (numpy's default), or a dict such as {"over": "raise"}
        with warnings.catch_warnings(record=True) as caught, np.errstate(**(request.get("errstate") or {})):
            warnings.simplefilter("always")
            value = fn(*args, **kwargs)
        return value, [f"{w.category.__name__}: {w.message}"[:MAX_TEXT] for w in caught]

    def call(self, request):
        args = decode(request.get("args", []), self.resolve)
        value, caught = self._invoke(request, args)
        reply = {"value": encode(value, self.handles), "warnings": caught}
        if request.get("return_args"):
            reply["args"] = encode(tuple(args), self.handles)
        return reply

    def timed_call(self, request):
        """Call on arguments generated here from ``seed`` (size ``n``); reply with the
        output's digest only. The grader reads this process's CPU time from the
        kernel around the request, so nothing here can make a loop look fast."""
        rng = np.random.default_rng(request["seed"])
        args = [generate(spec, request["n"], rng) for spec in decode(request.get("args", []), self.resolve)]
        value, _ = self._invoke(request, args)
        return {"digest": digest(value)}


def describe(exc, cell_files):
    """The student-facing description of an exception raised by their code."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename in cell_files:
            line = frame.lineno
    if isinstance(exc, SyntaxError) and exc.filename in cell_files:
        line = exc.lineno
    return {"type": type(exc).__name__, "message": str(exc)[:MAX_TEXT], "line": line}


def serve(fd):
    """The session's loop: one reply per request, until the grader hangs up."""
    session = Session(fd)
    while True:
        request = read_frame(fd)
        if request is None:
            return
        try:
            reply = {"ok": True, **session.handle(request)}
        except BaseException as exc:
            reply = {"ok": False, "error": describe(exc, session.cell_files)}
        reply["id"] = request.get("id")  # lets the grader spot frames the student's code wrote
        write_frame(fd, reply)


# ------------------------------------------------------------ the zygote

LIBC = ctypes.CDLL(None, use_errno=True)
PR_SET_DUMPABLE = 4
IPC_RMID = 0
SYSV_IPC = {"shm": "shmctl", "msg": "msgctl", "sem": "semctl"}
# modules the zygote may import for the sessions when the notebook imports them (never the
# workspace's own: the zygote runs no code of the student's)
PRELOADABLE = ("matplotlib", "matplotlib.pyplot", "scipy", "sklearn", "sklearn.datasets")


class Zygote:
    """Forks sessions, and makes sure each starts from the same clean state."""

    def __init__(self, control, confined):
        self.control = control
        self.confined = confined  # inside bubblewrap: the whole sandbox is ours to clean
        self.workspace = os.getcwd()
        self.snapshot = _read_tree(self.workspace)
        self.session = None
        # read once, before any session runs: a mount a session made is no reason to keep its files
        self.mounts = _mount_points()

    def run(self):
        while True:
            try:
                message = self.control.recv(65536)
            except OSError:
                message = b""
            if not message:
                self.end_session()
                return
            request = json.loads(message)
            if request.get("op") == "load":
                # the grader put the next submission's files in the workspace, the last
                # session being over: they are what each new session starts from
                self.end_session()
                self.snapshot = _read_tree(self.workspace)
                for name in request.get("preload", []):
                    if name in PRELOADABLE:
                        with contextlib.suppress(Exception):
                            __import__(name)
                self.control.send(json.dumps({"loaded": len(self.snapshot)}).encode())
            elif request.get("op") == "session":
                self.end_session()
                theirs, ours = socket.socketpair()
                pid = os.fork()
                if pid == 0:
                    self._become_session(ours, theirs)
                ours.close()
                self.session = pid
                socket.send_fds(self.control, [json.dumps({"pid": pid}).encode()], [theirs.fileno()])
                theirs.close()
            else:
                self.control.send(json.dumps({"ended": self.end_session()}).encode())

    def _become_session(self, ours, theirs):
        code = 0
        try:
            self.control.close()
            theirs.close()
            os.setsid()
            # POSIX message queues would outlive the session: none may be made
            resource.setrlimit(resource.RLIMIT_MSGQUEUE, (0, 0))
            os.chdir(self.workspace)
            sys.path.insert(0, self.workspace)  # helper modules shipped beside the notebook
            sys.argv = ["notebook"]
            serve(ours.fileno())
        except BaseException:
            code = 1
        finally:
            os._exit(code)  # skip atexit hooks a student may have registered

    def end_session(self):
        """Stop the last session and everything it started; put the files back.

        Returns how the session ended (``{"exit": code}`` or ``{"signal": n}``)."""
        if self.session is None:
            return None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.session, signal.SIGKILL)
        try:
            _, status = os.waitpid(self.session, 0)
            ended = {"signal": os.WTERMSIG(status)} if os.WIFSIGNALED(status) else {"exit": os.WEXITSTATUS(status)}
        except ChildProcessError:
            ended = None
        if self.confined:
            _kill_all_but(os.getpid())
        _reap()
        self.session = None
        if self.confined:
            _empty("/tmp", self.mounts)
            _remove_sysv_ipc()
        _restore_tree(self.workspace, self.snapshot, self.mounts)
        return ended


def _read_tree(root):
    """``{relative path: bytes}`` of the files under ``root``."""
    files = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            if os.path.isfile(path) and not os.path.islink(path):
                with open(path, "rb") as handle:
                    files[os.path.relpath(path, root)] = handle.read()
    return files


def _restore_tree(root, files, mounts):
    _empty(root, mounts)
    for relative, data in files.items():
        path = os.path.join(root, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)


def _empty(folder, mounts):
    """Remove everything in ``folder`` but the sandbox's own ``mounts`` (a Python
    installed under /tmp is bound read-only there): walking those cost a whole
    installation's files on every session, and removed nothing."""
    for entry in os.listdir(folder):
        path = os.path.join(folder, entry)
        if path in mounts:
            continue
        with contextlib.suppress(OSError):
            if os.path.isdir(path) and not os.path.islink(path):
                if any(m.startswith(path + os.sep) for m in mounts):
                    _empty(path, mounts)  # holds a mount point: empty around it
                else:
                    shutil.rmtree(path, ignore_errors=True)
            else:
                os.unlink(path)


def _mount_points():
    """The mount points this process sees (``/proc/self/mountinfo``'s fifth field)."""
    try:
        with open("/proc/self/mountinfo") as table:
            return {line.split()[4] for line in table if len(line.split()) > 4}
    except OSError:
        return set()


def _kill_all_but(me):
    """Inside the sandbox's own PID namespace: kill every process but this one and
    its init (a fork bomb's children included), until none is left."""
    for _ in range(50):
        others = [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, me)]
        if not others:
            return
        for pid in others:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        _reap()


def _reap():
    with contextlib.suppress(ChildProcessError):
        while True:
            pid, _ = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                # a killed child may take a moment to become a zombie
                pid, _ = os.waitpid(-1, 0)


def _remove_sysv_ipc():
    """System V shared memory, queues and semaphores outlive a process: remove them all
    (the sandbox has its own IPC namespace)."""
    for kind, call in SYSV_IPC.items():
        try:
            with open(f"/proc/sysvipc/{kind}") as table:
                ids = [int(line.split()[1]) for line in table.read().splitlines()[1:] if line.split()]
        except (OSError, ValueError, IndexError):
            continue
        for ipc_id in ids:
            if call == "semctl":
                LIBC.semctl(ipc_id, 0, IPC_RMID)
            else:
                getattr(LIBC, call)(ipc_id, IPC_RMID, None)


def main():
    control = socket.socket(fileno=int(sys.argv[1]))
    confined = "--confined" in sys.argv
    preload = [arg.split("=", 1)[1].split(",") for arg in sys.argv if arg.startswith("--preload=")]
    LIBC.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)  # no session may read or write this process's memory
    for name in (preload[0] if preload else []):
        if name in PRELOADABLE:
            with contextlib.suppress(Exception):
                __import__(name)
    Zygote(control, confined).run()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
    os._exit(0)
