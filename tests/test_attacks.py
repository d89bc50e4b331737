"""The catalogue of attacks and accidents (autograder/attacks.py), each a test.

Every entry is graded twice: by the one-notebook command and by
``nbgrader autograde`` in one batch with all the others. Each must meet its
expectation (no inflated score, only the affected exercise lost), and the
two must store the same per-cell scores.
"""

import hashlib
import os
import subprocess
import sys

import pytest

from autograder.course import weeks
from autograder.course.folder import create
from autograder.course.nbgrader_cli import environment, nbgrader
from autograder.grading import grade
from autograder.sandbox import confine
from autograder.simulation import attacks
from autograder.staff.gradebook import cell_scores
from autograder.sandbox.limits import Limits

pytestmark = pytest.mark.slow

LIMITS = Limits(call_seconds=2.0, cell_seconds=3.0)
HONEST = "honest"


def available(attack):
    if attack.needs == "bubblewrap":
        return confine.bwrap() is not None
    if attack.needs == "process cap":
        return confine.cgroup_root() is not None or os.geteuid() != 0
    return True


RUNNABLE = [a for a in attacks.ATTACKS if available(a)]


def digest(folder):
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    week = weeks.week(attacks.WEEK)
    root = create(tmp_path_factory.mktemp("attacks"), [attacks.WEEK]).root
    with open(root / "nbgrader_config.py", "a") as config:
        config.write(f"\nc.GradeWithHiddenSuites.call_seconds = {LIMITS.call_seconds}\n"
                     f"c.GradeWithHiddenSuites.cell_seconds = {LIMITS.cell_seconds}\n")
    nbgrader(["generate_assignment", attacks.WEEK, "--force"], cwd=root)
    reference = attacks.reference_notebook(week)
    submissions = {HONEST: attacks.honest_files(week)}
    submissions.update({a.id: a.build(reference) for a in RUNNABLE})
    for student, files in submissions.items():
        folder = root / "submitted" / student / attacks.WEEK
        folder.mkdir(parents=True)
        for name, data in files.items():
            (folder / name).write_bytes(data)
    protected = {root / "source", root / "submitted" / HONEST}
    before = {folder: digest(folder) for folder in protected}

    one = {student: grade.grade_notebook(root / "submitted" / student / attacks.WEEK / attacks.NOTEBOOK,
                                         attacks.WEEK, student, limits=LIMITS)
           for student in submissions}
    # the honest answer graded as each cheater: the same student id draws the same hidden inputs
    honest_path = root / "submitted" / HONEST / attacks.WEEK / attacks.NOTEBOOK
    honest_as = {a.id: grade.grade_notebook(honest_path, attacks.WEEK, a.id, limits=LIMITS)
                 for a in RUNNABLE if a.at_most == "honest"}
    proc = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", attacks.WEEK, "--force"],
                          cwd=root, env=environment(), capture_output=True, text=True)
    stored = cell_scores(f"sqlite:///{root / 'gradebook.db'}", attacks.WEEK, week.notebook)
    after = {folder: digest(folder) for folder in protected}
    (root / "autograde.log").write_text(proc.stdout + proc.stderr)
    return {"root": root, "one": one, "honest_as": honest_as, "stored": stored, "log": proc.stdout + proc.stderr,
            "returncode": proc.returncode, "before": before, "after": after}


def total(result):
    return round(sum(cell.score for cell in result.cells), 2)


@pytest.mark.parametrize("attack", RUNNABLE, ids=[a.id for a in RUNNABLE])
def test_meets_its_expectation(batch, attack):
    result = batch["one"][attack.id]
    if attack.at_most == "honest":
        assert total(result) <= total(batch["honest_as"][attack.id]), attack.description
    if attack.loses_only:
        for cell in result.cells:
            mine = cell.grade_id.startswith(f"test_{attack.loses_only}")
            assert (cell.score < cell.max_score) if mine else (cell.score == cell.max_score), \
                (cell.grade_id, cell.messages)
    if attack.total is not None:
        assert total(result) == attack.total, [c.messages for c in result.cells]
    messages = [m for cell in result.cells for m in cell.messages] + result.problems
    assert all(m and "Traceback" not in m for m in messages)


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
                for a in ("endless_loop", "sleeps", "segfault", "memory_bomb")}
    assert "did not finish within" in messages["endless_loop"]
    assert "did not finish within" in messages["sleeps"]
    assert "SIGSEGV" in messages["segfault"]
    assert "MemoryError" in messages["memory_bomb"] or "memory" in messages["memory_bomb"]


def test_which_confinement_ran():
    """Says which sandbox layers this machine used (shown with -v / -rA)."""
    description = confine.describe()
    print(f"student code confined by: {description}")
    assert "rlimits" in description
    if confine.bwrap():
        assert description.startswith("bubblewrap")


def test_grade_command_leaves_nothing_unaccounted_and_resumes(batch):
    """`grade` over the whole catalogue: every submission ends with its gradebook
    rows and a feedback file, or an error line naming the student; a second run
    regrades nothing and adds no rows."""
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
