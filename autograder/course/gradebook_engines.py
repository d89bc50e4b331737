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
Closing a Gradebook still closes its connections (nbgrader calls
``engine.dispose()``; the engine stays usable, with a fresh pool), and a
process forked from this one makes engines of its own, since an engine's
connections must never cross a fork.

Each Gradebook also lists the database's tables and asks for each of
nbgrader's whether it exists (creating what is missing): half of opening
one, 1.5 of 3 ms, nine times a submission. A SQLite file this process has
already seen with every table skips that; the file is known by its inode,
so a gradebook removed and made again is checked again.
"""

import collections
import os
import threading

import nbgrader.api

KEPT = 32  # engines kept per process (a test run opens hundreds of course folders)

_made = nbgrader.api.create_engine  # SQLAlchemy's, as nbgrader.api imported it
_inspect = nbgrader.api.inspect  # SQLAlchemy's too
_create_all = nbgrader.api.Base.metadata.create_all
_engines = collections.OrderedDict()  # (pid, url, options) -> engine, least recently used first
_complete = set()  # the SQLite files (see _sqlite_file) this process found, or made, with every table
_lock = threading.Lock()


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
        engine = _engines.pop(key, None) or _made(url, **options)
        _engines[key] = engine
        while len(_engines) > KEPT:
            _key, old = _engines.popitem(last=False)
            if _key[0] == os.getpid():
                old.dispose()
    return engine


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
    url = getattr(engine, "url", None)
    if url is None or url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    try:
        stat = os.stat(url.database)
    except OSError:
        return None
    return (os.getpid(), os.path.abspath(url.database), stat.st_dev, stat.st_ino) if stat.st_size else None
