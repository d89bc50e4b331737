"""The class report of one week: one HTML file that opens offline.

``reports/<week>-report.html``: the score distribution (overall and per
exercise, inline SVG histograms, :mod:`autograder.staff.histogram`), the
most common mistakes (by id) with how many students made each, late
submissions, and the students whose grading had errors. Scores are read
from nbgrader's gradebook; messages from the stored grading results. Every
text a student could influence is HTML-escaped. The report is in the
course table's ``language`` (the plots carry exercise names and numbers).
"""

import html
import statistics

from .. import texts
from ..course import calendar, weeks
from ..grading import store
from .exports import mistake_counts
from .gradebook import cell_scores, submissions
from .histogram import histogram_svg

_ = texts.domain("staff")
TOP_MISTAKES = 15
STYLE = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}
th{background:#f3f3f3}td.n{text-align:right}.muted{color:#777}
.plots{display:flex;flex-wrap:wrap;gap:.5em}.plots svg{max-width:100%;height:auto}"""


def write(folder, week_id):
    """Write the report; returns its path."""
    folder.reports.mkdir(exist_ok=True)
    path = folder.reports / f"{week_id}-report.html"
    path.write_text(build(folder, week_id), encoding="utf-8")
    return path


def build(folder, week_id):
    week = weeks.week(week_id)
    subs = submissions(folder, week_id)
    scores = cell_scores(folder.db_url, week_id, week.notebook)
    stored = store.load_all(folder.results(week_id))
    per_exercise = _per_exercise(week, scores)
    totals = [s.score for s in subs.values()]
    finals = [max(0.0, s.score - s.late_penalty) for s in subs.values()]
    say = _sayer(folder.table.language)
    made = calendar.now().astimezone().strftime("%Y-%m-%d %H:%M")
    parts = [f"<h1>{_e(week_id)} — {_e(week.title)}</h1>",
             "<p class=muted>" + say(_("{count} submissions in the gradebook, {points:g} points; report made {when}",
                                       count=len(subs), points=week.max_score, when=made)) + "</p>"]
    if totals:
        parts.append(_table([say(_("mean")), say(_("median")), say(_("min")), say(_("max")), say(_("full marks")),
                             say(_("mean after late penalties"))],
                            [[f"{statistics.mean(totals):.2f}", f"{statistics.median(totals):g}",
                              f"{min(totals):g}", f"{max(totals):g}",
                              str(sum(t >= week.max_score for t in totals)), f"{statistics.mean(finals):.2f}"]]))
        parts += ["<h2>" + say(_("Score distribution")) + "</h2>", _plot_totals(totals, week.max_score),
                  _plot_exercises(per_exercise), _exercise_table(per_exercise, say)]
    sections = [(_("Most common mistakes"), _mistakes_table(stored, say)),
                (_("Late submissions"), _late_table(subs, say)),
                (_("Students with errors"), _errors_table(folder, week_id, subs, stored, say)),
                (_("Every student"), _students_table(week, subs, per_exercise, say))]
    parts += [f"<h2>{say(heading)}</h2>{body}" for heading, body in sections]
    title = say(_("{week} class report", week=week_id))
    return (f"<!doctype html><html><head><meta charset=utf-8><title>{title}</title>"
            f"<style>{STYLE}</style></head><body>{''.join(parts)}</body></html>")


def _sayer(lang):
    """``say(text)``: a Text in the report's language, on one line, HTML-escaped."""
    return lambda text: _e(texts.render(text, lang).replace("\n", " · "))


def _per_exercise(week, scores):
    """``{exercise: (max_points, {student: points})}`` in notebook order."""
    table = {}
    for cell in week.test_cells:
        exercise = week.exercise_of(cell.grade_id) or cell.grade_id
        maximum, points = table.get(exercise, (0.0, {}))
        for student, row in scores.items():
            score = row.get(cell.grade_id, (None, 0))[0]
            points[student] = points.get(student, 0.0) + (score or 0.0)
        table[exercise] = (maximum + cell.points, points)
    return table


def _plot_totals(totals, max_score):
    bins = min(20, max(5, len(set(totals))))
    return f"<div class=plots>{histogram_svg(totals, 0, max_score, bins)}</div>"


def _plot_exercises(per_exercise):
    """One small histogram per exercise, side by side."""
    plots = [histogram_svg(list(points.values()), 0, maximum, 10, title=exercise, color="#6a9f58",
                           width=340, height=180)
             for exercise, (maximum, points) in per_exercise.items()]
    return f"<div class=plots>{''.join(plots)}</div>"


def _exercise_table(per_exercise, say):
    rows = []
    for exercise, (maximum, points) in per_exercise.items():
        values = list(points.values())
        rows.append([exercise, f"{maximum:g}", f"{statistics.mean(values):.2f}" if values else "-",
                     f"{sum(v >= maximum for v in values)}", f"{sum(0 < v < maximum for v in values)}",
                     f"{sum(v == 0 for v in values)}"])
    return _table([say(_("exercise")), say(_("points")), say(_("mean")), say(_("full")), say(_("partial")),
                   say(_("zero"))], rows)


def _mistakes_table(stored, say):
    """One row per mistake id: how many students made it, and what they were told."""
    counts = mistake_counts(stored)
    if not counts:
        return "<p>" + say(_("No mistakes.")) + "</p>"
    rows = [[str(row["students"]), row["mistake"], row["message"]] for row in counts[:TOP_MISTAKES]]
    return _table([say(_("students")), say(_("mistake")), say(_("what they were told (one of them)"))], rows)


def _late_table(subs, say):
    late = sorted((s for s in subs.values() if s.seconds_late > 0), key=lambda s: -s.seconds_late)
    if not late:
        return "<p>" + say(_("No late submissions.")) + "</p>"
    rows = [[s.student, f"{s.timestamp:%Y-%m-%d %H:%M} UTC" if s.timestamp else "-",
             f"{s.seconds_late / 3600:.1f} h", f"-{s.late_penalty:g}"] for s in late]
    return _table([say(_("student")), say(_("handed in")), say(_("late by")), say(_("penalty"))], rows)


def _errors_table(folder, week_id, subs, stored, say):
    rows = []
    for student in folder.submissions(week_id):
        entry = stored.get(student)
        if student not in subs:
            rows.append([student, texts.render(_("not in the gradebook (was it graded?)"), folder.table.language)])
        if entry is None:
            continue
        if entry.error:
            rows.append([student, entry.error])
        elif entry.result is not None and entry.result.problems:
            rows.append([student, "; ".join(entry.result.problems)])
    return _table([say(_("student")), say(_("error"))], rows) if rows else "<p>" + say(_("No errors.")) + "</p>"


def _students_table(week, subs, per_exercise, say):
    header = [say(_("student")), *map(_e, per_exercise), say(_("total")), say(_("late penalty")), say(_("final"))]
    rows = [[s.student, *(f"{points.get(s.student, 0):g}" for _points, points in per_exercise.values()),
             f"{s.score:g}", f"-{s.late_penalty:g}" if s.late_penalty else "",
             f"{max(0.0, s.score - s.late_penalty):g}"]
            for s in sorted(subs.values(), key=lambda s: s.student)]
    summary = say(_("{count} students", count=len(rows)))
    return f"<details><summary>{summary}</summary>{_table(header, rows)}</details>"


def _table(header, rows):
    """``header``: cells already escaped; ``rows``: plain values, escaped here."""
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(_td(v) for v in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _td(value):
    text = str(value)
    numeric = text.replace(".", "", 1).lstrip("-").isdigit()
    return f"<td class=n>{_e(text)}</td>" if numeric else f"<td>{_e(text)}</td>"


def _e(text):
    return html.escape(str(text))
