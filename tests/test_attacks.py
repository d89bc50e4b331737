"""The catalogue of attacks and accidents (autograder/simulation/attacks.py), each a test.

Every entry is graded twice: by the one-notebook command and by
``nbgrader autograde`` in one batch per week with all the others. Each
must meet its expectation (no inflated score, only the affected exercise
lost, ...), its messages must carry no hidden text, and the two must store
the same per-cell scores.
"""

import hashlib
import os
import re
import subprocess
import sys
import time

import nbformat
import pytest

from autograder.course import weeks
from autograder.course.folder import create
from autograder.course.nbgrader_cli import environment, nbgrader
from autograder.course.weeks import SOLUTIONS
from autograder.grading import grade
from autograder.sandbox import confine
from autograder.sandbox.limits import Limits
from autograder.simulation import attacks
from autograder.staff.gradebook import cell_scores

pytestmark = pytest.mark.slow

LIMITS = Limits(call_seconds=2.0, cell_seconds=3.0, notebook_seconds=20.0)
HONEST = "honest"
HIDDEN_LINE = 30  # characters of a line of the hidden suites or solutions that betray a leak


def available(attack):
    if attack.needs == "bubblewrap":
        return confine.bwrap() is not None
    if attack.needs == "process cap":
        return confine.cgroup_root() is not None or os.geteuid() != 0
    return True


RUNNABLE = [a for a in attacks.ATTACKS if available(a)]
WEEKS = sorted({a.week for a in RUNNABLE})


def digest(folder):
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def write(folder, files, week):
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / (f"{week.notebook}.ipynb" if name == attacks.NOTEBOOK else name)).write_bytes(data)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = create(tmp_path_factory.mktemp("attacks"), WEEKS).root
    with open(root / "nbgrader_config.py", "a") as config:
        config.write(f"\nc.GradeWithHiddenSuites.call_seconds = {LIMITS.call_seconds}\n"
                     f"c.GradeWithHiddenSuites.cell_seconds = {LIMITS.cell_seconds}\n"
                     f"c.GradeWithHiddenSuites.notebook_seconds = {LIMITS.notebook_seconds}\n")
    side = root.parent / "honest"  # each cheat's honest twin, graded as the cheater (the same hidden inputs)
    for week_id in WEEKS:
        week = weeks.week(week_id)
        nbgrader(["generate_assignment", week_id, "--force"], cwd=root)
        reference = attacks.reference_notebook(week)
        if week_id == attacks.WEEK:
            write(root / "submitted" / HONEST / week_id, attacks.honest_files(week), week)
        for attack in (a for a in RUNNABLE if a.week == week_id):
            write(root / "submitted" / attack.id / week_id, attack.build(reference), week)
            if attack.at_most == "honest":
                (side / attack.id).mkdir(parents=True)
                nbformat.write(attack.honest_notebook(reference), side / attack.id / f"{week.notebook}.ipynb")
    protected = {root / "source", root / "submitted" / HONEST}
    before = {folder: digest(folder) for folder in protected}

    one, honest_as, seconds = {}, {}, {}
    for attack in RUNNABLE:
        week = weeks.week(attack.week)
        started = time.monotonic()
        one[attack.id] = grade.grade_notebook(root / "submitted" / attack.id / attack.week / f"{week.notebook}.ipynb",
                                              attack.week, attack.id, limits=LIMITS)
        seconds[attack.id] = time.monotonic() - started
        if attack.at_most == "honest":
            honest_as[attack.id] = grade.grade_notebook(side / attack.id / f"{week.notebook}.ipynb", attack.week,
                                                        attack.id, limits=LIMITS)
    honest_path = root / "submitted" / HONEST / attacks.WEEK / f"{weeks.week(attacks.WEEK).notebook}.ipynb"
    one[HONEST] = grade.grade_notebook(honest_path, attacks.WEEK, HONEST, limits=LIMITS)
    stored, logs = {}, ""
    for week_id in WEEKS:
        proc = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", week_id, "--force"],
                              cwd=root, env=environment(), capture_output=True, text=True)
        logs += proc.stdout + proc.stderr
        stored.update(cell_scores(f"sqlite:///{root / 'gradebook.db'}", week_id, weeks.week(week_id).notebook))
    after = {folder: digest(folder) for folder in protected}
    (root / "autograde.log").write_text(logs)
    return {"root": root, "one": one, "honest_as": honest_as, "stored": stored, "log": logs,
            "before": before, "after": after, "seconds": seconds}


def total(result):
    return round(sum(cell.score for cell in result.cells), 2)


def hidden_lines(week):
    """Lines of the week's hidden suites and reference solutions that its release does not hold."""
    public = {line.strip() for cell in nbformat.read(week.release_notebook, as_version=4).cells
              for line in cell.source.splitlines()}
    public |= {line.strip() for path in week.shipped_files() for line in path.read_text().splitlines()}
    sources = [*week.suite_dir.rglob("*.py"), SOLUTIONS / f"{week.id}.py"]
    return {line.strip() for path in sources for line in path.read_text().splitlines()
            if len(line.strip()) >= HIDDEN_LINE and line.strip() not in public}


