"""``make demo``: a whole course cycle in a fresh course folder.

For each week: run the release gate, release with nbgrader
(``generate_assignment``), hand in a simulated class (see
:mod:`autograder.simulated_class`), ``nbgrader autograde`` it through the
kit's preprocessor, ``generate_feedback``, ``export`` the grades, and print
a per-student, per-exercise table read back from nbgrader's gradebook.
"""

import shutil
import time
from pathlib import Path

import nbformat

from . import course, simulated_class
from .gate import run_gate
from .gradebook_view import cell_scores, format_table
from .release import new_course, nbgrader


def run_demo(folder="demo-course", week_ids=None):
    started = time.monotonic()
    week_ids = week_ids or list(course.weeks())
    root = Path(folder).resolve()
    if root.exists():
        shutil.rmtree(root)
    new_course(root, week_ids)
    print(f"course folder: {root}")
    db_url = f"sqlite:///{root / 'gradebook.db'}"
    failed = []
    for week_id in week_ids:
        week = course.week(week_id)
        print(f"\n=== {week_id}: {week.title} ===")
        if not run_gate(week_id).print_report():
            failed.append(week_id)
            continue
        nbgrader(["generate_assignment", week_id, "--force"], cwd=root)
        cohort = simulated_class.students(week)
        for student_id, (_, nb) in cohort.items():
            target = root / "submitted" / student_id / week_id
            target.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, target / f"{week.notebook}.ipynb")
        nbgrader(["autograde", week_id, "--force"], cwd=root)
        nbgrader(["generate_feedback", week_id, "--force"], cwd=root)
        scores = cell_scores(db_url, week_id, week.notebook)
        print(format_table(scores, [c.grade_id for c in week.test_cells],
                           title=f"\n{week_id} scores from the gradebook:"))
        for student_id, (description, _) in cohort.items():
            print(f"  {student_id}: {description}")
    nbgrader(["export"], cwd=root)
    print(f"\ngrades exported to {root / 'grades.csv'}; feedback in {root / 'feedback'}")
    print(f"demo finished in {time.monotonic() - started:.0f} s")
    if failed:
        print(f"gate FAILED for {', '.join(failed)}: not released")
        return 1
    return 0
