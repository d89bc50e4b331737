"""A tiny run of the benchmark code (``make bench`` runs it on 100 submissions)."""

import re

import pytest

from autograder.course import weeks
from autograder.simulation import bench

pytestmark = pytest.mark.slow


def test_submissions_mix_right_wrong_and_broken():
    made = bench.submissions(weeks.week("week01"), 10)
    kinds = [kind for _, kind, _ in made]
    assert (kinds.count("right"), kinds.count("wrong"), kinds.count("broken")) == (4, 4, 2)
    assert len({student for student, _, _ in made}) == 10


def test_bench_smoke(tmp_path):
    lines = []
    assert bench.run_bench("week01", 4, jobs=(2,), folder=tmp_path / "bench", out=lines.append) == 0
    text = "\n".join(lines)
    assert "plain nbgrader autograde" in text and "kit grade --jobs 2" in text
    assert "agree on every cell: yes" in text
    assert len(re.findall(r"\d+\.\dx$", text, re.M)) == 3  # a ratio per timed run: plain, kit, kit + extras
