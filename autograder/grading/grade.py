"""Grade one notebook: student process + hidden suite → per-cell scores.

This is the one place a score is decided. The nbgrader preprocessor
(:mod:`autograder.nbgrader_plugins.hidden_suites`), the parallel grading
workers and the ``grade-notebook`` command all call :func:`grade_notebook`,
so they cannot disagree.

A test cell's score is its points times the fraction of its hidden tests
that passed (partial credit), rounded to 1/100 point, except that checks of
secondary properties (``pytest.mark.side``: dtype, inputs kept,
vectorised...) count as passed only when every value check of the cell
passed: an answer that computes nothing right earns nothing.

The failed checks of a cell are reported as mistakes (:func:`mistakes`):
each once, ``<exercise>.<kind>``, with how many checks showed it and on
which inputs; a side check of a cell whose values are wrong, and that could
not judge for that reason, says nothing more.

Every message is rendered here, in the language asked for (``lang``:
``"ko"``, ``"en"`` or ``"both"``; default: the kit's course table's), so a
result holds plain text and the same ids and scores in every language.
"""

import ast
import logging
from pathlib import Path

import nbformat

from .. import texts
from ..course import cells, table, weeks
from ..course.weeks import Week
from ..errors import NotInstructor, SuiteProblem
from ..sandbox.limits import Limits
from ..sandbox import warm
from ..sandbox.process import StudentProcess
from ..sandbox.worker import PRELOADABLE
from . import pristine, redact, runner
from .result import CellResult, NotebookResult
from .secret import get_secret

_ = texts.domain("grading")
log = logging.getLogger(__name__)
MAX_SUBMISSION_BYTES = 20 * 1024**2  # extra files of a submission copied for its code


def grade_notebook(nb, assignment: str, student: str = "student", workdir=None,
                   limits: Limits = Limits(), lang: str | None = None) -> NotebookResult:
    """Grade ``nb`` (a path or an nbformat node) for ``assignment``.

    A path is read and sanitised like ``nbgrader autograde`` does (locked
    and test cells restored from the source), unless sanitising could not
    change its code (:mod:`autograder.grading.pristine`); a node is graded
    as given (the nbgrader preprocessor passes one nbgrader already sanitised).

    ``workdir`` is the folder the student's code runs in (helper files the
    week ships sit there); by default the notebook's own folder. An
    unreadable notebook scores 0 with the reason, it does not raise.
    """
    week = weeks.week(assignment)
    lang = texts.check_language(lang or table.kit().language)
    require_instructor()
    if not isinstance(nb, nbformat.NotebookNode):
        path = Path(nb)
        workdir = workdir or path.parent
        nb, reason = read_submission(path, week, student, code_only=True)
        if nb is None:
            return zero_result(week, student, reason, lang)

    code = cells.student_code(nb)
    # the submission's files, then the week's shipped files (lecture_lib.py...) over them, as
    # nbgrader autograde does; the student's code never runs in, or writes to, a course folder
    sandbox = warm.sandbox_for(limits, submission_files(workdir) + week.shipped_files(), _preload(code))
    with StudentProcess(code, limits=limits, scrub=redact.for_week(week).scrub, zygote=sandbox) as process:
        outcomes = runner.run_suite(process, assignment, student, get_secret())
        # a cell stopped while the notebook ran (too slow, or it crashed) is named, even when no check needed it
        stopped = [texts.render(_("{problem}: that statement was skipped when the notebook ran for grading "
                                  "(names it defines stay undefined)", problem=problem["message"]), lang)
                   for problem in process.startup_problems.values()]
    return NotebookResult(assignment, student, _score_cells(week, outcomes.values(), lang), stopped, lang)


def prepare(assignment: str) -> None:
    """Load, once, what grading ``assignment`` needs before its first notebook: IPython's
    cell translator, the scratch gradebook sanitising reads, and the hidden suite collected
    (with the reference solutions it imports). Worker processes forked after this start
    with all of it; each would otherwise pay it (about a second) on its first notebook.

    Never raises: what cannot be loaded here (a broken suite, no instructor flag) fails the
    first notebook instead, with the error grading reports for it."""
    try:
        week = weeks.week(assignment)
        require_instructor()
        from . import sanitize

        cells.ipython_transformer()
        sanitize.scratch_gradebook(week)
        runner.collect(assignment)
    except Exception as exc:
        log.debug("not prepared for %s: %s", assignment, exc)


def read_submission(path, week: Week, student: str, config=None, code_only=False) -> tuple:
    """``(notebook, None)``: the file as handed in, sanitised as ``nbgrader
    autograde`` would with ``config`` (default: the kit's); or ``(None, reason)``
    (a Text) when it cannot be graded.

    ``code_only``: the caller needs only the code the notebook runs, not the notebook
    nbgrader would store; one whose code sanitising with the kit's steps cannot change
    (:func:`~autograder.grading.pristine.code_unchanged`) is returned as read, and
    nbgrader is not even imported."""
    path = Path(path)
    if not path.exists() and path.parent.is_dir():
        others = sorted(p.name for p in path.parent.glob("*.ipynb"))
        if others:
            return None, _("no {name} was handed in (the submission has {others}): hand the notebook in "
                           "under its own name, {name}", name=path.name, others=", ".join(others)[:200])
        return None, _("no {name} was handed in: hand the notebook in under its own name, {name}",
                       name=path.name)
    try:
        nb = cells.read(path)
    except cells.UnreadableNotebook as exc:
        return None, exc.text
    if code_only and config is None and pristine.code_unchanged(nb, week):
        return nb, None
    from . import sanitize  # nbgrader's own steps: a second and a half of imports

    try:
        return sanitize.sanitize(nb, week, student, config), None
    except sanitize.DamagedNotebook as exc:
        return None, exc.text


