"""Simulated students: notebooks made from a week's release, as real
students would hand them in. Used by the demo, the kit's tests and the
benchmark.

* ``reference``: the release with the reference code pasted into each
  exercise cell (what a perfect student submits);
* ``blank``: the release untouched;
* ``wrong_<id>``: the reference with one known-wrong answer of the
  catalogue;
* ``edits_tests``: a known-wrong answer whose author also rewrote the
  public test cells so they "pass" (nbgrader restores the cells, and the
  hidden suites grade anyway);
* week01 only: ``honest_wrong`` and ``cheater``, the same wrong sigmoid,
  once honestly and once with a cheat from :mod:`autograder.attacks`: the
  cheater earns exactly what the honest student earns.
"""

import copy
import subprocess

import nbformat

from ..authoring import catalogue
from ..authoring.solution_cells import with_reference
from ..course import cells
from ..course.table import KIT_ROOT
from . import attacks

CHEAT = "monkeypatch_numpy"


def editing_test_cells(nb):
    """A copy whose public test cells were replaced by a cheerful print."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code" and cells.is_test_cell(cell):
            cell.source = 'print("all public checks passed")'
    return nb


def students(week, wrong_count=3, release_nb=None):
    """``{student_id: (description, notebook)}`` for one week, made from ``release_nb``
    (default: the kit's ``release/`` as it is on disk)."""
    if release_nb is None:
        release_nb = nbformat.read(week.release_notebook, as_version=4)
    reference = with_reference(release_nb, week.source)
    cohort = {
        "reference": ("reference code pasted into the release", reference),
        "blank": ("the release, untouched", release_nb),
    }
    answers = spread(catalogue.load(week.id), wrong_count)
    for answer in answers:
        cohort[f"wrong_{answer.id}"] = (f"known mistake: {answer.mistake}", catalogue.apply(reference, answer))
    if answers:
        cohort["edits_tests"] = (f"{answers[0].id}, and rewrote the public test cells to pass",
                                 editing_test_cells(catalogue.apply(reference, answers[0])))
    if week.id == attacks.WEEK:
        cheat = attacks.by_id(CHEAT)
        honest_nb = attacks.honest(reference)
        cheater_nb = nbformat.reads(cheat.build(reference)[attacks.NOTEBOOK].decode(), as_version=4)
        cohort["honest_wrong"] = ("a straight line instead of the sigmoid (honest mistake)", honest_nb)
        cohort["cheater"] = (f"the same mistake, and {cheat.description}", cheater_nb)
    return cohort


def committed_release(week, root=KIT_ROOT):
    """The week's student notebook as git's HEAD has it in ``root`` (the kit); None outside
    a git checkout.

    The demo's students start from it, so an edit in the working tree's
    ``release/`` (a student-style experiment) never changes what they hand in.
    """
    relative = week.release_notebook.relative_to(KIT_ROOT).as_posix()
    try:
        shown = subprocess.run(["git", "-C", str(root), "show", f"HEAD:{relative}"],
                               capture_output=True, check=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return nbformat.reads(shown.stdout.decode("utf-8"), as_version=4)


def spread(answers, count):
    """Up to ``count`` answers, on as many different exercises as possible."""
    chosen, seen = [], set()
    for answer in answers:
        if answer.exercise not in seen:
            chosen.append(answer)
            seen.add(answer.exercise)
    return chosen[:count]
