"""The grading step of the one gradebook writer, fed by the parallel grading workers.

:class:`GradeFromWorkerResults` stands where the course's pipeline has
:class:`~autograder.nbgrader_plugins.hidden_suites.GradeWithHiddenSuites`
when the writer (:mod:`autograder.staff.writer`) runs ``nbgrader
autograde``: it takes a worker's stored result when the key of the
notebook nbgrader hands it matches, and grades it itself otherwise.
"""

from traitlets import Unicode

from ..grading import store
from .hidden_suites import GradeWithHiddenSuites, write_results


class GradeFromWorkerResults(GradeWithHiddenSuites):
    """The kit's grading step, fed by the grading workers' stored results."""

    results_dir = Unicode("", help="Folder of the workers' results (<student>.json); "
                                   "empty: grade every notebook here.").tag(config=True)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        stored = store.load(self.results_dir, info["student"]) if self.results_dir else None
        if stored is not None and stored.key and stored.result is not None:
            workdir = resources.get("metadata", {}).get("path") or None
            if store.key(nb, workdir, info["assignment"], info["student"], self.limits()) == stored.key:
                self.log.info("%s/%s: %s of %s points (graded by a worker)", info["assignment"],
                              info["student"], stored.result.score, stored.result.max_score)
                write_results(nb, stored.result, self.strip_hidden_sections)
                return nb, resources
            self.log.warning("%s/%s: the worker graded another version; grading again",
                             info["assignment"], info["student"])
        return super().preprocess(nb, resources)
