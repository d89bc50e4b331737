"""The steps of the gradebook writer, fed by what the grading worker found.

When the writer (:mod:`autograder.staff.writer`) runs ``nbgrader
autograde``, each submission was already sanitised and graded by a worker:

* :class:`TakeWorkerSanitised` is the whole sanitising pipeline: it hands
  on the notebook the worker sanitised (with the course's own steps) when
  the file is still the one the worker read, and runs the course's steps
  itself otherwise;
* :class:`GradeFromWorkerResults` stands where the course's pipeline has
  :class:`~autograder.nbgrader_plugins.hidden_suites.GradeWithHiddenSuites`:
  it takes the worker's stored result when the key of the notebook
  nbgrader hands it matches, and grades it itself otherwise.
"""

import os

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import List, Unicode

from ..grading import store
from ..grading.sanitize import step_classes
from .hidden_suites import GradeWithHiddenSuites, write_results


class TakeWorkerSanitised(NbGraderPreprocessor):
    """The course's sanitising steps, done once: by the grading worker, or here."""

    results_dir = Unicode("", help="Folder of the workers' results (<student>.json).").tag(config=True)
    steps = List([], help="The course's own Autograde.sanitize_preprocessors, run here when no "
                          "worker sanitised this very file.").tag(config=True)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        stored = store.load(self.results_dir, info["student"]) if self.results_dir else None
        handed_in = os.path.join(resources.get("metadata", {}).get("path", ""), f"{info['notebook']}.ipynb")
        if stored is not None and stored.sanitised and os.path.isfile(handed_in) \
                and store.file_digest(handed_in) == stored.handed_in:
            return nbformat.from_dict(stored.sanitised), resources
        for step in step_classes(self.steps):
            nb, resources = step(config=self.config, parent=self).preprocess(nb, resources)
        return nb, resources


class GradeFromWorkerResults(GradeWithHiddenSuites):
    """The kit's grading step, fed by the grading workers' stored results."""

    results_dir = Unicode("", help="Folder of the workers' results (<student>.json); "
                                   "empty: grade every notebook here.").tag(config=True)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        stored = store.load(self.results_dir, info["student"]) if self.results_dir else None
        if stored is not None and stored.key and stored.result is not None:
            workdir = resources.get("metadata", {}).get("path") or None
            if store.key(nb, workdir, info["assignment"], info["student"], self.limits(),
                         self.lang()) == stored.key:
                self.log.info("%s/%s: %s of %s points (graded by a worker)", info["assignment"],
                              info["student"], stored.result.score, stored.result.max_score)
                write_results(nb, stored.result, self.strip_hidden_sections)
                return nb, resources
            self.log.warning("%s/%s: the worker graded another version; grading again",
                             info["assignment"], info["student"])
        return super().preprocess(nb, resources)
