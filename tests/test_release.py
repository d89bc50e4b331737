"""The committed release/ is exactly what nbgrader generates from source/."""

import filecmp

import nbformat

from autograder.authoring import generate


def test_committed_release_is_fresh(week, tmp_path):
    generated = generate.generate_scratch(week.id, tmp_path)
    committed = week.release_notebook.parent
    assert sorted(p.name for p in generated.iterdir()) == sorted(p.name for p in committed.iterdir()), \
        f"run `make release WEEK={week.id}`"
    for path in generated.iterdir():
        if path.suffix == ".ipynb":
            fresh = nbformat.read(path, as_version=4)
            stored = nbformat.read(committed / path.name, as_version=4)
            assert fresh == stored, f"{week.id}/{path.name} is stale: run `make release WEEK={week.id}`"
        else:
            assert filecmp.cmp(path, committed / path.name, shallow=False), path.name


def test_release_keeps_signatures_and_drops_bodies(week):
    nb = nbformat.read(week.release_notebook, as_version=4)
    text = "\n".join(cell.source for cell in nb.cells)
    for exercise in week.exercises:
        assert f"def {exercise}(" in text or f"class {exercise}" in text, exercise
    assert "raise NotImplementedError()" in text
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
