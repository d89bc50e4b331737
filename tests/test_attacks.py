"""The catalogue of attacks and accidents (autograder/simulation/attacks.py), each a test.

Every entry is graded twice: by the one-notebook route and by the kit's
``grade`` (whose writer stores each student through ``nbgrader
autograde``); the attacks on nbgrader's own pipeline once more in one plain
``nbgrader autograde`` batch. Each must meet its expectation (no inflated
score, only the affected exercise lost, ...), its messages must carry no
hidden text, and every route must store the same per-cell scores.
"""

import hashlib
import json
import os
import re
import subprocess
import sys
import time

import nbformat
import pytest

from autograder.course import weeks
from autograder.course.folder import CourseFolder, create
from autograder.course.nbgrader_cli import environment, nbgrader
from autograder.course.weeks import SOLUTIONS
from autograder.grading import grade, pool
from autograder.grading.result import from_dict
from autograder.sandbox import confine
from autograder.sandbox.limits import Limits
from autograder.simulation import attacks
from autograder.staff.grade import grade_week
from autograder.staff.gradebook import cell_scores

pytestmark = pytest.mark.slow

# the notebook budget leaves room for a machine busy with other tests (the hang attacks use most of it);
# fewer fresh starts than the default 25 make the restart storm end sooner by the same rule
LIMITS = Limits(call_seconds=2.0, cell_seconds=3.0, notebook_seconds=40.0, restarts=8)
HONEST = "honest"
WALL_CLOCK_BOUND = {"hang", "crash"}  # attack kinds whose cost depends on when the time limits strike
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


# attacks on nbgrader's own pipeline (file, cells, metadata): also in one plain `nbgrader autograde` batch
PIPELINE = {"invalid_json", "empty_file", "renamed_notebook", "deleted_solution_cell", "deleted_test_cell",
            "duplicated_cells", "stripped_metadata", "solution_as_markdown", "syntax_error", "extra_files"}


def _course(root):
    root = create(root, WEEKS).root
    with open(root / "nbgrader_config.py", "a") as config:
        config.write(f"\nc.GradeWithHiddenSuites.call_seconds = {LIMITS.call_seconds}\n"
                     f"c.GradeWithHiddenSuites.cell_seconds = {LIMITS.cell_seconds}\n"
                     f"c.GradeWithHiddenSuites.notebook_seconds = {LIMITS.notebook_seconds}\n"
                     f"c.GradeWithHiddenSuites.restarts = {LIMITS.restarts}\n")
    return root


