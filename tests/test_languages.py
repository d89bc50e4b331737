"""Korean and English: every student-facing message in both, picked by the course or `--lang`."""

import json
import os
import re
import subprocess
import sys

import nbformat
import pytest

from autograder import texts
from autograder.authoring import catalogue, messages
from autograder.checks import Mistake
from autograder.course import table
from autograder.errors import CourseTableError
from autograder.grading import grade

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def test_every_message_has_its_korean_translation():
    """Fails on any message of the code without a translation, with other placeholders, or no
    longer used; on a _() Babel cannot read; on a `_` that hides the catalogue's function."""
    assert messages.problems() == []


def test_a_text_renders_in_each_language_with_its_values():
    _ = texts.domain("week01")
    where = _("sigmoid at x = {x:+g}", x=-1000.0)
    assert texts.render(where, "en") == "sigmoid at x = -1000"
    assert texts.render(where, "ko") == "x = -1000에서의 sigmoid"
    both = texts.render(texts.Joined([where, _("sigmoid is 1 / (1 + e^{{-x}})")], ": "), "both")
    assert both.splitlines() == ["x = -1000에서의 sigmoid: 시그모이드는 1 / (1 + e^{-x})입니다",
                                 "sigmoid at x = -1000: sigmoid is 1 / (1 + e^{-x})"]
    assert texts.render(texts.verbatim("relu(x)"), "both") == "relu(x)"  # code reads the same: once


def test_a_check_cannot_raise_an_untranslatable_message():
    with pytest.raises(TypeError, match="_\\('...'\\)"):
        Mistake("wrong values")


def test_the_course_table_names_the_language(tmp_path):
    path = tmp_path / "course.toml"
    path.write_text('language = "ko"\n[weeks.week01]\nnotebook = "activations"\n', encoding="utf-8")
    assert table.read(path).language == "ko"
    assert table.kit().language == "both"
    path.write_text('language = "fr"\n', encoding="utf-8")
    with pytest.raises(CourseTableError, match="language must be one of ko, en, both"):
        table.read(path)


@pytest.fixture(scope="module")
def in_each_language():
    """One wrong answer of week01 (sigmoid's sign flipped) graded in each language."""
    week = grade.weeks.week("week01")
    nb = nbformat.read(week.source_notebook, as_version=4)
    wrong = next(a for a in catalogue.load("week01") if a.id == "sigmoid_sign_flipped")
    return {lang: grade.grade_notebook(catalogue.apply(nb, wrong), "week01", "mina", workdir=week.source_dir,
                                       lang=lang) for lang in texts.LANGUAGES}


def test_the_same_ids_and_scores_in_every_language(in_each_language):
    def marks(result):
        return [(c.grade_id, c.score, [(m["id"], m["checks"]) for m in c.mistakes]) for c in result.cells]

    assert marks(in_each_language["ko"]) == marks(in_each_language["en"]) == marks(in_each_language["both"])


def test_korean_english_and_both_read_as_named(in_each_language):
    ko, en, both = (in_each_language[lang].cell("test_sigmoid").messages for lang in ("ko", "en", "both"))
    assert ko and all(HANGUL.search(m) for m in ko)
    assert not any(HANGUL.search(m) for m in en)
    assert "부호" in ko[0] and "check the sign" in en[0]
    assert both == [f"{k}\n{e}" for k, e in zip(ko, en)]
    assert in_each_language["ko"].cell("test_sigmoid").summary("ko").startswith("test_sigmoid: 숨은 검사")


def test_grade_notebook_lang_and_the_course_folder_default(blank_release, tmp_path):
    def run(*extra, cwd=None):
        proc = subprocess.run([sys.executable, "-m", "autograder", "grade-notebook", str(blank_release),
                               "--assignment", "week01", "--json", *extra], capture_output=True, text=True,
                              env=os.environ, cwd=cwd)
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)

    english = run("--lang", "en")
    assert english["language"] == "en"
    assert not HANGUL.search(json.dumps(english["cells"], ensure_ascii=False))
    (tmp_path / "course.toml").write_text('language = "ko"\n', encoding="utf-8")
    korean = run(cwd=tmp_path)  # no --lang: the course table where the command runs
    sigmoid = next(c for c in korean["cells"] if c["grade_id"] == "test_sigmoid")
    assert korean["language"] == "ko" and "예외가 났습니다" in sigmoid["messages"][0]
    assert [c["score"] for c in korean["cells"]] == [c["score"] for c in english["cells"]]
