"""The staff commands as a TA types them: refusals are one clear line, not a traceback."""

import subprocess
import sys
from pathlib import Path

import pytest

from autograder.course.folder import create
from autograder.errors import KitError


def run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd, capture_output=True, text=True)


@pytest.mark.dates
def test_release_before_the_date_is_refused_with_a_clear_message(tmp_path):
    folder = create(tmp_path / "course", ["week01"])
    proc = run("release", "week01", "--today", "2026-11-01", cwd=folder.root)
    assert proc.returncode == 2
    assert "error: week01 opens on 2026-11-16 10:00 +0900" in proc.stderr and "--force" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (folder.root / "release").exists()


def test_commands_outside_a_course_folder_say_how_to_make_one(tmp_path):
    proc = run("grade", "week01", "--course", str(tmp_path), cwd=tmp_path)
    assert proc.returncode == 2 and "new-course" in proc.stderr


def test_new_course_makes_a_folder_with_its_own_calendar(tmp_path):
    proc = run("new-course", "fall", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    root = tmp_path / "fall"
    assert {p.name for p in root.iterdir()} >= {"nbgrader_config.py", "course.toml", ".gitignore"}
    assert not (root / "source").exists()  # a week's sources arrive when it is released
    assert "/exchange/" in (root / ".gitignore").read_text()


def test_new_course_again_keeps_the_folders_config_and_calendar(tmp_path):
    folder = create(tmp_path / "course", ["week01"])
    for name in ("nbgrader_config.py", "course.toml"):
        path = folder.root / name
        path.write_text(path.read_text() + "\n# edited by the TA\n")
    create(folder.root, ["week01", "week02"])
    for name in ("nbgrader_config.py", "course.toml"):
        assert (folder.root / name).read_text().endswith("# edited by the TA\n"), name
    assert (folder.root / "source" / "week02").is_dir()


def test_grading_a_week_never_released_here_says_so(tmp_path):
    folder = create(tmp_path / "course", ["week01"])
    proc = run("grade", "week01", cwd=folder.root)
    assert proc.returncode == 2 and "release it first" in proc.stderr, proc.stderr


def test_the_dlkit_command_is_installed_beside_python(tmp_path):
    dlkit = Path(sys.executable).with_name("dlkit")
    proc = subprocess.run([str(dlkit), "new-course", "spring"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "spring" / "course.toml").exists()


def test_a_kit_refusal_is_one_line_and_a_bug_keeps_its_traceback(monkeypatch, capsys):
    import autograder.cli as cli

    def refuses(args):
        raise KitError("week01 is not ready")

    def has_a_bug(args):
        raise ValueError("a genuine bug")

    monkeypatch.setattr(cli, "gate", refuses)
    assert cli.main(["gate", "week01"]) == 2
    assert capsys.readouterr().err == "error: week01 is not ready\n"
    monkeypatch.setattr(cli, "gate", has_a_bug)
    with pytest.raises(ValueError, match="a genuine bug"):
        cli.main(["gate", "week01"])
