"""The gradebook writer takes a worker's sanitised notebook and result only for exactly the file it graded."""

import copy
import shutil

import nbformat
import pytest
from nbgrader.preprocessors import OverwriteCells

from autograder.course.cells import solution_cells
from autograder.course.folder import CourseFolder, create
from autograder.course.nbgrader_cli import nbgrader
from autograder.course.weeks import week as find_week
from autograder.grading import pool, store
from autograder.grading.result import CellResult, NotebookResult
from autograder.grading.sanitize import sanitize
from autograder.nbgrader_plugins.hidden_suites import GradeWithHiddenSuites
from autograder.nbgrader_plugins.worker_results import GradeFromWorkerResults
from autograder.sandbox.limits import Limits
from autograder.staff.grade import grade_and_store, grade_one
from autograder.staff.gradebook import cell_scores
from autograder.staff.writer import SANITISE_STEP, NotKitConfig, Writer, limits_for, writer_config

WEEK = "week01"


@pytest.fixture
def sanitized(reference_release):
    return sanitize(nbformat.read(reference_release, as_version=4), find_week(WEEK), "alice")


def _fake(nb, workdir, key_of=None):
    """A stored result that no grading would give: 1.23 points on every cell."""
    week = find_week(WEEK)
    cells = [CellResult(c.grade_id, 1.23, c.points, 1, 1, ["fake"]) for c in week.test_cells]
    key = store.key(key_of or nb, workdir, WEEK, "alice", Limits(), "both")  # the kit's course language
    return store.Stored(key, NotebookResult(WEEK, "alice", cells))


def _scores(nb):
    return [cell.outputs[-1]["data"]["text/plain"] for cell in nb.cells
            if cell.get("metadata", {}).get("nbgrader", {}).get("points")]


def _step(tmp_path):
    return GradeFromWorkerResults(results_dir=str(tmp_path / "results"))


def test_a_matching_key_uses_the_stored_result(sanitized, reference_release, tmp_path):
    store.save(tmp_path / "results", "alice", _fake(sanitized, reference_release.parent))
    resources = {"nbgrader": {"assignment": WEEK, "student": "alice"},
                 "metadata": {"path": str(reference_release.parent)}}
    nb, _ = _step(tmp_path).preprocess(copy.deepcopy(sanitized), resources)
    assert set(_scores(nb)) == {"1.23"}


def test_another_notebook_is_graded_again(sanitized, reference_release, tmp_path):
    edited = copy.deepcopy(sanitized)
    edited.cells.append(nbformat.v4.new_code_cell("x = 1"))
    store.save(tmp_path / "results", "alice", _fake(sanitized, reference_release.parent, key_of=edited))
    resources = {"nbgrader": {"assignment": WEEK, "student": "alice"},
                 "metadata": {"path": str(reference_release.parent)}}
    nb, _ = _step(tmp_path).preprocess(copy.deepcopy(sanitized), resources)
    assert "1.23" not in _scores(nb)
    assert sum(float(s) for s in _scores(nb)) == 10


def test_key_covers_files_student_limits_and_language(sanitized, tmp_path):
    def key(student="alice", limits=Limits(), lang="both"):
        return store.key(sanitized, tmp_path, WEEK, student, limits, lang)

    base = key()
    (tmp_path / "helper.py").write_text("X = 1\n")
    assert key() != base
    assert key("bob") != key()
    assert key(limits=Limits(call_seconds=1)) != key()
    assert key(lang="ko") != key()  # messages in another language are graded again


def test_stored_results_round_trip(tmp_path):
    week = find_week(WEEK)
    cells = [CellResult(c.grade_id, c.points / 2, c.points, 1, 1, ["half"]) for c in week.test_cells]
    stored = store.Stored("k", NotebookResult(WEEK, "bob", cells, ["a problem"]), 0.5, "")
    store.save(tmp_path, "bob", stored)
    back = store.load(tmp_path, "bob")
    assert back.result.to_dict() == stored.result.to_dict() and back.key == "k"
    assert store.load(tmp_path, "nobody") is None
    assert list(store.load_all(tmp_path)) == ["bob"]


