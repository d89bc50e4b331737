"""The reference solutions load only behind the instructor flag."""

import os
import subprocess
import sys

from autograder.course.table import KIT_ROOT


def run(args, flag):
    env = {k: v for k, v in os.environ.items() if k != "DLKIT_INSTRUCTOR"}
    if flag:
        env["DLKIT_INSTRUCTOR"] = "1"
    return subprocess.run([sys.executable, *args], cwd=KIT_ROOT, env=env, capture_output=True, text=True)


def test_import_without_flag_fails_clearly():
    proc = run(["-c", "import solutions.week01"], flag=False)
    assert proc.returncode != 0
    assert "instructor-only" in proc.stderr and "DLKIT_INSTRUCTOR=1" in proc.stderr


def test_import_with_flag_works():
    assert run(["-c", "import solutions.week01"], flag=True).returncode == 0


def test_grading_without_flag_is_refused(blank_release):
    proc = run(["-m", "autograder", "grade-notebook", str(blank_release), "--assignment", "week01"],
               flag=False)
    assert proc.returncode == 2
    assert "instructor-only" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_instructor_option_sets_the_flag(blank_release):
    proc = run(["-m", "autograder", "--instructor", "grade-notebook", str(blank_release),
                "--assignment", "week01"], flag=False)
    assert proc.returncode == 0, proc.stderr
    assert "week01 / student: 0 / 10" in proc.stdout
