"""nbgrader's gradebooks, one SQLAlchemy engine per database per process.

nbgrader opens a new :class:`nbgrader.api.Gradebook` for every step that
reads or writes the database, about eight for one student's ``autograde``
and one more for each sanitised notebook, and every Gradebook makes a new
engine. A new engine starts with an empty cache of compiled SQL, so each of
a submission's hundred queries is compiled again: in the gradebook writer
that was 110 of 290 ms per week01 submission, and the writer is the one
part of grading that runs serially.

After :func:`share`, the Gradebooks of this process reuse one engine per
database URL: the same SQL and the same rows, each query compiled once.
Closing a Gradebook (nbgrader calls ``engine.dispose()``) returns its
connection to the engine's pool, where the next Gradebook finds it: a new
SQLite connection reads the schema again, and closing the last one
checkpoints the log, a fifth of a submission's storing (to a database
server, each new connection is a network round trip and a login). A pooled
SQLite connection is used again only while the file is the one it opened
(not removed, made again or emptied since); a server's is pinged first.
The pooled connections are closed when the process ends (the last one to
close a SQLite file folds its log back in) and before every fork: a process
forked from this one makes engines of its own, since an engine's
connections must never cross a fork, and no child may hold (and, freeing
it, close) a descriptor of a SQLite file it writes through its own, which
would drop the child's locks on that file (SQLite's locks are per process).

Each Gradebook also lists the database's tables and asks for each of
nbgrader's whether it exists (creating what is missing): half of opening
one, 1.5 of 3 ms, nine times a submission. A SQLite file this process has
already seen with every table skips that; the file is known by its inode,
so a gradebook removed and made again is checked again.

Where several processes write one SQLite gradebook at once (the grading
workers, each storing its own students), :func:`write_ahead` puts it in
SQLite's write-ahead-log mode: a reader no longer holds up a writer's
commit, nor a commit a reader (in the default rollback-journal mode each
made the other wait in SQLite's busy loop, which sleeps 1 to 100 ms a
try: a second of a 100-student run), and a commit writes the log, not a
journal and the database (0.2 ms, not 0.9). The mode is the file's, kept
for every program that opens it later, nbgrader's Formgrader included. A
file on a network filesystem keeps its journal: the log's index is
shared memory, which only one machine's processes can share. In that mode
this process's connections sync the disk when the log is folded into the
database, not at every commit (SQLite's ``synchronous=NORMAL``, 0.01 ms a
commit, not 0.27, a dozen times a submission, while the other workers
wait for the lock): the file stays whole whatever happens, and a process that
crashes loses nothing it committed; only a power cut or a crash of the
machine itself can take back the last commits, which ``grade --force`` redoes.
"""

import collections
import contextlib
import os
import sqlite3
import threading

import nbgrader.api
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError

from ..process_end import at_end

KEPT = 32  # engines kept per process (a test run opens hundreds of course folders)

_made = nbgrader.api.create_engine  # SQLAlchemy's, as nbgrader.api imported it
_inspect = nbgrader.api.inspect  # SQLAlchemy's too
_create_all = nbgrader.api.Base.metadata.create_all
_engines = collections.OrderedDict()  # (pid, url, options) -> engine, least recently used first
_complete = set()  # the SQLite files (see _sqlite_file) this process found, or made, with every table
_lock = threading.Lock()
# filesystems whose files live on this machine: a SQLite file on one of these can share its log's index
LOCAL_FILESYSTEMS = {"ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "overlay", "zfs", "f2fs", "bcachefs",
                     "jfs", "reiserfs", "ramfs", "apfs", "hfs"}


def share() -> None:
    """From now on, nbgrader's Gradebooks in this process share an engine per database URL,
    and check a SQLite file's tables once."""
    nbgrader.api.create_engine = shared_engine
    nbgrader.api.inspect = _inspect_unless_complete
    nbgrader.api.Base.metadata.create_all = _create_all_once


def shared_engine(url, **options):
    """The engine this process made for ``url`` with ``options``, made on first use."""
    key = (os.getpid(), str(url), tuple(sorted(options.items())))
    with _lock:
        engine = _engines.pop(key, None) or _keeping_connections(url, **options)
        _engines[key] = engine
        while len(_engines) > KEPT:
            _key, old = _engines.popitem(last=False)
            if _key[0] == os.getpid():
                _close_connections(old)
    return engine


