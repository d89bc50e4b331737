"""Cleaning up when a process ends, a forked grading worker included.

``atexit`` runs its handlers when a program exits; a multiprocessing worker
ends with ``os._exit`` after multiprocessing's own finalizers instead, and a
forked worker starts with that list emptied (its parent's entries are not
its own). :func:`at_end` registers a cleanup with both, in the process that
calls it, once: whatever it made (a sandbox's workspace, open database
connections) goes with the process that made it.
"""

import atexit
import multiprocessing.util
import os

_registered = set()  # (pid, cleanup) already registered


def at_end(cleanup) -> None:
    """Call ``cleanup()`` when this process ends, whether it exits as a program or as a
    multiprocessing worker (it may run twice: it must do nothing the second time)."""
    key = (os.getpid(), cleanup)
    if key in _registered:
        return
    _registered.add(key)
    atexit.register(cleanup)
    multiprocessing.util.Finalize(None, cleanup, exitpriority=10)
