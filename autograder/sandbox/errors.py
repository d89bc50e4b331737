"""What can go wrong when the grader asks the student process for something.

Each exception's ``str()`` is written for the student: it names what their
code did, never what the hidden check expected.
"""


class StudentCodeProblem(Exception):
    """Base class: the student's code, not the grader, caused this failure."""


class NotDefined(StudentCodeProblem):
    """The name the exercise asks for does not exist in the notebook."""


class RaisedError(StudentCodeProblem):
    """The student's function raised an exception."""

    def __init__(self, what, exc_type, message, line=None):
        self.exc_type, self.exc_message, self.line = exc_type, message, line
        where = f" (line {line} of its cell)" if line else ""
        text = f"{what} raised {exc_type}{where}"
        if message:
            text += f": {message[:300]}"
        super().__init__(text)


class TimedOut(StudentCodeProblem):
    """A call did not finish within its wall-time limit and was stopped."""


class OutOfTime(StudentCodeProblem):
    """The notebook's time budget for all its checks is spent: no more calls are made."""


class Crashed(StudentCodeProblem):
    """The student process died (memory limit, segfault, os._exit, ...)."""


class BadReply(StudentCodeProblem):
    """The student process sent back something that is not plain data."""
