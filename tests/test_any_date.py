"""The date-sensitive tests pass on any date: rerun with the clock 400 days ahead and back.

Debian's ``faketime`` moves the system clock of a whole process tree
(nbgrader's exchange stamps, sqlite, the kit's own clock), so the tests
that release, hand in late and grade by the calendar (marked ``dates``)
run as they would next year and last year. ``.ci/run`` installs faketime; without it these
tests are skipped with the reason.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

TESTS = Path(__file__).resolve().parent
# the modules with tests marked `dates` (pytest.mark.dates): only those run again
DATE_SENSITIVE = ["test_schedule.py", "test_staff_cli.py", "test_staff_workflow.py"]


@pytest.mark.parametrize("shift", ["+400d", "-400d"])
def test_date_sensitive_tests_pass_with_the_clock_moved(shift, tmp_path):
    faketime = shutil.which("faketime")
    if faketime is None:
        pytest.skip("faketime is not installed (Debian package faketime; .ci/run installs it)")
    env = dict(os.environ)
    # faking the monotonic clock too keeps ipykernel's sleeps working
    env.pop("FAKETIME_DONT_FAKE_MONOTONIC", None)
    # the release gate knows no dates and is proven by the main run: the reruns take it as passed
    env["KIT_TESTS_GATE_PROVEN"] = "1"
    proc = subprocess.run(
        [faketime, "-f", shift, sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-m", "dates",
         "--basetemp", str(tmp_path / "run"), *[str(TESTS / name) for name in DATE_SENSITIVE]],
        cwd=TESTS.parent, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, f"with the clock at {shift}:\n{proc.stdout[-4000:]}{proc.stderr[-2000:]}"