@pytest.mark.parametrize("attack", RUNNABLE, ids=[a.id for a in RUNNABLE])
def test_meets_its_expectation(batch, attack):
    result = batch["one"][attack.id]
    week = weeks.week(attack.week)
    if attack.at_most == "honest":
        assert total(result) <= total(batch["honest_as"][attack.id]), attack.description
    if attack.loses_only:
        for cell in result.cells:
            mine = week.exercise_of(cell.grade_id) == attack.loses_only
            assert (cell.score < cell.max_score) if mine else (cell.score == cell.max_score), \
                (cell.grade_id, cell.messages)
    if attack.total is not None:
        assert total(result) == attack.total, [c.messages for c in result.cells]
    if attack.zero:
        assert result.cell(attack.zero).score == 0, result.cell(attack.zero).messages
    if attack.message:
        losing = [m for c in result.cells if c.score < c.max_score for m in c.messages]
        assert any(attack.message in m for m in losing), losing
    if attack.seconds:
        assert batch["seconds"][attack.id] < attack.seconds
    messages = [m for cell in result.cells for m in cell.messages] + result.problems
    assert all(m and "Traceback" not in m for m in messages)


@pytest.mark.parametrize("attack", RUNNABLE, ids=[a.id for a in RUNNABLE])
def test_messages_carry_no_hidden_text(batch, attack):
    text = re.sub(r"\s+", " ", "\n".join(m for c in batch["one"][attack.id].cells for m in c.messages))
    leaked = [line for line in hidden_lines(weeks.week(attack.week)) if re.sub(r"\s+", " ", line) in text]
    assert leaked == []


@pytest.mark.parametrize("attack", RUNNABLE, ids=[a.id for a in RUNNABLE])
def test_nbgrader_stores_the_same_scores(batch, attack):
    stored = batch["stored"].get(attack.id)
    one = {cell.grade_id: cell.score for cell in batch["one"][attack.id].cells}
    if attack.batch_error:
        # nbgrader cannot read the file: it reports the student and stores no score
        assert attack.id in batch["log"]
        assert stored is None or all(score in (None, 0) for score, _ in stored.values())
        assert sum(one.values()) == 0
    else:
        assert {g: s for g, (s, _) in stored.items()} == one


def test_the_batch_completes_for_everyone_else(batch):
    graded = {s for s, row in batch["stored"].items() if all(score is not None for score, _ in row.values())}
    expected = {a.id for a in RUNNABLE if not a.batch_error} | {HONEST}
    assert expected <= graded, expected - graded


def test_course_files_are_untouched(batch):
    assert batch["before"] == batch["after"]


def test_hang_and_crash_messages_name_what_happened(batch):
    messages = {a: " ".join(m for c in batch["one"][a].cells for m in c.messages)
                for a in ("endless_loop", "sleeps", "segfault", "memory_bomb", "restart_storm")}
    assert "did not finish within" in messages["endless_loop"]
    assert "did not finish within" in messages["sleeps"]
    assert "SIGSEGV" in messages["segfault"]
    assert "MemoryError" in messages["memory_bomb"] or "memory" in messages["memory_bomb"]
    assert "time budget" in messages["restart_storm"] or "several times" in messages["restart_storm"]


def test_which_confinement_ran():
    """Says which sandbox layers this machine used (shown with -v / -rA)."""
    description = confine.describe()
    print(f"student code confined by: {description}")
    assert "rlimits" in description
    if confine.bwrap():
        assert description.startswith("bubblewrap")


def test_grade_command_leaves_nothing_unaccounted_and_resumes(batch):
    """`grade` over week01's catalogue: every submission ends with its gradebook rows and a
    feedback file, or an error line naming the student; a second run regrades nothing and
    adds no rows."""
    from autograder.course.folder import CourseFolder
    from autograder.staff.grade import grade_week

    folder = CourseFolder(batch["root"])
    run = grade_week(folder, attacks.WEEK, jobs=2, force=True, progress=False, reports=False)
    for student in folder.submissions(attacks.WEEK):
        feedback = batch["root"] / "feedback" / student / attacks.WEEK
        if student in run.errors:
            assert run.errors[student] and student in run.summary()
        else:
            assert student in run.graded and any(feedback.glob("*.html")), student
    rows_before = _grade_rows(batch["root"])
    again = grade_week(folder, attacks.WEEK, jobs=2, progress=False, feedback=False, reports=False)
    assert again.graded == [] and set(again.skipped) == set(run.graded)
    assert _grade_rows(batch["root"]) == rows_before


def _grade_rows(root):
    import sqlite3

    with sqlite3.connect(root / "gradebook.db") as con:
        return con.execute("select count(*), count(distinct cell_id || '/' || notebook_id) from grade").fetchone()
