"""Real nbgrader, end to end: autograde, feedback and export with the kit.

One course folder per module (nbgrader takes seconds per command); the
checks then read nbgrader's gradebook, feedback files and CSV.
"""

import copy
import csv

import nbformat
import pytest

from autograder.authoring import catalogue
from autograder.course import weeks
from autograder.course.folder import create
from autograder.course.nbgrader_cli import nbgrader
from autograder.grading import grade
from autograder.simulation.cohort import spread, students
from autograder.staff.gradebook import cell_scores

pytestmark = pytest.mark.slow

WEEK = "week01"


def noisy(nb):
    """The reference, plus a cell that writes to stderr and makes numpy warn."""
    nb = copy.deepcopy(nb)
    nb.cells.insert(2, nbformat.v4.new_code_cell(
        "import sys, warnings\nprint('debug output', file=sys.stderr)\n"
        "warnings.warn('a student warning')\nnp.log(np.zeros(2))"))
    return nb


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    week = weeks.week(WEEK)
    root = create(tmp_path_factory.mktemp("course"), [WEEK]).root
    nbgrader(["generate_assignment", WEEK, "--force"], cwd=root)
    cohort = {sid: nb for sid, (_, nb) in students(week, wrong_count=2).items()}
    cohort["noisy"] = noisy(cohort["reference"])
    for student_id, nb in cohort.items():
        folder = root / "submitted" / student_id / WEEK
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{week.notebook}.ipynb")
    nbgrader(["autograde", WEEK, "--force"], cwd=root)
    nbgrader(["generate_feedback", WEEK, "--force"], cwd=root)
    nbgrader(["export"], cwd=root)
    scores = cell_scores(f"sqlite:///{root / 'gradebook.db'}", WEEK, week.notebook)
    return root, week, cohort, scores


def test_reference_full_blank_zero(graded_course):
    _, _, _, scores = graded_course
    assert sum(s for s, _ in scores["reference"].values()) == 10
    assert sum(s for s, _ in scores["blank"].values()) == 0


def test_stderr_and_warnings_do_not_zero_a_correct_notebook(graded_course):
    _, _, _, scores = graded_course
    assert sum(s for s, _ in scores["noisy"].values()) == 10


def test_editing_test_cells_earns_nothing(graded_course):
    _, week, _, scores = graded_course
    first_wrong = spread(catalogue.load(WEEK), 1)[0]
    assert scores["edits_tests"] == scores[f"wrong_{first_wrong.id}"]
    assert sum(s for s, _ in scores["edits_tests"].values()) < 10


def test_gradebook_equals_the_one_notebook_command(graded_course):
    root, week, cohort, scores = graded_course
    for student_id in cohort:
        submitted = root / "submitted" / student_id / WEEK / f"{week.notebook}.ipynb"
        result = grade.grade_notebook(submitted, WEEK, student_id)
        assert {c.grade_id: c.score for c in result.cells} == \
            {grade_id: score for grade_id, (score, _) in scores[student_id].items()}, student_id


def test_partial_credit_is_stored_per_cell(graded_course):
    _, _, _, scores = graded_course
    partial = [score for row in scores.values() for score, maximum in row.values() if 0 < score < maximum]
    assert partial, "some wrong answer should earn part of a cell"


def test_feedback_shows_messages_but_no_hidden_tests(graded_course):
    root, week, cohort, _ = graded_course
    suite_lines = {line.strip() for path in week.suite_dir.glob("*.py")
                   for line in path.read_text().splitlines() if len(line.strip()) > 24}
    for student_id in cohort:
        html = (root / "feedback" / student_id / WEEK / f"{week.notebook}.html").read_text()
        assert "BEGIN HIDDEN TESTS" not in html and "hidden checks" in html
        assert not [line for line in suite_lines if line in html], student_id
    blank = (root / "feedback" / "blank" / WEEK / f"{week.notebook}.html").read_text()
    assert "NotImplementedError" in blank


def test_export_lists_every_student(graded_course):
    root, _, cohort, _ = graded_course
    with open(root / "grades.csv") as handle:
        rows = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    assert set(rows) == set(cohort)
    assert rows["reference"] == 10 and rows["blank"] == 0
