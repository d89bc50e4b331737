"""Every week, through real `nbgrader autograde`: the release with the
reference pasted in scores 10/10, the untouched release 0/10."""

import nbformat
import pytest

from autograder import course, simulated_class
from autograder.gradebook_view import cell_scores
from autograder.release import nbgrader, new_course

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    weeks = list(course.weeks().values())
    root = new_course(tmp_path_factory.mktemp("every-week"), [w.id for w in weeks])
    scores = {}
    for week in weeks:
        nbgrader(["generate_assignment", week.id, "--force"], cwd=root)
        release_nb = nbformat.read(week.release_notebook, as_version=4)
        source_nb = nbformat.read(week.source_notebook, as_version=4)
        for student, nb in (("reference", simulated_class.with_reference(release_nb, source_nb)),
                            ("blank", release_nb)):
            folder = root / "submitted" / student / week.id
            folder.mkdir(parents=True)
            nbformat.write(nb, folder / f"{week.notebook}.ipynb")
        nbgrader(["autograde", week.id], cwd=root)
        scores[week.id] = cell_scores(f"sqlite:///{root / 'gradebook.db'}", week.id, week.notebook)
    return scores


@pytest.mark.parametrize("week_id", list(course.weeks()))
def test_reference_full_and_blank_zero(graded, week_id):
    rows = graded[week_id]
    assert sum(score for score, _ in rows["reference"].values()) == 10
    assert all(score == 0 for score, _ in rows["blank"].values())
    assert len(rows["blank"]) == len(course.week(week_id).test_cells)
