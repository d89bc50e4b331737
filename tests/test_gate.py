"""The release gate passes for every week, and fails when it should; the committed
release/ is exactly the release the gate generated (nbgrader's, from source/)."""

import filecmp

import nbformat
import pytest

from autograder.authoring import catalogue, gate
from autograder.authoring.catalogue import WrongAnswer


def test_every_week_passes_its_gate_and_its_release_is_committed(week, tmp_path):
    report = gate.run_gate(week.id, scratch=tmp_path)
    failing = [f"{c.name}: {c.detail}" for c in report.checks if not c.ok]
    assert report.ok, failing
    generated, committed = report.release_dir, week.release_notebook.parent
    assert sorted(p.name for p in generated.iterdir()) == sorted(p.name for p in committed.iterdir()), \
        f"run `make release WEEK={week.id}`"
    for path in generated.iterdir():
        if path.suffix == ".ipynb":
            fresh = nbformat.read(path, as_version=4)
            stored = nbformat.read(committed / path.name, as_version=4)
            assert fresh == stored, f"{week.id}/{path.name} is stale: run `make release WEEK={week.id}`"
        else:
            assert filecmp.cmp(path, committed / path.name, shallow=False), path.name


def test_the_reference_scores_full_marks_for_other_students_too(week):
    """The gate grades as one student; every student's hidden inputs are seeded apart (a check that
    only holds for some draws, say all-zero targets, would cost an honest student points)."""
    from autograder.grading import grade

    for student in ("kim-jiwoo", "park-minho"):
        result = grade.grade_notebook(week.source, week.id, student, workdir=week.source_dir)
        assert result.score == result.max_score, [(c.grade_id, c.messages) for c in result.cells
                                                   if c.score < c.max_score]


def test_a_wrong_answer_that_loses_nothing_fails_the_gate(monkeypatch, week01):
    from autograder.authoring.solution_cells import reference_source, render

    harmless = WrongAnswer("not_wrong", "relu", "identical to the reference",
                           render(reference_source("week01"), "relu"))
    monkeypatch.setattr(catalogue, "load", lambda week_id: [harmless] * 6)
    report = gate.run_gate("week01")
    assert not report.ok
    failed = [c.name for c in report.checks if not c.ok]
    assert failed == ["wrong answer 'not_wrong' loses points"] * 6


def test_a_broken_reference_fails_the_gate(monkeypatch):
    from autograder.grading import grade

    real = grade.grade_notebook

    def grade_with_broken_sigmoid(nb, *args, **kwargs):
        if not isinstance(nb, str) and hasattr(nb, "cells"):
            nb = catalogue.apply(nb, WrongAnswer("x", "sigmoid", "", "def sigmoid(x):\n    return x"))
        return real(nb, *args, **kwargs)

    monkeypatch.setattr(grade, "grade_notebook", grade_with_broken_sigmoid)
    monkeypatch.setattr(catalogue, "load", lambda week_id: [])
    report = gate.run_gate("week01")
    assert not report.ok
    assert not next(c for c in report.checks if c.name == "reference scores 100%").ok


@pytest.mark.parametrize("grade_id, exercise, expected", [
    ("test_relu", "relu", True), ("test_leaky_relu", "relu", False),
    ("test_leaky_relu", "leaky_relu", True), ("test_neuron", "relu", False),
])
def test_test_cells_belong_to_the_longest_matching_exercise(week01, grade_id, exercise, expected):
    assert (week01.exercise_of(grade_id) == exercise) is expected


def test_catalogue_entries_name_existing_exercises(week):
    for answer in catalogue.load(week.id):
        assert answer.exercise in week.exercises, answer.id


def test_feedback_quoting_a_hidden_suite_fails_the_gate(week01):
    from autograder.grading.result import CellResult, NotebookResult

    line = next(line.strip() for line in (week01.suite_dir / "test_sigmoid.py").read_text().splitlines()
                if line.strip().startswith("expect_close("))
    leaky = NotebookResult("week01", "gate", [CellResult("test_sigmoid", 0, 3, 0, 1, [f"wrong: {line}"])])
    clean = NotebookResult("week01", "gate", [CellResult("test_sigmoid", 0, 3, 0, 1, ["sigmoid(0): wrong values"])])
    for results, ok in (([clean], True), ([clean, leaky], False)):
        report = gate.GateReport("week01")
        gate._check_messages(report, week01, results)
        assert report.ok is ok