def _keeping_connections(url, **options):
    """A new engine whose ``dispose()`` keeps its pooled connections (see above)."""
    sqlite = _sqlite_path(url) is not None
    engine = _made(url, **options) if sqlite else _made(url, pool_pre_ping=True, **options)
    engine.dispose = lambda close=True: None  # nbgrader's Gradebook.close: the connection stays pooled
    at_end(close_pooled)
    if sqlite:
        @event.listens_for(engine, "connect")
        def remember_file(connection, record):
            record.info["file"] = _sqlite_file(engine)
            _sync_at_checkpoints(connection)

        @event.listens_for(engine, "checkout")
        def same_file(connection, record, proxy):
            if record.info.get("file") != _sqlite_file(engine):
                raise DisconnectionError("the gradebook file was removed or made again")  # the pool reconnects
    return engine


def _sync_at_checkpoints(connection):
    """On a connection to a SQLite file in write-ahead-log mode, sync the disk at checkpoints
    only, not at every commit (see above)."""
    mode, = connection.execute("PRAGMA journal_mode").fetchone()
    if mode.lower() == "wal":
        connection.execute("PRAGMA synchronous=NORMAL")


def _close_connections(engine):
    type(engine).dispose(engine)


def close_pooled() -> None:
    """Close this process's pooled connections (the engines stay usable, with fresh pools)."""
    with _lock:
        for (pid, *_), engine in _engines.items():
            if pid == os.getpid():
                _close_connections(engine)


os.register_at_fork(before=close_pooled)


class _Complete:
    """What SQLAlchemy's inspector says of a database that has every table (nbgrader asks only
    whether it has any)."""

    def get_table_names(self):
        return sorted(nbgrader.api.Base.metadata.tables)


def _inspect_unless_complete(engine):
    return _Complete() if _sqlite_file(engine) in _complete else _inspect(engine)


def _create_all_once(bind=None, **options):
    """nbgrader's ``Base.metadata.create_all``, skipped for a SQLite file already complete."""
    if bind is None or _sqlite_file(bind) not in _complete:
        _create_all(bind=bind, **options)
        if bind is not None and options.get("tables") is None:
            found = _sqlite_file(bind)
            if found is not None:
                _complete.add(found)


def _sqlite_file(engine):
    """``(pid, path, device, inode)`` of an engine's SQLite file that exists and is not
    empty; None for any other database (always checked)."""
    path = _sqlite_path(getattr(engine, "url", None))
    try:
        stat = os.stat(path) if path else None
    except OSError:
        return None
    return (os.getpid(), path, stat.st_dev, stat.st_ino) if stat and stat.st_size else None


def write_ahead(url) -> bool:
    """Put the SQLite file of ``url`` in write-ahead-log mode (see above), if it exists on a
    local filesystem; whether it is in that mode now. Any other database is left as it is."""
    path = _sqlite_path(url)
    if path is None or not os.path.isfile(path) or filesystem_of(path) not in LOCAL_FILESYSTEMS:
        return False
    try:
        with contextlib.closing(sqlite3.connect(path, timeout=5)) as connection:
            mode, = connection.execute("PRAGMA journal_mode=WAL").fetchone()
    except sqlite3.Error:  # locked for longer than the timeout, or not a database: left as it is
        return False
    return mode.lower() == "wal"


def filesystem_of(path) -> str:
    """The type of the filesystem ``path`` is on ("ext4", "nfs4"...), from the mount table;
    "" where there is none to read."""
    path, best, kind = os.path.realpath(path), -1, ""
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as table:
            lines = table.read().splitlines()
    except OSError:
        return ""
    for line in lines:
        fields = line.split()
        if " - " not in line or len(fields) < 5:
            continue
        point = fields[4].replace("\\040", " ")
        inside = path == point or path.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= best:  # the deepest mount; of two at one point, the later
            best, kind = len(point), line.split(" - ", 1)[1].split()[0]
    return kind


def _sqlite_path(url):
    """The file of a SQLite URL ("sqlite:///x.db"), None for any other database."""
    try:
        parsed = make_url(url)
    except ArgumentError:  # not a URL (None, say)
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return os.path.abspath(parsed.database)
