"""nbgrader's Gradebooks of one database share an engine and its connection in a process, and
never across a fork."""

import os
import sqlite3

from nbgrader.api import Gradebook
from sqlalchemy import event, text

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

    def child():  # says whether it got its parent's engine, and adds a student
        with Gradebook(url, "course") as gb:
            gb.update_or_create_student("bob")
            return b"shared" if id(gb.engine) == parents else b"own"

    assert _said_by_a_forked_process(child) == b"own"
    with Gradebook(url, "course") as gb:
        assert [s.id for s in gb.students] == ["bob"]


def test_the_next_gradebook_takes_the_connection_the_last_one_closed(tmp_path):
    gradebook_engines.share()
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url, "course") as gb:
        gb.update_or_create_student("alice")
        connects = []
        event.listen(gb.engine, "connect", lambda *args: connects.append(1))
    for name in ("bob", "carol"):
        with Gradebook(url, "course") as gb:
            gb.update_or_create_student(name)
    assert connects == []
    with Gradebook(url, "course") as gb:
        assert sorted(s.id for s in gb.students) == ["alice", "bob", "carol"]


def test_a_forked_process_inherits_no_open_gradebook(tmp_path):
    path, url = _gradebook_of_alice(tmp_path)
    assert _open_files(path)  # pooled, in this process
    assert _said_by_a_forked_process(lambda: b"inherited" if _open_files(path) else b"none") == b"none"
    with Gradebook(url, "course") as gb:  # the engine goes on, with a new connection
        assert [s.id for s in gb.students] == ["alice"]


def _gradebook_of_alice(tmp_path):
    """``(path, url)`` of a new SQLite gradebook with one student, written through a shared engine."""
    gradebook_engines.share()
    path = tmp_path / "gradebook.db"
    url = f"sqlite:///{path}"
    with Gradebook(url, "course") as gb:
        gb.update_or_create_student("alice")
    return path, url


def _said_by_a_forked_process(say):
    """What ``say()`` (bytes) returns in a process forked from this one."""
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        try:
            os.write(write, say())
        finally:
            os._exit(0)
    os.close(write)
    said = os.read(read, 64)
    os.waitpid(child, 0)
    os.close(read)
    return said


def _open_files(path):
    """This process's descriptors of the file ``path``."""
    fds = "/proc/self/fd"
    return [fd for fd in os.listdir(fds) if os.path.realpath(os.path.join(fds, fd)) == os.path.realpath(path)]


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


def test_a_local_gradebook_goes_write_ahead_and_readers_do_not_hold_up_a_commit(tmp_path):
    path, url = _gradebook_of_alice(tmp_path)
    assert gradebook_engines.write_ahead(url)
    reader = sqlite3.connect(path, timeout=0)
    reader.execute("BEGIN")  # a reader in the middle of its reads
    assert reader.execute("SELECT id FROM student").fetchall() == [("alice",)]
    writer = sqlite3.connect(path, timeout=0)  # it would fail at once if it had to wait
    writer.execute("INSERT INTO student (id) VALUES ('bob')")
    writer.commit()
    reader.rollback()
    with Gradebook(url, "course") as gb:  # nbgrader reads the file as before
        assert sorted(s.id for s in gb.students) == ["alice", "bob"]
    reader.close()
    writer.close()


def test_commits_skip_the_disk_sync_only_where_the_log_keeps_the_file_whole(tmp_path):
    """A write-ahead-logged gradebook syncs at checkpoints (SQLite's NORMAL); one in the
    default journal mode, where that could corrupt it at a power cut, keeps syncing every commit."""
    def sync_level(url):
        gradebook_engines.close_pooled()  # the next connection is a new one
        with Gradebook(url, "course") as gb:
            return gb.db.execute(text("PRAGMA synchronous")).scalar()

    (tmp_path / "journal").mkdir()
    (tmp_path / "log").mkdir()
    _, url = _gradebook_of_alice(tmp_path / "journal")
    assert sync_level(url) == 2  # FULL, SQLite's default
    logged, url = _gradebook_of_alice(tmp_path / "log")
    assert gradebook_engines.write_ahead(url)
    assert sync_level(url) == 1  # NORMAL
    with Gradebook(url, "course") as gb:  # what it commits is there for every other reader
        gb.update_or_create_student("bob")
    assert sqlite3.connect(logged).execute("SELECT count(*) FROM student").fetchone() == (2,)


def test_only_a_sqlite_file_on_a_local_filesystem_changes_mode(tmp_path, monkeypatch):
    path = tmp_path / "gradebook.db"
    sqlite3.connect(path).close()
    assert not gradebook_engines.write_ahead("postgresql://kit@localhost/gradebook")
    assert not gradebook_engines.write_ahead(f"sqlite:///{tmp_path / 'missing.db'}")
    assert not (tmp_path / "missing.db").exists()
    monkeypatch.setattr(gradebook_engines, "filesystem_of", lambda path: "nfs4")
    assert not gradebook_engines.write_ahead(f"sqlite:///{path}")
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)


def test_the_filesystem_of_a_path_is_its_deepest_mount():
    assert gradebook_engines.filesystem_of("/proc/self/status") == "proc"
    assert gradebook_engines.filesystem_of("/") not in ("", "proc")
