"""Feedback for each student: ``nbgrader generate_feedback``, in the grading workers.

It only reads the gradebook, so it runs in parallel. The course's config
puts the kit's per-exercise summary in what nbgrader generates
(:mod:`autograder.nbgrader_plugins.feedback_summary`):
``feedback/<student>/<week>/<notebook>.html`` starts with it, and
``summary.txt`` lies beside it.
"""

import functools

from ..course.folder import CourseFolder
from .writer import api, captured_only, last_error


@functools.cache
def _feedback_api(root):
    folder = CourseFolder.at(root)
    return api(folder, folder.config)


def generate_feedback(student, root, week_id):
    """``nbgrader generate_feedback`` for one student (only reads the gradebook); '' or the error."""
    nbgrader_api = _feedback_api(str(root))
    with captured_only(nbgrader_api.log):
        outcome = nbgrader_api.generate_feedback(week_id, student, force=True)
    return "" if outcome["success"] else last_error(outcome)