def test_writer_config_swaps_only_the_kit_step(tmp_path):
    folder = create(tmp_path / "course", [WEEK])
    config = writer_config(folder.config, tmp_path / "r")
    steps = config.Autograde.autograde_preprocessors
    assert steps[0] == "autograder.nbgrader_plugins.worker_results.GradeFromWorkerResults"
    assert steps[1:] == folder.config.Autograde.autograde_preprocessors[1:]
    configured = folder.config.copy()
    configured.GradeWithHiddenSuites.call_seconds = 2.5  # the workers grade with the course's limits
    assert limits_for(configured) == Limits(call_seconds=2.5)
    plain = folder.config.copy()
    plain.Autograde.autograde_preprocessors = ["nbgrader.preprocessors.Execute"]
    with pytest.raises(NotKitConfig):
        writer_config(plain, tmp_path / "r")



def test_writer_config_hands_sanitising_to_the_workers_and_keeps_the_courses_steps(tmp_path):
    folder = create(tmp_path / "course", [WEEK])
    config = writer_config(folder.config, tmp_path / "r")
    assert config.Autograde.sanitize_preprocessors == [SANITISE_STEP]
    assert config.TakeWorkerSanitised.steps == folder.config.Autograde.sanitize_preprocessors


@pytest.fixture
def course_with_alice(tmp_path, reference_release):
    """A course whose TA edited the sanitising steps (ClearOutput dropped), with alice's submission."""
    root = create(tmp_path / "course", [WEEK]).root
    with open(root / "nbgrader_config.py", "a") as config:
        config.write("\nc.Autograde.sanitize_preprocessors = [s for s in c.Autograde.sanitize_preprocessors"
                     " if not s.endswith('ClearOutput')]\n")
    nbgrader(["generate_assignment", WEEK, "--force"], cwd=root)
    submitted = root / "submitted" / "alice" / WEEK
    submitted.mkdir(parents=True)
    shutil.copy(reference_release, submitted / reference_release.name)
    return CourseFolder(root)


def test_each_submission_is_sanitised_and_graded_once(course_with_alice, monkeypatch):
    folder = course_with_alice
    grade_one("alice", str(folder.root), WEEK, limits_for(folder.config))  # the worker's part
    ran = []
    monkeypatch.setattr(OverwriteCells, "preprocess", lambda self, nb, res: (ran.append("sanitised"), (nb, res))[1])
    monkeypatch.setattr(GradeWithHiddenSuites, "preprocess", lambda *a: ran.append("graded"))
    assert Writer(folder, WEEK).store("alice") == ""
    assert ran == []
    assert sum(score for score, _ in cell_scores(folder.db_url, WEEK, "activations")["alice"].values()) == 10


def test_a_file_changed_since_the_worker_read_it_is_sanitised_and_graded_by_the_writer(course_with_alice):
    folder = course_with_alice
    grade_one("alice", str(folder.root), WEEK, limits_for(folder.config))
    path = folder.submitted("alice", WEEK) / "activations.ipynb"
    nb = nbformat.read(path, as_version=4)
    solution_cells(nb)["relu"].source = "def relu(x):\n    return x\n"
    nbformat.write(nb, path)
    assert Writer(folder, WEEK).store("alice") == ""
    assert cell_scores(folder.db_url, WEEK, "activations")["alice"]["test_relu"][0] < 1


def test_two_workers_store_their_students_at_once_in_one_sqlite_gradebook(course_with_alice):
    """Each grading worker stores what it graded: their transactions take turns on SQLite's lock,
    none fails with "database is locked", and every student's rows are their own."""
    folder = course_with_alice
    students = [f"s{i:02d}" for i in range(12)]
    for student in students:
        target = folder.submitted(student, WEEK)
        target.mkdir(parents=True)
        shutil.copy(folder.submitted("alice", WEEK) / "activations.ipynb", target)
    stored = list(pool.each(grade_and_store, students, str(folder.root), WEEK, limits_for(folder.config), jobs=2))
    assert sorted(student for student, _, _ in stored) == students
    assert [(error, failure) for _, error, failure in stored] == [("", "")] * len(students)
    scores = cell_scores(folder.db_url, WEEK, "activations")
    assert {student: sum(score for score, _ in scores[student].values()) for student in students} == \
        dict.fromkeys(students, 10)
