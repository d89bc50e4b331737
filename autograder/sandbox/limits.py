"""The limits of one submission's sandbox, all set by the grader."""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Limits:
    """Resource limits of one submission's sandbox (each process, and the notebook as a whole)."""

    call_seconds: float = 5.0  # wall time of one call
    cell_seconds: float = 10.0  # wall time of one notebook cell at start-up
    notebook_seconds: float = 60.0  # wall time of all the notebook's checks together
    cpu_seconds: int = 120  # CPU time of one process over its whole life
    memory_bytes: int = 2 * 1024**3  # address space of one process
    file_bytes: int = 16 * 1024**2  # largest file a process may write
    processes: int = 64  # processes per user (see the README's security model)
    restarts: int = 25  # fresh starts after a crash or a hang before grading stops calling the code
    start_seconds: float = 30.0  # the sandbox's own start (numpy imported once) on a loaded machine
