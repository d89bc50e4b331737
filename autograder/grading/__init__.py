"""One notebook in, one result out: the one place a score is decided.

``grade`` (sanitise, run the student's code in the sandbox, score the
hidden suite's outcomes), ``sanitize`` (nbgrader's own sanitising steps),
``runner`` (the hidden pytest suite, in this process), ``result`` (the
per-cell records), ``secret`` (the seeds of the hidden inputs), ``store``
(results kept on disk for the gradebook writer) and ``pool`` (the worker
processes that grade in parallel).
"""
