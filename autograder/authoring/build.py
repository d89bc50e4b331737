"""``build-release WEEK``: the gate, then the kit's committed ``release/<week>/``.

The release copied is the very one the gate generated and checked
(:attr:`~autograder.authoring.gate.GateReport.release_dir`), never a
second generation.
"""

import shutil
import tempfile

from ..course.weeks import KIT_ROOT, RELEASE
from .gate import run_gate


def build_release(week_id: str) -> bool:
    """Gate ``week_id``; if it passes, refresh the kit's ``release/<week>/``."""
    with tempfile.TemporaryDirectory() as scratch:
        report = run_gate(week_id, scratch=scratch)
        if not report.print_report():
            print(f"{week_id} is NOT released: the gate failed.")
            return False
        target = RELEASE / week_id
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(report.release_dir, target)
    print(f"{week_id} released to {target.relative_to(KIT_ROOT)}/")
    return True
