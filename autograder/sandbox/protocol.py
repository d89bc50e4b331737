"""The grader's side of the wire: frames in, validated plain data out.

Nothing the student process sends is trusted. A reply is read only up to
:data:`MAX_FRAME` bytes, refused if it could hold more than
:data:`MAX_ELEMENTS` JSON values (counted on the bytes, before parsing),
parsed as JSON, and decoded by the same codec the worker uses
(:mod:`autograder.sandbox.worker`: an array's ``.npy`` header is checked
before its data is read, with ``allow_pickle=False``); :func:`check_plain`
then walks the result and refuses anything but plain Python values and
base-class numpy arrays of bool, integer or float dtype. So one reply costs
the grader a bounded amount of memory, whatever the student's code sends.
"""

import json
import os
import select
import time

import numpy as np

from ..texts import domain
from .errors import BadReply, Crashed, TimedOut
from .worker import HEADER, MAX_ITEMS, PLAIN_KINDS, decode, encode, grader_helper, numpy_function

_ = domain("sandbox")

MAX_FRAME = 16 * 1024 * 1024  # bytes in one reply; bigger means a runaway result
MAX_ELEMENTS = 200_000  # JSON values in one reply (arrays travel as one string each)
MAX_DEPTH = 20  # nesting of lists / tuples / dicts

__all__ = ["Handle", "Ref", "Expr", "NumpyFunction", "local", "carries_grader_code", "encode_args", "read_reply",
           "send", "check_plain"]


class Handle:
    """An object that lives in the student process (say, a LogicGate instance)."""

    def __init__(self, index, type_name, generation):
        self.index, self.type_name, self.generation = index, type_name, generation

    def __repr__(self):
        return f"<{self.type_name} object>"


class Ref:
    """Passes one of the student's own names as an argument (their ``sigmoid``)."""

    def __init__(self, name):
        self.name = name


class Expr:
    """Passes a grader-written helper, evaluated in the student process with only ``np``.

    ``source`` is an expression (``Expr("lambda x: np.sum(x**2)")``) or
    statements ending in one, whose value is the helper
    (``Expr("def run(fn):\\n    ...\\nrun")``); see
    :func:`~autograder.sandbox.worker.grader_helper`.
    """

    def __init__(self, source):
        self.source = source

    def local(self) -> object:
        """The same helper evaluated here, in the grader, by the same code as in
        the student process: expected values from the very function the
        student's code was given."""
        return grader_helper(self.source)


class NumpyFunction:
    """Passes one of numpy's ufuncs, by name (``NumpyFunction("tanh")``), where any function
    would do (an activation): numpy is the student process's own, so, unlike an
    :class:`Expr`, it carries no grader code, and the check shares the session."""

    def __init__(self, name):
        numpy_function(name)  # a name that is not a ufunc fails here, in the suite
        self.name = name

    def local(self) -> object:
        """The same function here, in the grader (for the expected values)."""
        return numpy_function(self.name)


def local(value: object) -> object:
    """An argument as the grader computes with it: an :class:`Expr` or a
    :class:`NumpyFunction` as its function here, anything else as it is."""
    return value.local() if isinstance(value, (Expr, NumpyFunction)) else value


