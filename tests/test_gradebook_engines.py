"""nbgrader's Gradebooks of one database share an engine in a process, and never across a fork."""

import os

from nbgrader.api import Gradebook

from autograder.course import gradebook_engines


def test_gradebooks_of_one_database_share_one_engine_and_its_rows(tmp_path):
    gradebook_engines.share()
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url, "course") as gb:
        gb.update_or_create_student("alice")
        first = gb.engine
    with Gradebook(url, "course") as gb:  # closed and opened again, as each nbgrader step does
        assert gb.engine is first
        assert [s.id for s in gb.students] == ["alice"]
    with Gradebook(f"sqlite:///{tmp_path / 'other.db'}", "course") as gb:
        assert gb.engine is not first and gb.students == []


def test_a_forked_process_makes_its_own_engine(tmp_path):
    gradebook_engines.share()
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url, "course") as gb:
        parents = id(gb.engine)
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child says whether it got its parent's engine, and adds a student
        try:
            with Gradebook(url, "course") as gb:
                gb.update_or_create_student("bob")
                os.write(write, b"shared" if id(gb.engine) == parents else b"own")
        finally:
            os._exit(0)
    os.close(write)
    said = os.read(read, 16)
    os.waitpid(child, 0)
    assert said == b"own"
    with Gradebook(url, "course") as gb:
        assert [s.id for s in gb.students] == ["bob"]


def test_a_gradebooks_tables_are_checked_once_until_it_is_made_again(tmp_path, monkeypatch):
    gradebook_engines.share()
    checks = []
    real = gradebook_engines._create_all
    monkeypatch.setattr(gradebook_engines, "_create_all", lambda **kw: (checks.append(1), real(**kw)))
    path = tmp_path / "gradebook.db"
    url = f"sqlite:///{path}"
    for _ in range(3):
        with Gradebook(url, "course") as gb:
            gb.update_or_create_student("alice")
    assert len(checks) == 1
    for made_again in (lambda: path.unlink(), lambda: path.write_bytes(b"")):  # removed; emptied
        made_again()
        with Gradebook(url, "course") as gb:  # its tables are made again, and it works
            assert gb.students == []
            gb.update_or_create_student("bob")
        with Gradebook(url, "course") as gb:
            assert [s.id for s in gb.students] == ["bob"]
    assert len(checks) == 3
