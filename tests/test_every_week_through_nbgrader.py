"""Every week, through real nbgrader autograde: the release with the
reference pasted in scores 10/10, the untouched release 0/10.

nbgrader runs in this process, through its Python API (what Formgrader
calls): the same pipeline as the command, without a start-up per week
(the command itself runs in test_nbgrader_end_to_end and test_attacks)."""

import nbformat
import pytest

from autograder.authoring.solution_cells import with_reference
from autograder.course import weeks
from autograder.course.folder import create
from autograder.staff import writer
from autograder.staff.gradebook import cell_scores

# nbgrader's own session use warns on a first submission (the writer silences it too); the rows are right
pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = create(tmp_path_factory.mktemp("every-week"), list(weeks.weeks()))
    root = course.root
    api = writer.api(course, course.config)
    scores = {}
    for week in weeks.weeks().values():
        assert api.generate_assignment(week.id, force=True)["success"], week.id
        release_nb = nbformat.read(week.release_notebook, as_version=4)
        source_nb = nbformat.read(week.source_notebook, as_version=4)
        for student, nb in (("reference", with_reference(release_nb, source_nb)),
                            ("blank", release_nb)):
            folder = root / "submitted" / student / week.id
            folder.mkdir(parents=True)
            nbformat.write(nb, folder / f"{week.notebook}.ipynb")
            outcome = api.autograde(week.id, student, force=True, create=True)
            assert outcome["success"], outcome.get("log", "")[-3000:]
        scores[week.id] = cell_scores(f"sqlite:///{root / 'gradebook.db'}", week.id, week.notebook)
    return scores


@pytest.mark.parametrize("week_id", list(weeks.weeks()))
def test_reference_full_and_blank_zero(graded, week_id):
    rows = graded[week_id]
    assert sum(score for score, _ in rows["reference"].values()) == 10
    assert all(score == 0 for score, _ in rows["blank"].values())
    assert len(rows["blank"]) == len(weeks.week(week_id).test_cells)
