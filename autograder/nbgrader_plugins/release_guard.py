"""nbgrader's ``release_assignment``, refusing what the kit has not released.

Configured in the course's ``nbgrader_config.py``::

    c.ExchangeFactory.release_assignment = "autograder.nbgrader_plugins.release_guard.GatedReleaseAssignment"

so ``nbgrader release_assignment`` and Formgrader's Release button (both
go through this class) put a week in the exchange only when ``dlkit
release`` released it, after its gate, and ``release/<week>/`` is still
what it released (:mod:`autograder.course.releases`).
"""

from nbgrader.exchange.default.release_assignment import ExchangeReleaseAssignment

from ..course import releases


class GatedReleaseAssignment(ExchangeReleaseAssignment):
    """The default exchange's release, after the kit's release record is checked."""

    def init_src(self):
        super().init_src()
        problem = releases.problem(self.coursedir.root, self.coursedir.assignment_id)
        if problem:
            self.fail(problem)
