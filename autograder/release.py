"""Generate a week's student release with nbgrader, after the gate.

Generation runs ``nbgrader generate_assignment`` in a scratch course
folder (its own gradebook), so checking or refreshing a release never
touches a real course's gradebook; :func:`release` then copies the result
into the kit's committed ``release/<week>/``.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .course import KIT_ROOT, RELEASE, week as find_week


class GenerationFailed(RuntimeError):
    pass


def nbgrader(args, cwd, env=None):
    """Run an nbgrader command in ``cwd``; raise with its log on failure."""
    env = dict(env or os.environ)
    # nbgrader starts `alembic` from PATH: put this environment's bin first
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise GenerationFailed(f"nbgrader {' '.join(args)} failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    return proc


def new_course(folder, week_ids):
    """A course folder with the kit's config and the given weeks' sources."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(KIT_ROOT / "nbgrader_config.py", folder / "nbgrader_config.py")
    for week_id in week_ids:
        target = folder / "source" / week_id
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(find_week(week_id).source_dir, target,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return folder


def generate(week_id, folder):
    """``nbgrader generate_assignment`` in course ``folder``; returns release/<week>."""
    nbgrader(["generate_assignment", week_id, "--force"], cwd=folder)
    return Path(folder) / "release" / week_id


def generate_scratch(week_id, scratch):
    """Generate the release of ``week_id`` in a fresh course under ``scratch``."""
    return generate(week_id, new_course(Path(scratch) / "course", [week_id]))


def release(week_id):
    """Gate ``week_id``; if it passes, refresh the kit's ``release/<week>/``."""
    from .gate import run_gate

    report = run_gate(week_id)
    if not report.print_report():
        print(f"{week_id} is NOT released: the gate failed.")
        return False
    with tempfile.TemporaryDirectory() as scratch:
        generated = generate_scratch(week_id, scratch)
        target = RELEASE / week_id
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(generated, target)
    print(f"{week_id} released to {target.relative_to(KIT_ROOT)}/")
    return True