def submission_files(submission_dir) -> list[Path]:
    """The files handed in beside the notebook that its code may read, in name
    order, up to :data:`MAX_SUBMISSION_BYTES` in all (no notebooks, no links)."""
    if not submission_dir or not Path(submission_dir).is_dir():
        return []
    found, budget = [], MAX_SUBMISSION_BYTES
    for item in sorted(Path(submission_dir).iterdir()):
        if item.is_file() and not item.is_symlink() and item.suffix != ".ipynb":
            budget -= item.stat().st_size
            if budget < 0:
                break
            found.append(item)
    return found


def _preload(code):
    """The modules among :data:`PRELOADABLE` the notebook's code imports (the sandbox's
    zygote imports them once, for all its sessions)."""
    found = set()
    for cell in code:
        try:
            tree = ast.parse(cell["source"])
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return tuple(name for name in PRELOADABLE if name in found)


def _score_cells(week, outcomes, lang):
    known = {cell.grade_id for cell in week.test_cells}
    strays = sorted({o.cell for o in outcomes} - known)
    if strays:
        raise SuiteProblem(f"hidden tests are marked for cells the notebook lacks: {strays}")
    results = []
    for test_cell in week.test_cells:
        mine = [o for o in outcomes if o.cell == test_cell.grade_id]
        if not mine:
            raise SuiteProblem(f"no hidden test is marked for cell {test_cell.grade_id}")
        values_right = all(o.passed for o in mine if not o.side)
        passed = sum(o.passed for o in mine)
        paid = sum(o.passed and (values_right or not o.side) for o in mine)
        score = round(test_cell.points * paid / len(mine), 2)
        # a side check that could not judge because the values are wrong says nothing the value checks did not
        found = mistakes(week, test_cell.grade_id, [o for o in mine if not o.passed
                                                    and (values_right or o.kind not in UNJUDGED)], lang)
        results.append(CellResult(test_cell.grade_id, score, test_cell.points, passed, len(mine) - passed,
                                  [m["message"] for m in found], found))
    return results


MAX_WHERE = 4  # inputs named per mistake; more are counted, not listed
UNJUDGED = {"values_large"}  # side-check kinds that only repeat that the values are wrong


def mistakes(week, grade_id, failed, lang):
    """Each distinct mistake of the ``failed`` outcomes of one cell, once, in order:
    ``{"id": "<exercise>.<kind>", "checks": n, "message": ...}``, the message (in
    ``lang``) naming the inputs that showed it."""
    exercise = week.exercise_of(grade_id) or grade_id.removeprefix("test_")
    found = {}  # id -> {"checks": n, "texts": [...], "wheres": [...]}
    for outcome in failed:
        entry = found.setdefault(f"{exercise}.{outcome.kind}", {"checks": 0, "texts": [], "wheres": []})
        entry["checks"] += 1
        if outcome.text not in entry["texts"]:
            entry["texts"].append(outcome.text)
        if outcome.where and outcome.where not in entry["wheres"]:
            entry["wheres"].append(outcome.where)
    return [{"id": mistake_id, "checks": entry["checks"],
             "message": texts.render(_sentence(entry["texts"], entry["wheres"], entry["checks"]), lang)}
            for mistake_id, entry in found.items()]


def _sentence(said, wheres, checks):
    text = texts.Joined(said, " / ")
    if not wheres:
        return text if checks == 1 else _("{text} ({checks} checks)", text=text, checks=checks)
    shown = texts.Joined(wheres[:MAX_WHERE] + (["..."] if len(wheres) > MAX_WHERE else []), "; ")
    if checks == 1:
        return _("{inputs}: {text}", inputs=shown, text=text)
    return _("{text} ({checks} checks: {inputs})", text=text, checks=checks, inputs=shown)


def zero_result(week: Week, student: str, reason, lang: str | None = None) -> NotebookResult:
    """Every cell 0, with the reason (a Text) the notebook could not be graded."""
    lang = lang or table.kit().language
    reason = texts.render(reason, lang)
    zero = [CellResult(c.grade_id, 0.0, c.points, 0, 0, [reason],
                       [{"id": "notebook.unreadable", "checks": 0, "message": reason}]) for c in week.test_cells]
    return NotebookResult(week.id, student, zero, problems=[reason], language=lang)


def require_instructor() -> None:
    """Raise :class:`~autograder.errors.NotInstructor` unless the reference solutions load."""
    try:
        import solutions  # noqa: F401  (the import itself checks the flag)
    except ImportError as exc:
        raise NotInstructor(str(exc)) from None
