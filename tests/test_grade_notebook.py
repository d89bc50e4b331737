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
        assert set(cell) == {"grade_id", "score", "max_score", "passed", "failed", "messages", "mistakes"}
        assert cell["messages"] == [m["message"] for m in cell["mistakes"]] == []
    assert [c["grade_id"] for c in result["cells"]] == [c.grade_id for c in weeks.week("week01").test_cells]
    assert sum(c["max_score"] for c in result["cells"]) == 10


def test_partial_credit_is_shared_by_the_checks_side_checks_only_for_right_values(week01):
    nb = nbformat.read(week01.source_notebook, as_version=4)
    wrong = next(a for a in catalogue.load("week01") if a.id == "sigmoid_overflows")
    result = grade.grade_notebook(catalogue.apply(nb, wrong), "week01", "carol", workdir=week01.source_dir)
    cell = result.cell("test_sigmoid")
    assert 0 < cell.score < cell.max_score
    # the values are wrong at large inputs, so the side checks that passed (dtype, vectorised...) earn nothing
    assert cell.score < round(cell.max_score * cell.passed / (cell.passed + cell.failed), 2)
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


def test_one_wrong_sign_is_one_named_mistake_with_its_inputs(week01):
    nb = nbformat.read(week01.source_notebook, as_version=4)
    wrong = next(a for a in catalogue.load("week01") if a.id == "sigmoid_sign_flipped")
    cell = grade.grade_notebook(catalogue.apply(nb, wrong), "week01", "gina", workdir=week01.source_dir).cell("test_sigmoid")
    ids = [m["id"] for m in cell.mistakes]
    assert ids[0] == "sigmoid.sign" and len(ids) == len(set(ids)) <= 3, ids
    sign = cell.mistakes[0]
    assert sign["checks"] >= 4 and "check the sign inside e^{...}" in sign["message"]
    assert "x of shape (3, 4)" in sign["message"]  # the inputs that showed it, named once
    assert cell.messages == [m["message"] for m in cell.mistakes]


def test_side_checks_pay_nothing_when_no_value_is_right(week01):
    """A sigmoid that returns zeros keeps its input, is float64 and vectorised: still 0 points."""
    nb = nbformat.read(week01.source_notebook, as_version=4)
    zeros = catalogue.WrongAnswer("zeros", "sigmoid", "returns zeros",
                                  "def sigmoid(x):\n    return np.zeros(np.shape(x))\n")
    cell = grade.grade_notebook(catalogue.apply(nb, zeros), "week01", "hana", workdir=week01.source_dir).cell("test_sigmoid")
    assert cell.score == 0 and cell.passed > 0
    assert not [m for m in cell.mistakes if m["id"] in ("sigmoid.loops", "sigmoid.changes_input", "sigmoid.dtype")]


def test_a_cell_stopped_for_time_is_named(week01):
    """A slow extra cell (a long training demo) costs no points, but the feedback says it was stopped."""
    from autograder.sandbox.limits import Limits

    nb = nbformat.read(week01.source_notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import time\ntime.sleep(60)  # the lecture's 10,001 epochs"))
    result = grade.grade_notebook(nb, "week01", "ivy", workdir=week01.source_dir,
                                  limits=Limits(cell_seconds=1.0))
    assert result.score == result.max_score
    assert any("did not finish" in p and "skipped" in p for p in result.problems), result.problems


def test_a_raw_numpy_error_is_named_as_the_mistake_it_shows(week01):
    nb = nbformat.read(week01.source_notebook, as_version=4)
    scalar_if = catalogue.WrongAnswer("scalar_if", "relu", "an if on an array",
                                      "def relu(x):\n    return x if x > 0 else 0.0 * x\n")
    cell = grade.grade_notebook(catalogue.apply(nb, scalar_if), "week01", "jun", workdir=week01.source_dir).cell("test_relu")
    named = [m for m in cell.mistakes if m["id"] == "relu.if_on_array"]
    assert named and "compare elementwise" in named[0]["message"], cell.mistakes