def encode_args(value: object) -> object:
    """Encode grader-side arguments, turning markers into worker markers."""
    if isinstance(value, Handle):
        return {"__handle__": value.index}
    if isinstance(value, Ref):
        return {"__ref__": value.name}
    if isinstance(value, Expr):
        return {"__expr__": value.source}
    if isinstance(value, NumpyFunction):
        return {"__np__": value.name}
    if isinstance(value, tuple):
        return {"__tuple__": [encode_args(v) for v in value]}
    if isinstance(value, list):
        return [encode_args(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            # JSON would turn (2, 1) into "[2, 1]" silently: refuse instead
            raise TypeError("only str dict keys can be sent to the student process; build the dict "
                            "there with an Expr")
        return {"__dict__": [[k, encode_args(v)] for k, v in value.items()]}
    return encode(value)


def carries_grader_code(value: object) -> bool:
    """Does ``value`` (arguments, possibly nested) hold an :class:`Expr`?"""
    if isinstance(value, Expr):
        return True
    if isinstance(value, (list, tuple)):
        return any(carries_grader_code(v) for v in value)
    if isinstance(value, dict):
        return any(carries_grader_code(v) for v in value.values())
    return False


def send(fd: int, obj: dict) -> None:
    body = json.dumps(obj).encode("utf-8")
    data = HEADER.pack(len(body)) + body
    while data:
        data = data[os.write(fd, data):]


def read_reply(fd: int, deadline: float, on_progress=None) -> dict:
    """Read the reply to a request before ``deadline`` (a ``time.monotonic()`` value).

    ``progress`` frames the session sends while it runs a cell go to
    ``on_progress(index)``; the first other frame is the reply.
    """
    while True:
        reply = read_frame(fd, deadline)
        if "progress" in reply and "id" not in reply and on_progress is not None:
            on_progress(reply)
            continue
        return reply


def read_frame(fd: int, deadline: float) -> dict:
    """One frame, within the byte and element caps, as a dict."""
    header = _read(fd, HEADER.size, deadline)
    (size,) = HEADER.unpack(header)
    if size > MAX_FRAME:
        raise BadReply(_("the result was {size:.0f} MiB, far more than any answer needs", size=size / 2**20))
    body = _read(fd, size, deadline)
    if body.count(b",") + body.count(b"[") + body.count(b"{") > MAX_ELEMENTS:
        raise BadReply(_("the result holds far more values than any answer needs"))
    try:
        reply = json.loads(body)
    except (ValueError, RecursionError):
        raise BadReply(_("the student process sent back something that is not plain data")) from None
    if not isinstance(reply, dict):
        raise BadReply(_("the student process sent back something that is not plain data"))
    return reply


def decode_value(data: object, generation: int) -> object:
    """Decode and validate one value of a reply."""
    def resolve(marker):
        if set(marker) == {"__handle__", "type"}:
            return Handle(int(marker["__handle__"]), str(marker["type"])[:100], generation)
        raise TypeError("unexpected marker")

    try:
        value = decode(data, resolve)
    except Exception as exc:  # any malformed payload is the student process's fault
        raise BadReply(_("the returned value is not plain data ({type})", type=type(exc).__name__)) from None
    check_plain(value)
    return value


def check_plain(value: object, depth: int = 0) -> None:
    """Refuse anything that is not plain data (see the module docstring)."""
    if depth > MAX_DEPTH:
        raise BadReply(_("the returned value is nested too deeply"))
    if value is None or type(value) in (bool, int, float, str, Handle):
        return
    if type(value) is np.ndarray:
        if value.dtype.kind not in PLAIN_KINDS or value.dtype.hasobject:
            raise BadReply(_("an array of dtype {dtype} cannot be graded", dtype=value.dtype))
        if value.size > MAX_ITEMS:
            raise BadReply(_("the returned array has {size} elements, far more than expected", size=value.size))
        return
    if isinstance(value, np.generic) and type(value).__module__ == "numpy":
        if value.dtype.kind not in PLAIN_KINDS:
            raise BadReply(_("a value of dtype {dtype} cannot be graded", dtype=value.dtype))
        return
    if type(value) in (list, tuple):
        for item in value:
            check_plain(item, depth + 1)
        return
    if type(value) is dict:
        for item in value.values():
            check_plain(item, depth + 1)
        return
    raise BadReply(_("a {type} cannot be graded", type=type(value).__name__))


def _read(fd, size, deadline):
    chunks = []
    while size:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimedOut("timeout")
        ready, _w, _x = select.select([fd], [], [], remaining)
        if not ready:
            raise TimedOut("timeout")
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            raise Crashed(_("the student process ended unexpectedly"))
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)
