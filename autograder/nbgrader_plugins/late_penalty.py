"""nbgrader's late-submission step, with each week's policy from the course table.

nbgrader's ``AssignLatePenalties`` asks its plugin for the penalty of a
late notebook but does not tell it which assignment: the plugin is made
with the preprocessor as its parent, which knows. Configured in
``nbgrader_config.py``::

    c.AssignLatePenalties.plugin_class = "autograder.nbgrader_plugins.late_penalty.CourseTableLatePenalty"
    c.CourseTableLatePenalty.table = "/path/to/course/course.toml"
"""

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Unicode

from ..course import table as course_table


class CourseTableLatePenalty(LateSubmissionPlugin):
    """The penalty of the week's ``late_policy`` in the course table."""

    table = Unicode("", help="The course table (course.toml) whose weeks give the late policy; "
                             "empty: the kit's own table.").tag(config=True)

    def late_submission_penalty(self, student_id, score, total_seconds_late):
        assignment = getattr(self.parent, "assignment_id", None)
        week = course_table.read(self.table or None).weeks.get(assignment)
        if week is None:
            self.log.warning("%s is not in the course table: no late penalty", assignment)
            return None
        penalty = week.late_policy.penalty(score, total_seconds_late)
        self.log.info("%s/%s: %.0f s late, %s: -%s", assignment, student_id, total_seconds_late,
                      week.late_policy.describe(), penalty)
        return penalty
