"""``make bench``: the kit's ``grade`` against plain sequential ``nbgrader autograde``.

One run, one machine, the same N submissions of a week (a mix of right,
wrong and broken answers):

* the kit: ``python -m autograder grade WEEK --jobs J`` for each J
  (hidden suites, sandboxed student processes, one gradebook writer),
  timed without and with its extras (feedback, CSV exports, class report);
* plain nbgrader: ``nbgrader autograde WEEK`` with nbgrader's default
  pipeline (``Execute``: every notebook runs top to bottom in a Jupyter
  kernel, its inline ``assert`` test cells scored all or nothing).

Each side grades its own copy of one course folder. The report gives
seconds per notebook and the ratios, and checks that the scores agree
where the tests agree: right, blank and broken submissions must get the
same score on every test cell from both (wrong ones are where the hidden
suites are meant to be stricter than the public asserts, so they are
only counted).
"""

import copy
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from ..authoring import catalogue
from ..authoring.solution_cells import reference_release
from ..course import weeks
from ..course.cells import solution_cells
from ..course.folder import CourseFolder, create
from ..course.nbgrader_cli import nbgrader
from ..staff.gradebook import cell_scores

MIX = ("right", "wrong", "right", "wrong", "broken")  # 40% right, 40% wrong, 20% broken
TARGET = 3.0  # the goal: the kit at least 3x faster than plain sequential nbgrader
PLAIN_PIPELINE_MARK = "c.Autograde.autograde_preprocessors"


def submissions(week, n):
    """``[(student, kind, notebook)]``: ``n`` submissions of ``week`` in the MIX proportions."""
    release_nb = nbformat.read(week.release_notebook, as_version=4)
    reference = reference_release(week)
    wrong = [catalogue.apply(reference, answer) for answer in catalogue.load(week.id)] or [release_nb]
    broken = [release_nb, _syntax_error(reference), _crashes_on_import(reference)]
    made, counters = [], {"right": 0, "wrong": 0, "broken": 0}
    for i in range(n):
        kind = MIX[i % len(MIX)]
        pool = {"right": [reference], "wrong": wrong, "broken": broken}[kind]
        made.append((f"s{i:03d}_{kind}", kind, pool[counters[kind] % len(pool)]))
        counters[kind] += 1
    return made


def _syntax_error(nb):
    nb = copy.deepcopy(nb)
    cell = next(iter(solution_cells(nb).values()))
    cell.source += "\n    return (  # unfinished edit\n"
    return nb


def _crashes_on_import(nb):
    nb = copy.deepcopy(nb)
    cell = next(iter(solution_cells(nb).values()))
    cell.source = "import a_module_that_does_not_exist\n" + cell.source
    return nb


def prepare(root, week_id, n):
    """A course folder at ``root/template`` with the week generated and ``n`` submissions."""
    week = weeks.week(week_id)
    folder = create(Path(root) / "template", [week_id])
    nbgrader(["generate_assignment", week_id, "--force"], cwd=folder.root)
    kinds = {}
    for student, kind, nb in submissions(week, n):
        target = folder.submitted(student, week_id)
        target.mkdir(parents=True)
        nbformat.write(nb, target / f"{week.notebook}.ipynb")
        kinds[student] = kind
    return folder, kinds


def copy_course(template, target, plain=False):
    shutil.copytree(template.root, target)
    if plain:
        config = Path(target) / "nbgrader_config.py"
        text = config.read_text()
        start = text.index(PLAIN_PIPELINE_MARK)
        end = text.index("]", start) + 1
        config.write_text(text[:start] + "# plain nbgrader: its default autograde pipeline (Execute)" + text[end:])
    return CourseFolder(target)


def timed(command, cwd):
    started = time.monotonic()
    proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if proc.returncode not in (0, 1):  # `grade` exits 1 when some submission had an error
        raise RuntimeError(f"{' '.join(command)} failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return seconds


def agreement(kit, plain, kinds):
    """``(disagreements, stricter)``: cells where right/blank/broken submissions score
    differently, and cells of wrong submissions the hidden suite marked lower."""
    disagreements, stricter = [], 0
    for student, kind in kinds.items():
        for cell, (score, _) in kit.get(student, {}).items():
            other = plain.get(student, {}).get(cell, (None, None))[0]
            if kind == "wrong":
                stricter += (score or 0) < (other or 0)
            elif (score or 0) != (other or 0):
                disagreements.append(f"{student} {cell}: kit {score} vs nbgrader {other}")
    return disagreements, stricter


def run_bench(week_id="week01", n=100, jobs=(1, 2), folder="bench-course", out=print):
    """Run the benchmark; print the table; return 0 if the scores agree where the tests agree."""
    root = Path(folder).resolve()
    if root.exists():
        shutil.rmtree(root)
    week = weeks.week(week_id)
    template, kinds = prepare(root, week_id, n)
    python = [sys.executable, "-m", "autograder"]
    rows = []

    plain = copy_course(template, root / "plain", plain=True)
    out(f"bench: {n} submissions of {week_id} ({', '.join(f'{k} {list(kinds.values()).count(k)}' for k in ('right', 'wrong', 'broken'))})")
    out("plain nbgrader autograde (sequential, kernel per notebook)...")
    plain_seconds = timed([sys.executable, "-m", "nbgrader", "autograde", week_id], plain.root)
    rows.append(("plain nbgrader autograde", plain_seconds))
    plain_scores = cell_scores(plain.db_url, week_id, week.notebook)

    failures = []
    for j in jobs:
        for extras in (False, True):
            kit = copy_course(template, root / f"kit-jobs{j}{'-all' if extras else ''}")
            label = f"kit grade --jobs {j}" + (" (+feedback, reports)" if extras else " --no-feedback")
            out(f"{label}...")
            command = [*python, "grade", week_id, "--course", str(kit.root), "--jobs", str(j), "--quiet"]
            seconds = timed(command + ([] if extras else ["--no-feedback"]), kit.root)
            rows.append((label, seconds))
            disagreements, stricter = agreement(cell_scores(kit.db_url, week_id, week.notebook), plain_scores, kinds)
            failures += [f"{label}: {d}" for d in disagreements]
    width = max(len(label) for label, _ in rows)
    out(f"\n{'':{width}} {'total s':>8} {'s / notebook':>13} {'vs plain':>9}")
    for label, seconds in rows:
        out(f"{label:{width}} {seconds:8.1f} {seconds / n:13.3f} {plain_seconds / seconds:8.1f}x")
    best = max(plain_seconds / seconds for label, seconds in rows if label.startswith("kit"))
    out(f"\nfastest kit run: {best:.1f}x plain nbgrader (target: at least {TARGET:g}x on 100 submissions, "
        f"2 cores): {'met' if best >= TARGET else 'NOT met'}")
    out(f"scores: right, blank and broken submissions agree on every cell: "
        f"{'yes' if not failures else 'NO'}; cells of wrong answers the hidden suites marked "
        f"lower than the public asserts: {stricter}")
    for failure in failures[:20]:
        out(f"  disagree: {failure}")
    return 0 if not failures else 1
