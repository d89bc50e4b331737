"""The committed release/: signatures kept, bodies and hidden text gone (that it is exactly
what nbgrader generates is checked with the gate, tests/test_gate.py); the demo's students
start from git's copy of it."""

import subprocess

import nbformat


def test_release_keeps_signatures_and_drops_bodies(week):
    nb = nbformat.read(week.release_notebook, as_version=4)
    text = "\n".join(cell.source for cell in nb.cells)
    for exercise in week.exercises:
        assert f"def {exercise}(" in text or f"class {exercise}" in text, exercise
    assert "raise NotImplementedError()" in text
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text


def test_the_demo_students_start_from_git_s_copy_of_the_release(week01, tmp_path):
    """A student-style edit of the working tree's release/ does not reach the demo's students."""
    from autograder.course.table import KIT_ROOT
    from autograder.simulation import cohort

    checkout = tmp_path / "kit"
    target = checkout / week01.release_notebook.relative_to(KIT_ROOT)
    target.parent.mkdir(parents=True)
    target.write_bytes(week01.release_notebook.read_bytes())
    git = ["git", "-C", str(checkout), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "release"], check=True)
    edited = nbformat.read(target, as_version=4)
    edited.cells[0].source += "\nedited by a student"
    nbformat.write(edited, target)
    committed = cohort.committed_release(week01, root=checkout)
    assert committed == nbformat.read(week01.release_notebook, as_version=4)
    assert cohort.committed_release(week01, root=tmp_path / "not-a-checkout") is None
