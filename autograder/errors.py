"""The kit's own errors: refusals and problems it explains in one line.

Every error the kit raises on purpose derives from :class:`KitError`; the
command line prints its message as ``error: ...`` and exits 2. Anything
else is a bug and keeps its traceback. Each class also derives from the
built-in error it is a kind of, so ``except ValueError`` still works.

Errors about a student's code are not here: they are student-facing and
live with the sandbox (:mod:`autograder.sandbox.errors`) and the checks.
"""


class KitError(Exception):
    """A refusal or problem the kit explains itself (the CLI prints it, exit 2)."""


class NotInstructor(KitError, PermissionError):
    """Grading needs the reference solutions, hence the instructor flag."""


class UnknownAssignment(KitError, ValueError):
    """No week of the course has this id."""


class CourseTableError(KitError, ValueError):
    """The course table (course.toml) says something the kit cannot use."""


class NotACourse(KitError, FileNotFoundError):
    """The folder is not a course folder (no nbgrader_config.py)."""


class NbgraderFailed(KitError, RuntimeError):
    """An nbgrader command the kit ran failed; the message carries its log."""


class SuiteProblem(KitError, RuntimeError):
    """A hidden suite is broken (instructor-facing): it must never grade anyone."""
