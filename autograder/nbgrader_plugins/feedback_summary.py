"""The kit's per-exercise summary, inside what nbgrader itself makes.

Two steps in the course's ``nbgrader_config.py``:

* :class:`NoteForStaff`, the last of ``Autograde.autograde_preprocessors``:
  a note at the top of the autograded notebook, which Formgrader shows
  above the submission: the late penalty nbgrader just stored (Formgrader's
  score columns are before it) and what went wrong at start-up;
* :class:`ExerciseSummary`, after ``GetGrades`` in
  ``GenerateFeedback.preprocessors``: in place of that note, the student's
  summary (per exercise: points after manual grades, the late penalty, the
  total, each message once), from the gradebook as nbgrader reads it, plus
  ``summary.txt`` beside the HTML.

So ``nbgrader generate_feedback --force``, Formgrader's Generate Feedback
and a manual grade all give the same summary, and ``release_feedback``
hands it to students inside the HTML.

What the grading step found (messages, start-up problems) travels in the
autograded notebook's metadata (``metadata.dlkit``, written by
:func:`~autograder.nbgrader_plugins.hidden_suites.write_results`): only
student-facing text, already filtered of hidden material.
"""

import html

from nbformat.v4 import new_markdown_cell
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor

from .. import texts
from ..course import weeks
from ..errors import KitError

_ = texts.domain("staff")
ROLE = "dlkit"  # cell metadata key: "staff-note" or "summary"


def findings(nb):
    """``(problems, {grade_id: [message]}, language)`` the grading step left in ``nb``."""
    found = nb.metadata.get(ROLE, {})
    return (list(found.get("problems", [])), {k: list(v) for k, v in found.get("messages", {}).items()},
            found.get("language", texts.DEFAULT))


def _without_kit_cells(nb):
    nb.cells = [cell for cell in nb.cells if ROLE not in cell.get("metadata", {})]


def kit_cell(role, text):
    """A markdown cell the kit adds (``role``: what for), marked so later steps tell it from the student's."""
    cell = new_markdown_cell(text)
    cell.metadata[ROLE] = role
    return cell


def _text(value):
    """Student-facing text, safe inside markdown rendered as HTML (no tags, no MathJax)."""
    return html.escape(str(value)).replace("$", "&#36;").replace("\n", "<br>")


class NoteForStaff(NbGraderPreprocessor):
    """Formgrader's view of a submission starts with the late penalty and start-up problems."""

    def preprocess(self, nb, resources):
        _without_kit_cells(nb)
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            try:
                notebook = gb.find_submission_notebook(info["notebook"], info["assignment"], info["student"])
            except MissingEntry:
                return nb, resources
            score, maximum = float(notebook.score), float(notebook.max_score)
            penalty = float(notebook.late_submission_penalty or 0)
            late = float(notebook.assignment.total_seconds_late or 0)
        problems, _messages, lang = findings(nb)
        if late > 0:
            when = _("handed in {hours:.1f} h after the due date: late penalty **-{penalty:g}** points, so "
                     "{final:g} / {points:g} (Formgrader's score columns are before the penalty)",
                     hours=late / 3600, penalty=penalty, final=max(0.0, score - penalty), points=maximum)
        else:
            when = _("on time: {score:g} / {points:g}", score=score, points=maximum)
        lines = [_in(lang, _("**Course kit, for the course staff** (students see their own summary in the "
                             "feedback)")), "", f"- {_in(lang, when)}"]
        lines += [f"- ! {_text(problem)}" for problem in problems]
        nb.cells.insert(0, kit_cell("staff-note", "\n".join(lines)))
        return nb, resources


class ExerciseSummary(NbGraderPreprocessor):
    """The student's summary at the top of the feedback, and ``summary.txt`` beside it."""

    def preprocess(self, nb, resources):
        _without_kit_cells(nb)
        info = resources["nbgrader"]
        try:
            week = weeks.week(info["assignment"])
        except KitError:  # not one of the kit's weeks: nbgrader's feedback alone
            return nb, resources
        problems, messages, lang = findings(nb)
        rows = []  # (exercise, score or None, points, [message])
        for exercise in week.exercises:
            graded = [cell.metadata["nbgrader"] for cell in nb.cells
                      if cell.get("metadata", {}).get("nbgrader", {}).get("grade")
                      and week.exercise_of(cell.metadata["nbgrader"].get("grade_id", "")) == exercise]
            if not graded:
                continue
            scores = [meta.get("score") for meta in graded]
            said = dict.fromkeys(m for meta in graded for m in messages.get(meta["grade_id"], []))
            rows.append((exercise, None if None in scores else sum(scores),
                         sum(float(meta.get("points", 0)) for meta in graded), list(said)))
        total, maximum = float(info.get("score", 0)), float(info.get("max_score", 0))
        penalty = float(info.get("late_penalty", 0) or 0)
        nb.cells.insert(0, kit_cell("summary", _markdown(week, total, maximum, penalty, problems, rows, lang)))
        resources.setdefault("outputs", {})["summary.txt"] = \
            _plain(week, info["student"], total, maximum, penalty, problems, rows, lang).encode("utf-8")
        return nb, resources


def _points(score, lang):
    return texts.render(_("not graded yet"), lang) if score is None else f"{score:g}"


def _in(lang, text):
    """``text`` in ``lang``, on one line (for ``both``: Korean · English), safe in markdown."""
    return _text(texts.render(text, lang).replace("\n", " · "))


def _markdown(week, total, maximum, penalty, problems, rows, lang):
    late = _in(lang, _("late submission: -{penalty:g}", penalty=penalty)) if penalty else ""
    title, columns = _in(lang, _("Grading summary")), [_("exercise"), _("points"), _("what to fix")]
    lines = [f"## {title}: {_text(week.id)} ({_text(week.title)})", "",
             f"**{total:g} / {maximum:g}**" + (f" ({late})" if late else ""), ""]
    lines += [f"- ! {_text(problem)}" for problem in problems]
    lines += ["", "<table><tr>" + "".join(f"<th>{_in(lang, column)}</th>" for column in columns) + "</tr>"]
    for exercise, score, points, said in rows:
        fixes = "<br>".join(f"• {_text(m)}" for m in said) or "✓"
        lines.append(f"<tr><td><code>{_text(exercise)}</code></td><td>{_points(score, lang)} / {points:g}</td>"
                     f"<td style=\"white-space: normal\">{fixes}</td></tr>")
    lines.append("</table>")
    return "\n".join(lines)


def _plain(week, student, total, maximum, penalty, problems, rows, lang):
    lines = [f"{week.id} — {week.title}",
             texts.render(_("{student}: {score:g} / {points:g} points", student=student, score=total,
                            points=maximum), lang)]
    if penalty:
        lines.append(texts.render(_("late submission: -{penalty:g} points (included)", penalty=penalty), lang))
    lines.append("")
    lines += [f"! {problem}" for problem in problems]
    for exercise, score, points, said in rows:
        lines.append(f"{exercise}: {_points(score, lang)} / {points:g}")
        lines += [f"  - {m}".replace("\n", "\n    ") for m in said]
    return "\n".join(lines) + "\n"
