"""The release gate: a week is released only when its grading is proven.

1. the reference (the source notebook, solutions in place) scores 100%;
2. the blank release, as nbgrader generates it, scores 0 on every cell;
3. every known-wrong answer of the catalogue loses points on its own
   exercise and none on the others, and what its feedback says quotes no
   hidden test code;
4. the release holds no solution code, no hidden-test text and no marker;
5. no hidden check broke on any of these (a suite's own bug is not a lost point);
6. each test cell of the release is the source's own, so the checksums
   nbgrader stores match what students hand in (a cell that lost a hidden
   section in the release makes nbgrader log it as tampered with).
"""

import contextlib
import dataclasses
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

from ..course import cells, weeks
from ..grading import grade, sanitize
from ..grading.pool import forked_pool
from . import catalogue
from .generate import generate_scratch
from .solution_cells import BEGIN, END

MIN_CATALOGUE = 6  # known-wrong answers a week needs before release
GATE_STUDENT = "gate"  # student id that seeds the gate's hidden inputs
TEXT_MIN = 24  # shorter lines (imports, `return x`) may legitimately repeat


@dataclasses.dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""


@dataclasses.dataclass
class GateReport:
    week: str
    checks: list = dataclasses.field(default_factory=list)
    release_dir: Path | None = None  # the release the gate generated and checked

    @property
    def ok(self):
        return bool(self.checks) and all(check.ok for check in self.checks)

    def add(self, name, ok, detail=""):
        self.checks.append(Check(name, bool(ok), detail))

    def print_report(self, verbose=True):
        """Print the checks (all of them, or the failures and a count); return ``ok``."""
        print(f"release gate for {self.week}:")
        shown = [c for c in self.checks if verbose or not c.ok or not c.name.startswith("wrong answer")]
        for check in shown:
            print(f"  [{'ok' if check.ok else 'FAIL'}] {check.name}" + (f": {check.detail}" if check.detail else ""))
        if not verbose:
            passed = sum(c.ok for c in self.checks if c.name.startswith("wrong answer"))
            print(f"  [..] {passed} known-wrong answers each lose points on their own exercise only")
        print(f"  => {'PASS' if self.ok else 'FAIL'}")
        return self.ok


def run_gate(week_id, jobs=None, scratch=None):
    """Run every check of the gate for ``week_id``; ``jobs`` processes grade the catalogue.

    The release is generated under ``scratch`` (default: a folder removed
    afterwards); ``report.release_dir`` names it while ``scratch`` exists.
    """
    week = weeks.week(week_id)
    report = GateReport(week_id)
    reference = week.source
    answers = catalogue.load(week_id)

    # the worker processes are forked first, before the background thread starts, with the
    # suite collected
    grade.prepare(week_id)
    with forked_pool(jobs) as pool:
        wrong = [pool.submit(_grade_wrong_answer, week_id, answer) for answer in answers]
        with _scratch(scratch) as scratch, ThreadPoolExecutor(1) as background:
            # nbgrader generates the blank release (seconds, in a subprocess)
            # while the reference and the catalogue are graded
            generating = background.submit(_prepare_blank, week, scratch)

            result = grade.grade_notebook(reference, week_id, GATE_STUDENT, workdir=week.source_dir)
            report.add("reference scores 100%", result.score == result.max_score,
                       f"{result.score:g} / {result.max_score:g}" + _failures(result))
            report.add(f"catalogue has at least {MIN_CATALOGUE} known-wrong answers",
                       len(answers) >= MIN_CATALOGUE, f"{len(answers)} entries")
            results = [future.result() for future in wrong]
            for answer, wrong_result in zip(answers, results):
                _check_wrong_answer(report, week, answer, wrong_result)
            _check_messages(report, week, results)

            release_dir = report.release_dir = generating.result()
            blank = grade.grade_notebook(release_dir / f"{week.notebook}.ipynb", week_id, GATE_STUDENT)
            report.add("blank release scores 0", all(c.score == 0 for c in blank.cells),
                       f"{blank.score:g} / {blank.max_score:g}")
            _check_no_grader_problem(report, [("the reference", result), ("the blank release", blank)]
                                     + [(f"wrong answer '{a.id}'", r) for a, r in zip(answers, results)])
            _check_release_text(report, week, reference, release_dir)
    return report


def _scratch(folder):
    return contextlib.nullcontext(folder) if folder else tempfile.TemporaryDirectory()


