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
"""

import collections
import os
import threading

import nbgrader.api

KEPT = 32  # engines kept per process (a test run opens hundreds of course folders)

_made = nbgrader.api.create_engine  # SQLAlchemy's, as nbgrader.api imported it
_engines = collections.OrderedDict()  # (pid, url, options) -> engine, least recently used first
_lock = threading.Lock()


def share() -> None:
    """From now on, nbgrader's Gradebooks in this process share an engine per database URL."""
    nbgrader.api.create_engine = shared_engine


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
