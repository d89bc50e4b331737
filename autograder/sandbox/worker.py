"""The student process: runs a submission's code cells, then answers calls.

This file runs *inside* the sandbox, started as a script
(``python -I worker.py``), so it imports nothing from the kit: only the
standard library and numpy. The grader talks to it over two pipes (the two
file descriptors given on the command line) with length-prefixed JSON frames; the student's own prints go
to stdout/stderr, which the grader discards, so they cannot forge a frame
by printing.

Only plain data crosses the pipes: None, bools, ints, floats, strings,
lists, tuples, str-keyed dicts and numpy arrays/scalars of bool, integer or
float dtype (arrays as ``.npy`` bytes, written and read with
``allow_pickle=False``). Any other object a student function returns stays
here, in a table of handles, and the grader gets ``{"__handle__": id}``.
"""

import ast
import base64
import contextlib
import inspect
import io
import json
import os
import struct
import sys
import textwrap
import traceback
import warnings

import numpy as np

IN_FD, OUT_FD = 3, 4
HEADER = struct.Struct("!Q")  # frame length, 8 bytes big-endian
PLAIN_KINDS = "biuf"  # numpy dtype kinds that may cross: bool, int, uint, float
MAX_TEXT = 2000  # characters of a student's exception message kept
MAX_ITEMS = 5_000_000  # elements of one array sent back (the grader checks again)


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
        buf = io.BytesIO()
        np.save(buf, np.asarray(value), allow_pickle=False)
        return {"__ndarray__": base64.b64encode(buf.getvalue()).decode("ascii")}
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
    only the worker understands (handles, references, expressions)."""
    if isinstance(data, list):
        return [decode(v, resolve) for v in data]
    if not isinstance(data, dict):
        return data
    if "__ndarray__" in data:
        raw = base64.b64decode(data["__ndarray__"], validate=True)
        return np.load(io.BytesIO(raw), allow_pickle=False)
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


# ---------------------------------------------------------- grader helpers
# Shared with the grader too (``Expr.local``): a helper's expected values come
# from the very code the student process runs.

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


# ------------------------------------------------------------ the service

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


class Worker:
    """Holds the student's namespace and the handles of returned objects."""

    def __init__(self):
        self.namespace = {"__name__": "__main__", "__builtins__": __builtins__}
        shell = Shell(self.namespace)
        self.namespace["get_ipython"] = lambda: shell
        self.handles = []
        self.cell_files = set()

    def run_cells(self, cells):
        """Execute each code cell in order; a failing cell does not stop the rest.

        Returns one ``{"cell", "type", "message", "line"}`` per failing cell.
        """
        errors = []
        for cell in cells:
            filename = f"<cell {cell['name']}>"
            self.cell_files.add(filename)
            try:
                code = compile(cell["source"], filename, "exec")
                exec(code, self.namespace)
            except BaseException as exc:  # SystemExit and KeyboardInterrupt included
                errors.append({"cell": cell["name"], **describe(exc, self.cell_files)})
        return errors

    def resolve(self, data):
        if "__handle__" in data:
            return self.handles[int(data["__handle__"])]
        if "__ref__" in data:
            return self.namespace[data["__ref__"]]
        if "__expr__" in data:  # a grader-written helper, e.g. a loss function
            return grader_helper(data["__expr__"])
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
            return {"cell_errors": self.run_cells([request["cell"]])}
        if op == "lookup":
            return self.lookup(request["name"])
        if op == "getattr":
            obj = self.handles[request["handle"]]
            return {"value": encode(getattr(obj, request["attr"]), self.handles)}
        if op == "setattr":
            obj = self.handles[request["handle"]]
            setattr(obj, request["attr"], decode(request["value"], self.resolve))
            return {}
        if op == "call":
            return self.call(request)
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

    def call(self, request):
        fn = self.target(request)
        args = decode(request.get("args", []), self.resolve)
        kwargs = decode(request.get("kwargs", {"__dict__": []}), self.resolve)
        # errstate: None (numpy's default), or a dict such as {"over": "raise"}
        errstate = request.get("errstate") or {}
        counter = LineCounter(self.cell_files) if request.get("count_lines") else None
        with warnings.catch_warnings(record=True) as caught, np.errstate(**errstate):
            warnings.simplefilter("always")
            if counter:
                counter.start()
            try:
                value = fn(*args, **kwargs)
            finally:
                if counter:
                    counter.stop()
        reply = {"value": encode(value, self.handles),
                 "warnings": [f"{w.category.__name__}: {w.message}"[:MAX_TEXT] for w in caught]}
        if request.get("return_args"):
            reply["args"] = encode(tuple(args), self.handles)
        if counter:
            reply["lines"] = counter.count
        return reply


class LineCounter:
    """Counts Python lines executed in the student's cells during one call.

    A vectorised function executes the same few lines whatever the array's
    size; a Python loop over elements executes more lines for more elements.
    """

    def __init__(self, cell_files):
        self.cell_files = cell_files
        self.count = 0

    def _trace(self, frame, event, arg):
        if frame.f_code.co_filename not in self.cell_files:
            return None
        if event == "line":
            self.count += 1
        return self._trace

    def start(self):
        sys.settrace(self._trace)

    def stop(self):
        sys.settrace(None)


def describe(exc, cell_files):
    """The student-facing description of an exception raised by their code."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename in cell_files:
            line = frame.lineno
    if isinstance(exc, SyntaxError) and exc.filename in cell_files:
        line = exc.lineno
    return {"type": type(exc).__name__, "message": str(exc)[:MAX_TEXT], "line": line}


def main():
    global IN_FD, OUT_FD
    if len(sys.argv) == 3:
        IN_FD, OUT_FD = int(sys.argv[1]), int(sys.argv[2])
    sys.argv = ["notebook"]
    sys.path.insert(0, os.getcwd())  # helper modules shipped beside the notebook
    worker = Worker()
    while True:
        request = read_frame(IN_FD)
        if request is None:
            return
        try:
            reply = {"ok": True, **worker.handle(request)}
        except BaseException as exc:
            reply = {"ok": False, "error": describe(exc, worker.cell_files)}
        reply["id"] = request.get("id")  # lets the grader spot frames the student's code wrote
        write_frame(OUT_FD, reply)


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
    # os._exit: skip atexit hooks a student may have registered
    os._exit(0)
