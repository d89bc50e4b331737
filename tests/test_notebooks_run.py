"""Every source notebook runs top to bottom in a real Jupyter kernel."""

import time

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.slow

SECONDS = 120  # a generous ceiling on a loaded CI machine; they take seconds


def test_source_notebook_runs_top_to_bottom(week, tmp_path):
    nb = nbformat.read(week.source_notebook, as_version=4)
    started = time.monotonic()
    NotebookClient(nb, timeout=SECONDS, kernel_name="python3",
                   resources={"metadata": {"path": str(week.source_dir)}}).execute()
    assert time.monotonic() - started < SECONDS
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
