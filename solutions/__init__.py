"""Reference solutions, one module per week: instructor-only.

Importing this package fails unless the instructor flag is set
(``DLKIT_INSTRUCTOR=1`` in the environment, or ``--instructor`` on the
kit's command line, which sets it). The grader needs the references to
compute expected values; students, and the processes that run their code,
never get the flag.
"""

import os

FLAG = "DLKIT_INSTRUCTOR"


class InstructorOnly(ImportError):
    """Raised on import without the instructor flag."""


def instructor_flag_set():
    return os.environ.get(FLAG) == "1"


if not instructor_flag_set():
    raise InstructorOnly(
        "the reference solutions are instructor-only: set DLKIT_INSTRUCTOR=1 "
        "or pass --instructor to `python -m autograder`")
