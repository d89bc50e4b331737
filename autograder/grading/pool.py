"""The process pool that grades in parallel (the class's submissions, the gate's catalogue).

Workers are forked where the platform can: they start with the grading
stack already imported, here, once.
"""

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor


def forked_pool(jobs: int | None = None) -> ProcessPoolExecutor:
    """A pool of ``jobs`` worker processes (default: one per core)."""
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(max(1, jobs or os.cpu_count() or 1), mp_context=multiprocessing.get_context(method))
