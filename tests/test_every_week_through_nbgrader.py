"""Every week, through real `nbgrader autograde`: the release with the
reference pasted in scores 10/10, the untouched release 0/10."""

import nbformat
import pytest

from autograder.authoring.solution_cells import with_reference
from autograder.course import weeks
from autograder.course.folder import create
from autograder.course.nbgrader_cli import nbgrader
from autograder.staff.gradebook import cell_scores

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = create(tmp_path_factory.mktemp("every-week"), list(weeks.weeks())).root
    scores = {}
    for week in weeks.weeks().values():
        nbgrader(["generate_assignment", week.id, "--force"], cwd=root)
        release_nb = nbformat.read(week.release_notebook, as_version=4)
        source_nb = nbformat.read(week.source_notebook, as_version=4)
        for student, nb in (("reference", with_reference(release_nb, source_nb)),
                            ("blank", release_nb)):
            folder = root / "submitted" / student / week.id
            folder.mkdir(parents=True)
            nbformat.write(nb, folder / f"{week.notebook}.ipynb")
        nbgrader(["autograde", week.id], cwd=root)
        scores[week.id] = cell_scores(f"sqlite:///{root / 'gradebook.db'}", week.id, week.notebook)
    return scores


@pytest.mark.parametrize("week_id", list(weeks.weeks()))
def test_reference_full_and_blank_zero(graded, week_id):
    rows = graded[week_id]
    assert sum(score for score, _ in rows["reference"].values()) == 10
    assert all(score == 0 for score, _ in rows["blank"].values())
    assert len(rows["blank"]) == len(weeks.week(week_id).test_cells)
