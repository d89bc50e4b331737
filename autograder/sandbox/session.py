"""The grader's side of one session: requests out, validated replies in, CPU time read from the kernel."""

import time

from ..texts import domain
from . import confine, protocol
from .errors import BadReply, Crashed, TimedOut

_ = domain("sandbox")


class Session:
    """One forked process of the sandbox, which ran the notebook's cells and answers calls.

    ``generation`` numbers the sessions of a submission; a handle of one
    session is refused by any other.
    """

    def __init__(self, sock, pid: int, generation: int, sandbox_root: int):
        self.sock, self.pid, self.generation = sock, pid, generation
        self.sandbox_root = sandbox_root  # host PID of the sandbox's first process
        self.sent = 0  # request counter: each reply must echo its request's number
        self._host_pid = None

    @property
    def open(self) -> bool:
        return self.sock is not None

    def exchange(self, request: dict, deadline: float, what: str, on_progress=None) -> dict:
        """Send ``request`` and wait for its reply until ``deadline``.

        Raises :class:`TimedOut`, :class:`Crashed` or :class:`BadReply` (and
        the session is closed: the zygote kills it before the next one)."""
        return self.receive(self.send(request, what), deadline, what, on_progress)

    def send(self, request: dict, what: str) -> int:
        """Send ``request`` without waiting for its reply; its number, for :meth:`receive`
        (the session answers requests in the order they were sent)."""
        if not self.open:
            raise Crashed(_("{what}: the notebook's process is gone", what=what))
        self.sent += 1
        try:
            protocol.send(self.sock.fileno(), {**request, "id": self.sent})
        except OSError:
            self.close()
            raise Crashed(_("the student process ended unexpectedly")) from None
        return self.sent

    def receive(self, number: int, deadline: float, what: str, on_progress=None) -> dict:
        """Wait until ``deadline`` for the reply to request ``number``, the next one due;
        raises as :meth:`exchange` does."""
        if not self.open:
            raise Crashed(_("{what}: the notebook's process is gone", what=what))
        try:
            reply = protocol.read_reply(self.sock.fileno(), deadline, on_progress)
            if reply.get("id") != number:
                raise BadReply(_("{what}: the notebook's code wrote into the grader's channel", what=what))
        except (TimedOut, Crashed, BadReply):
            self.close()
            raise
        except OSError:
            self.close()
            raise Crashed(_("the student process ended unexpectedly")) from None
        return reply

    def cpu_ns(self) -> int:
        """CPU time this session (its threads and live children) used so far, from the kernel."""
        if self._host_pid is None:
            self._host_pid = confine.host_pid(self.sandbox_root, self.pid)
            if self._host_pid is None:
                raise Crashed(_("the notebook's process is gone"))
        return confine.cpu_ns(self._host_pid)

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def remaining(deadline: float) -> float:
    return deadline - time.monotonic()
