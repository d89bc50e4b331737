"""The grading workers: forked, and niced below the process that made them (the gradebook writer)."""

import os

from autograder.grading import pool


def test_workers_run_below_the_process_that_made_them():
    mine = os.nice(0)
    seen = {value for _item, value, error in pool.each(os.nice, [0, 0, 0], jobs=2) if not error}
    assert seen == {min(19, mine + pool.WORKER_NICENESS)}
    assert os.nice(0) == mine  # the writer's own priority is untouched
