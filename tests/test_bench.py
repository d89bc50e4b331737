"""A tiny run of the benchmark code (``make bench`` runs it on 100 submissions)."""

import json

import pytest

from autograder.course import weeks
from autograder.simulation import bench, bench_serve

pytestmark = pytest.mark.slow

FIELDS = ("n", "jobs", "plain_s_per_nb", "plain_noplot_s_per_nb", "kit_grade_s_per_nb", "kit_full_s_per_nb",
          "kit_grade_jobs1_s_per_nb", *bench.GOALS, "grade_notebook_s")


def test_submissions_mix_right_wrong_and_broken():
    made = bench.submissions(weeks.week("week01"), 10)
    kinds = [kind for _, kind, _ in made]
    assert (kinds.count("right"), kinds.count("wrong"), kinds.count("broken")) == (4, 4, 2)
    assert len({student for student, _, _ in made}) == 10


def test_bench_smoke(tmp_path):
    # two submissions and --jobs 1 (one run serves kit_grade and kit_grade_jobs1): two plain runs,
    # and each of the two distinct kit runs KIT_ROUNDS times
    lines = []
    assert bench.run_bench("week01", 2, jobs=1, folder=tmp_path / "bench", out=lines.append) == 0
    text = "\n".join(lines)
    assert "plot cells removed" in text and "kit grade --jobs 1 (+ feedback" in text
    assert "agree on every cell" in text and ": yes;" in text
    data = json.loads((tmp_path / "bench" / "bench.json").read_text())
    assert all(isinstance(data[field], (int, float)) and data[field] > 0 for field in FIELDS)
    assert (data["n"], data["jobs"], data["kit_grade_vs_jobs1"]) == (2, 1, 1.0)
    assert data["kit_rounds"] == bench.KIT_ROUNDS
    last_round = f"({bench.KIT_ROUNDS} of {bench.KIT_ROUNDS})..."
    assert sum(last_round in line for line in lines) == 2  # each distinct kit run, timed in turns
    assert data["scores_agree"] is True
    assert set(data["goals_met"]) == {*bench.GOALS, "grade_notebook_s"}
    assert any(line.startswith("grade_notebook_s: ") and "(goal: at most 1.5 s)" in line for line in lines)
    for label, key in (("plain nbgrader autograde, plot cells removed", "plain_noplot"),
                       ("kit grade --jobs 1 --no-feedback", "kit_grade")):  # the table shows bench.json's figures
        row = [line for line in lines if line.startswith(label)][-1]  # after the progress line
        assert row.split()[-1] == f"{data[f'{key}_s_per_nb']:.3f}"
    # the baseline is nbgrader as it comes: none of the kit's speed-ups of nbgrader's own steps
    plain = (tmp_path / "bench" / "plain" / "nbgrader_config.py").read_text()
    assert bench.KIT_METADATA_CHECK not in plain and bench.KIT_ONE_VALIDATION not in plain
    assert bench.KIT_ONE_VALIDATION in (tmp_path / "bench" / "kit-jobs1" / "nbgrader_config.py").read_text()


def test_bench_serve_smoke(tmp_path, proven_gate):
    """The service bench on one single submission and a burst of two (the gate is tests/test_gate.py's)."""
    lines = []
    assert bench_serve.run_bench_serve("week01", n=2, n_one=1, jobs=1, folder=tmp_path / "serve",
                                       out=lines.append, gate=proven_gate) == 0
    data = json.loads((tmp_path / "serve" / "serve.json").read_text())
    assert data["one"]["n"] == 1 and data["burst"]["n"] == 2
    assert 0 < data["one"]["p50_s"] <= data["one"]["p95_s"] and data["burst"]["drain_s"] > 0
    assert data["batch_grade_s_per_nb"] > 0 and set(data["goals_met"]) == set(bench_serve.GOALS)
    assert any(line.startswith("one submission at a time: p50") for line in lines)