def _grade_wrong_answer(week_id, answer):
    """Worker: the reference notebook with ``answer`` in its exercise cell, graded."""
    week = weeks.week(week_id)
    return grade.grade_notebook(catalogue.apply(week.source, answer), week_id, GATE_STUDENT,
                                workdir=week.source_dir)


def _prepare_blank(week, scratch):
    """The generated release folder; also warms the sanitiser's cached gradebook."""
    release_dir = generate_scratch(week.id, scratch)
    sanitize.scratch_gradebook(week)
    return release_dir


def _check_no_grader_problem(report, graded):
    """A hidden check that broke (a bug of the suite's, not the student's) must not pass as a
    lost point: a wrong answer that loses points only through one proves nothing."""
    broken = sorted({f"{who}: {m['id']}" for who, result in graded for cell in result.cells
                     for m in cell.mistakes if m["id"].endswith(".grader_problem")})
    report.add("no hidden check broke (grader problems)", not broken, "; ".join(broken[:6]))


def _check_wrong_answer(report, week, answer, result):
    own = [c for c in result.cells if week.exercise_of(c.grade_id) == answer.exercise]
    others = [c for c in result.cells if c not in own]
    lost = sum(c.max_score - c.score for c in own)
    collateral = [c.grade_id for c in others if c.score < c.max_score]
    detail = f"loses {lost:g} on {answer.exercise}"
    if collateral:
        detail += f"; but also loses points on {', '.join(collateral)}"
    report.add(f"wrong answer '{answer.id}' loses points", lost > 0 and not collateral and own, detail)


def _check_messages(report, week, results):
    """What students read about the known-wrong answers: no line of the hidden suites, no
    assert statement, no traceback."""
    hidden = _suite_lines(week)
    messages = [m for result in results for cell in result.cells for m in cell.messages]
    quoted = sorted({line for m in messages for line in hidden if line in m}
                    | {"a traceback or an assert" for m in messages if "Traceback" in m or "assert " in m})
    report.add("feedback on the known-wrong answers quotes no hidden test code", not quoted,
               "; ".join(quoted[:3]))


def _suite_lines(week):
    """Lines of the week's hidden suites long enough to betray them (imports and comments left out)."""
    return {line.strip() for suite_file in week.suite_dir.rglob("*.py")
            for line in suite_file.read_text(encoding="utf-8").splitlines()
            if len(line.strip()) >= TEXT_MIN and not line.strip().startswith(("import ", "from ", "#"))}


def _check_release_text(report, week, reference, release_dir):
    """Whole lines are compared (a docstring may say "returns param" while
    the solution says ``return param``); markers are searched anywhere."""
    text, lines = "", set()
    for path in sorted(Path(release_dir).rglob("*")):
        if path.is_file():
            content = path.read_text(encoding="utf-8")
            text += content
            if path.suffix == ".ipynb":
                content = "\n".join(cell.source for cell in nbformat.reads(content, as_version=4).cells)
            lines |= {line.strip() for line in content.splitlines()}
    secret_lines = set()
    for cell in cells.solution_cells(reference).values():
        secret_lines |= _between(cell.source, BEGIN, END)
    solution_hits = sorted(secret_lines & lines)
    report.add("release has no solution code", not solution_hits and BEGIN not in text,
               "; ".join(solution_hits[:3]))

    hidden = set()
    for cell in reference.cells:
        hidden |= _between(cell.source, "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
    hidden |= _suite_lines(week)
    hidden_hits = sorted(hidden & lines)
    report.add("release has no hidden test text", not hidden_hits and "BEGIN HIDDEN TESTS" not in text,
               "; ".join(hidden_hits[:3]))

    released = nbformat.read(Path(release_dir) / f"{week.notebook}.ipynb", as_version=4)
    shipped = {cells.grade_id(cell): cell.source for cell in released.cells if cells.is_test_cell(cell)}
    differ = [cells.grade_id(cell) for cell in reference.cells
              if cells.is_test_cell(cell) and shipped.get(cells.grade_id(cell)) != cell.source]
    report.add("test cells ship as written (nbgrader's checksums match)", not differ,
               "differ in the release: " + ", ".join(differ) if differ else "")


def _between(source, begin, end):
    lines, inside = set(), False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith(begin):
            inside = True
        elif stripped.startswith(end):
            inside = False
        elif inside and len(stripped) >= 12 and not stripped.startswith("#"):
            lines.add(stripped)
    return lines


def _failures(result):
    messages = [m for c in result.cells for m in c.messages]
    return f" ({messages[0]})" if messages else ""
