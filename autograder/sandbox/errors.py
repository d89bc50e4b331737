"""What can go wrong when the grader asks the student process for something.

Each exception's ``text`` (a :class:`~autograder.texts.Text`, read in the
course's language; ``str()`` is its English) is written for the student: it
names what their code did, never what the hidden check expected.
"""

from ..texts import Explained, domain

_ = domain("sandbox")


class StudentCodeProblem(Explained, Exception):
    """Base class: the student's code, not the grader, caused this failure."""


class NotDefined(StudentCodeProblem):
    """The name the exercise asks for does not exist in the notebook."""


class RaisedError(StudentCodeProblem):
    """The student's function raised an exception."""

    def __init__(self, what, exc_type, message, line=None):
        self.exc_type, self.exc_message, self.line = exc_type, message, line
        if line:
            text = _("{what} raised {type} (line {line} of its cell)", what=what, type=exc_type, line=line)
        else:
            text = _("{what} raised {type}", what=what, type=exc_type)
        super().__init__(_("{text}: {message}", text=text, message=message[:300]) if message else text)


class TimedOut(StudentCodeProblem):
    """A call did not finish within its wall-time limit and was stopped."""


class OutOfTime(StudentCodeProblem):
    """The notebook's time budget for all its checks is spent: no more calls are made."""


class Crashed(StudentCodeProblem):
    """The student process died (memory limit, segfault, os._exit, ...)."""


class BadReply(StudentCodeProblem):
    """The student process sent back something that is not plain data."""