def _graded(item):
    """Worker: ``(key, result JSON, seconds)`` of one notebook (``item``: key, path, week, student)
    graded by the one-notebook route."""
    key, path, week_id, student = item
    started = time.monotonic()
    result = grade.grade_notebook(path, week_id, student, limits=LIMITS)
    return key, result.to_json(), time.monotonic() - started


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Every attack graded by the one-notebook route (two at a time), then by the kit's `grade`
    (nbgrader's autograde stores each), and the pipeline attacks once more in a plain batch."""
    base = tmp_path_factory.mktemp("attacks")
    root, plain = _course(base / "course"), _course(base / "plain")
    side = base / "honest"  # each cheat's honest twin, graded as the cheater (the same hidden inputs)
    todo = []  # (key, path, week, student)
    for week_id in WEEKS:
        week = weeks.week(week_id)
        for course in (root, plain) if week_id == attacks.WEEK else (root,):
            nbgrader(["generate_assignment", week_id, "--force"], cwd=course)
        reference = attacks.reference_notebook(week)
        if week_id == attacks.WEEK:
            for course in (root, plain):
                write(course / "submitted" / HONEST / week_id, attacks.honest_files(week), week)
            todo.append((HONEST, root / "submitted" / HONEST / week_id / f"{week.notebook}.ipynb", week_id, HONEST))
        for attack in (a for a in RUNNABLE if a.week == week_id):
            files = attack.build(reference)
            write(root / "submitted" / attack.id / week_id, files, week)
            if attack.id in PIPELINE:
                write(plain / "submitted" / attack.id / week_id, files, week)
            todo.append((attack.id, root / "submitted" / attack.id / week_id / f"{week.notebook}.ipynb",
                         week_id, attack.id))
            if attack.at_most == "honest":
                (side / attack.id).mkdir(parents=True)
                nbformat.write(attack.honest_notebook(reference), side / attack.id / f"{week.notebook}.ipynb")
                todo.append((("honest as", attack.id), side / attack.id / f"{week.notebook}.ipynb",
                             week_id, attack.id))
    protected = {root / "source", root / "submitted" / HONEST}
    before = {folder: digest(folder) for folder in protected}

    one, honest_as, seconds = {}, {}, {}
    for item, value, failure in pool.each(_graded, todo, jobs=2):
        assert not failure, (item, failure)
        key, result, took = value
        if isinstance(key, tuple):
            honest_as[key[1]] = from_dict(json.loads(result))
        else:
            one[key], seconds[key] = from_dict(json.loads(result)), took
    folder, stored, errors, runs = CourseFolder(root), {}, {}, {}
    for week_id in WEEKS:
        runs[week_id] = grade_week(folder, week_id, jobs=2, force=True, progress=False, reports=False,
                                   feedback=week_id == attacks.WEEK)
        errors.update(runs[week_id].errors)
        stored.update(cell_scores(folder.db_url, week_id, weeks.week(week_id).notebook))
    proc = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", attacks.WEEK, "--force"],
                          cwd=plain, env=environment(), capture_output=True, text=True)
    plain_stored = cell_scores(f"sqlite:///{plain / 'gradebook.db'}", attacks.WEEK, weeks.week(attacks.WEEK).notebook)
    after = {folder: digest(folder) for folder in protected}
    return {"root": root, "one": one, "honest_as": honest_as, "stored": stored, "errors": errors, "runs": runs,
            "plain": plain_stored, "log": proc.stdout + proc.stderr, "before": before, "after": after,
            "seconds": seconds}


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
    one = {cell.grade_id: cell.score for cell in batch["one"][attack.id].cells}
    for stored in [batch["stored"].get(attack.id)] + ([batch["plain"].get(attack.id)] if attack.id in PIPELINE else []):
        if attack.batch_error:
            # nbgrader cannot read the file: it stores no score, and the student is reported
            assert stored is None or all(score in (None, 0) for score, _ in stored.values())
            assert sum(one.values()) == 0
        elif attack.kind in WALL_CLOCK_BOUND:
            # what a hang or a crash costs depends on which check meets the wall-clock limits, and on
            # a busy machine the two routes meet them at different checks: both grade every cell
            assert stored.keys() == one.keys()
            assert all(score is not None and 0 <= score <= maximum for score, maximum in stored.values())
        else:
            assert {g: s for g, (s, _) in stored.items()} == one
    if attack.batch_error:
        assert attack.id in batch["errors"] and attack.id in batch["log"]


def test_the_batch_completes_for_everyone_else(batch):
    for stored, expected in ((batch["stored"], {a.id for a in RUNNABLE}),
                             (batch["plain"], {a.id for a in RUNNABLE if a.id in PIPELINE})):
        graded = {s for s, row in stored.items() if all(score is not None for score, _ in row.values())}
        expected = {a for a in expected if not attacks.by_id(a).batch_error} | {HONEST}
        assert expected <= graded, expected - graded


def test_course_files_are_untouched(batch):
    assert batch["before"] == batch["after"]


def test_hang_and_crash_messages_name_what_happened(batch):
    messages = {a: " ".join([m for c in batch["one"][a].cells for m in c.messages] + batch["one"][a].problems)
                for a in ("endless_loop", "sleeps", "segfault", "memory_bomb", "restart_storm")}
    assert "did not finish within" in messages["endless_loop"]
    assert "did not finish within" in messages["sleeps"]
    assert "SIGSEGV" in messages["segfault"]
    assert "MemoryError" in messages["memory_bomb"] or "memory" in messages["memory_bomb"]
    assert any(said in messages["restart_storm"]
               for said in ("time budget", "several times", "stopped the notebook's process"))


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
    folder = CourseFolder(batch["root"])
    run = batch["runs"][attacks.WEEK]
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
