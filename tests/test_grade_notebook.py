"""`python -m autograder grade-notebook`: the one-notebook command."""

import json
import os
import subprocess
import sys

import nbformat
import pytest

from autograder.authoring import catalogue
from autograder.course import weeks
from autograder.grading import grade, secret


def grade_cli(path, *extra):
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade-notebook", str(path),
                           "--assignment", "week01", "--json", *extra],
                          capture_output=True, text=True, env=os.environ)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_untouched_release_scores_zero_with_reasons(blank_release):
    result = grade_cli(blank_release)
    assert result["score"] == 0.0
    sigmoid = next(c for c in result["cells"] if c["grade_id"] == "test_sigmoid")
    assert sigmoid["passed"] == 0 and sigmoid["failed"] > 0
    assert any("NotImplementedError" in m for m in sigmoid["messages"])


def test_reference_pasted_into_release_scores_full_in_the_curriculum_json(reference_release):
    result = grade_cli(reference_release, "--student", "alice")
    assert result["score"] == result["max_score"] == 10.0
    assert result["assignment"] == "week01" and result["student"] == "alice"
    assert set(result) >= {"assignment", "student", "score", "max_score", "cells"}
    for cell in result["cells"]:
        assert set(cell) == {"grade_id", "score", "max_score", "passed", "failed", "messages"}
    assert [c["grade_id"] for c in result["cells"]] == [c.grade_id for c in weeks.week("week01").test_cells]
    assert sum(c["max_score"] for c in result["cells"]) == 10


def test_partial_credit_is_points_times_fraction_passed(week01):
    nb = nbformat.read(week01.source_notebook, as_version=4)
    wrong = next(a for a in catalogue.load("week01") if a.id == "sigmoid_overflows")
    result = grade.grade_notebook(catalogue.apply(nb, wrong), "week01", "carol", workdir=week01.source_dir)
    cell = result.cell("test_sigmoid")
    assert 0 < cell.score < cell.max_score
    assert cell.score == round(cell.max_score * cell.passed / (cell.passed + cell.failed), 2)
    assert any("FloatingPointError" in m or "overflow" in m for m in cell.messages)


def test_same_submission_same_scores_and_secret_changes_inputs(reference_release, monkeypatch):
    first = grade.grade_notebook(reference_release, "week01", "erin").to_dict()
    assert grade.grade_notebook(reference_release, "week01", "erin").to_dict() == first
    before = secret.seed_for(secret.get_secret(), "week01", "erin", "test_sigmoid.py::test_vectorised")
    monkeypatch.setenv(secret.ENV, "another secret")
    after = secret.seed_for(secret.get_secret(), "week01", "erin", "test_sigmoid.py::test_vectorised")
    assert before != after
    assert secret.seed_for("s", "week01", "erin", "t") != secret.seed_for("s", "week01", "frank", "t")


@pytest.mark.parametrize("content", ["", "{not json", '{"cells": 3}'], ids=["empty", "invalid-json", "not-a-notebook"])
def test_unreadable_notebook_scores_zero_with_a_reason(tmp_path, content):
    path = tmp_path / "activations.ipynb"
    path.write_text(content)
    result = grade_cli(path)
    assert result["score"] == 0
    assert "could not be read" in result["problems"][0]


def test_unknown_assignment_is_a_clear_error(blank_release):
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade-notebook", str(blank_release),
                           "--assignment", "week99"], capture_output=True, text=True)
    assert proc.returncode == 2 and "unknown assignment 'week99'" in proc.stderr
