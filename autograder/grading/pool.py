"""The worker processes that grade in parallel (a class's submissions, the gate's catalogue).

Workers are forked where the platform can: they start with the grading
stack already imported, here, once. Each lives under an address-space
limit (:data:`WORKER_MEMORY`), so a runaway grading job ends its own
worker rather than the machine, and ends when the process that made it
does, however that ends (a ``serve`` killed with SIGKILL leaves no worker
waiting on its queue, with a student's sandbox under it). :func:`each`
survives a worker that dies: the pool is rebuilt and the other items run
again; an item that breaks two pools is run alone, and reported as an
error if it breaks that one too.

Each pool is forked with the parent's heap frozen (:func:`gc.freeze`): a
worker's garbage collector then never walks the objects it inherited (every
module the grading stack imported), which would write to each of their
pages and so copy all of them, a fifth of a second of its first submission.
"""

import contextlib
import ctypes
import gc
import multiprocessing
import os
import resource
import signal
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool

WORKER_MEMORY = 6 * 1024**3  # address space of one grading worker (its students' sandboxes have 2 GiB)
SUSPECT_AFTER = 2  # pools an item was in when they broke before it runs alone
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when the thread that forked it ends


def forked_pool(jobs: int | None = None, memory_bytes: int | None = WORKER_MEMORY) -> ProcessPoolExecutor:
    """A pool of ``jobs`` worker processes (default: one per core), each under ``memory_bytes``."""
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(max(1, jobs or os.cpu_count() or 1), mp_context=multiprocessing.get_context(method),
                               initializer=_start_worker, initargs=(memory_bytes, os.getpid()))


def each(fn, items, *args, jobs: int | None = None, memory_bytes: int | None = WORKER_MEMORY):
    """``fn(item, *args)`` for every item in worker processes; yields ``(item, value, error)``
    as each finishes (``error`` is '' or what went wrong, instructor-facing)."""
    pending, tries, alone = list(items), {}, []
    while pending:
        broken = []
        with forked_pool(jobs, memory_bytes) as pool:
            with inherited_heap_frozen():  # the first submit forks the workers
                futures = {pool.submit(fn, item, *args): item for item in pending}
            for future in as_completed(futures):
                item = futures[future]
                try:
                    yield item, future.result(), ""
                except BrokenProcessPool:
                    broken.append(item)
                except Exception as exc:  # a failure inside fn: reported, the others go on
                    yield item, None, f"{type(exc).__name__}: {str(exc)[:300]}"
        pending = []
        for item in broken:
            tries[item] = tries.get(item, 0) + 1
            (alone if tries[item] >= SUSPECT_AFTER else pending).append(item)
    for item in alone:
        with forked_pool(1, memory_bytes) as pool:
            try:
                with inherited_heap_frozen():
                    future = pool.submit(fn, item, *args)
                yield item, future.result(), ""
            except BrokenProcessPool:
                yield item, None, ("its grading worker died (out of memory, or killed); every other "
                                   "submission was graded")
            except Exception as exc:
                yield item, None, f"{type(exc).__name__}: {str(exc)[:300]}"


@contextlib.contextmanager
def inherited_heap_frozen():
    """Processes forked inside this block keep the objects they inherit out of their garbage
    collector's reach (they live as long as the worker anyway); this process's own collector
    takes them back when the block ends."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _start_worker(memory_bytes, parent):
    _die_with(parent)
    _limit_memory(memory_bytes)


def _die_with(parent):
    """End this worker with ``parent``: a forked worker holds its own queue's write end, so it
    would never read an end of file and wait for ever. (The pools are made and fed from the
    main thread, whose end the signal follows.)"""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # it ended before the line above took effect
        os._exit(1)


def _limit_memory(memory_bytes):
    if memory_bytes:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
