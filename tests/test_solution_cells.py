"""One source of truth: solution cells and lecture_lib come from solutions/."""

from autograder.authoring import solution_cells


def test_source_notebook_matches_reference(week):
    assert solution_cells.out_of_sync(week) == [], \
        f"run `make sync WEEK={week.id}` (python -m autograder sync-solutions {week.id})"


def test_every_exercise_has_a_test_cell(week):
    for exercise in week.exercises:
        assert any(c.grade_id.startswith(f"test_{exercise}") for c in week.test_cells), exercise
    assert week.max_score == 10


def test_render_wraps_each_body_after_its_docstring():
    module = '''
import numpy as np

class Gate:
    """doc"""

    def __init__(self, w):
        """init doc"""
        self.w = w

    def predict(self, x):
        return x @ self.w
'''
    cell = solution_cells.render(module, "Gate")
    assert cell.splitlines() == [
        "class Gate:", '    """doc"""', "",
        "    def __init__(self, w):", '        """init doc"""',
        "        ### BEGIN SOLUTION", "        self.w = w", "        ### END SOLUTION", "",
        "    def predict(self, x):",
        "        ### BEGIN SOLUTION", "        return x @ self.w", "        ### END SOLUTION",
    ]
    assert "### BEGIN" not in solution_cells.strip_markers(cell)
