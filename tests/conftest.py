"""Shared fixtures of the kit's own tests."""

import os
import shutil
from pathlib import Path

import nbformat
import pytest

from autograder.authoring.solution_cells import with_reference
from autograder.course import weeks
from autograder.course.nbgrader_cli import put_python_first

WEEKS = list(weeks.weeks())


def pytest_configure(config):
    # the kit's tests grade, so they are the instructor; tests of the flag
    # itself run subprocesses without it
    os.environ.setdefault("DLKIT_INSTRUCTOR", "1")
    put_python_first()  # nbgrader starts `alembic` from PATH


@pytest.fixture(params=WEEKS)
def week(request):
    """Every week that has a source notebook."""
    return weeks.week(request.param)


@pytest.fixture(scope="session")
def proven_gate():
    """A release gate stand-in for the tests of what comes after a release (the service, the
    browser, the benchmarks): the real gate of every week is tests/test_gate.py's."""
    from autograder.authoring.gate import GateReport

    def proven(week_id):
        report = GateReport(week_id)
        report.add("the gate runs in tests/test_gate.py", True)
        return report
    return proven


@pytest.fixture
def week01():
    return weeks.week("week01")


@pytest.fixture
def reference_release(week01, tmp_path):
    """week01's release with the reference code pasted in, written to disk."""
    nb = with_reference(nbformat.read(week01.release_notebook, as_version=4),
                        nbformat.read(week01.source_notebook, as_version=4))
    folder = tmp_path / "alice"
    folder.mkdir()
    path = folder / "activations.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture
def blank_release(week01, tmp_path):
    folder = tmp_path / "bob"
    folder.mkdir()
    return Path(shutil.copy(week01.release_notebook, folder / "activations.ipynb"))


def pytest_report_header(config):
    from autograder.sandbox import confine

    return f"student code confined by: {confine.describe()}"
