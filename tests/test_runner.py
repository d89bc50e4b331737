"""A hidden suite is collected once per process and run per notebook: each run is a notebook's own."""

import textwrap
import time

import pytest

from autograder.errors import SuiteProblem
from autograder.grading import runner

SUITE = '''
import pytest

pytestmark = pytest.mark.cell("test_answer")

SEEN = []


@pytest.fixture
def answer(student):
    SEEN.append(student.answer)  # a fixture made again for every run
    yield student.answer
    SEEN.remove(student.answer)


def test_right(answer):
    assert answer == 42


def test_alone_in_its_run(answer):
    assert SEEN == [answer]
'''


class Student:
    """What the suite's ``student`` fixture hands the tests (a sandboxed process, when grading)."""

    def __init__(self, answer):
        self.answer = answer

    def isolated(self):
        raise AssertionError("no test here is isolated")


def _write(folder, text, name="test_answer.py"):
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


def _passed(suite, answer, student_id="alice"):
    outcomes = runner.run_suite(Student(answer), "week01", student_id, "secret", suite_dir=suite)
    return {test_id.split("::")[-1]: outcome.passed for test_id, outcome in outcomes.items()}


def test_each_run_has_its_own_outcomes_and_fixtures(tmp_path):
    suite = tmp_path / "suite"
    _write(suite, SUITE)
    assert _passed(suite, 42) == {"test_right": True, "test_alone_in_its_run": True}
    assert _passed(suite, 41, "bob") == {"test_right": False, "test_alone_in_its_run": True}
    assert _passed(suite, 42) == {"test_right": True, "test_alone_in_its_run": True}


def test_a_suite_edited_since_it_was_collected_is_collected_again(tmp_path):
    suite = tmp_path / "suite"
    path = _write(suite, SUITE)
    assert _passed(suite, 41)["test_right"] is False
    time.sleep(0.01)  # a new modification time, on any filesystem's clock
    path.write_text(path.read_text().replace("answer == 42", "answer == 41") + "\n")
    assert _passed(suite, 41)["test_right"] is True


@pytest.mark.parametrize("broken, said", [
    ("import pytest\npytestmark = pytest.mark.cell('test_answer')\ndef test_x(:\n", "test_answer.py"),
    ("def test_unmarked():\n    pass\n", "has no cell marker"),
    ("import pytest\npytestmark = pytest.mark.cell('test_answer')\n", "no tests collected"),
])
def test_a_broken_suite_grades_no_one(tmp_path, broken, said):
    suite = tmp_path / "suite"
    _write(suite, broken)
    with pytest.raises(SuiteProblem, match=said):
        _passed(suite, 42)
    with pytest.raises(SuiteProblem, match=said):  # and again: a broken suite is never kept
        _passed(suite, 42)


def test_a_suite_collected_ahead_is_not_collected_again_for_the_first_notebook(tmp_path, monkeypatch):
    suite = tmp_path / "suite"
    _write(suite, SUITE)
    made = []
    real = runner._CollectedSuite
    monkeypatch.setattr(runner, "_CollectedSuite", lambda *args: made.append(args) or real(*args))
    runner.collect("week01", suite_dir=suite)  # what a grading parent does before forking its workers
    assert _passed(suite, 42) == {"test_right": True, "test_alone_in_its_run": True}
    assert len(made) == 1
    _write(suite, "def test_unmarked():\n    pass\n")
    with pytest.raises(SuiteProblem, match="has no cell marker"):  # collecting ahead fails as grading would
        runner.collect("week01", suite_dir=suite)
