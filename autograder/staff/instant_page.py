"""The page a student fetches a moment after submitting (``dlkit serve``): one offline HTML file.

Per exercise, what to fix (each mistake once, as the grading JSON says
it), the notebook's problems, and the points where the week's policy shows
them before the due date (``instant.before_due``); or, for a submission over
the attempt limit, when the next feedback comes. In the course's language;
never test code (the messages are the graded result's, already checked by
the gate to quote none).
"""

import html

from .. import texts

_ = texts.domain("staff")
COUNTS = _("The grade that counts is that of your last submission, graded after the due date.")
STYLE = ("body{font-family:system-ui,sans-serif;max-width:900px;margin:2em auto;color:#222}"
         "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;"
         "vertical-align:top;white-space:pre-wrap}th{background:#f3f3f3}.muted{color:#666}")


def graded(week, seen, result, show_scores: bool, attempts_left, lang: str) -> str:
    """The feedback on the submission seen at ``seen`` (``result``: its NotebookResult;
    ``attempts_left``: a Text saying how many feedbacks are left, or None)."""
    say = _sayer(lang)
    rows = []
    for exercise in week.exercises:
        mine = [c for c in result.cells if week.exercise_of(c.grade_id) == exercise]
        said = list(dict.fromkeys(m for c in mine for m in c.messages))
        points = f"{sum(c.score for c in mine):g} / {sum(c.max_score for c in mine):g}" if show_scores else ""
        fixes = "\n".join(f"• {m}" for m in said) if said else "✓"
        rows.append([f"<code>{html.escape(exercise)}</code>", html.escape(points), html.escape(fixes)])
    columns = [_("exercise"), _("points"), _("what to fix")] if show_scores else [_("exercise"), _("what to fix")]
    rows = [row if show_scores else [row[0], row[2]] for row in rows]
    total = say(_("Score: {score:g} / {points:g}", score=result.score, points=result.max_score)) if show_scores \
        else say(_("Points are shown after the due date; what to fix is below."))
    body = [f"<h1>{html.escape(week.id)} — {html.escape(week.title)}</h1>",
            "<p class=muted>" + say(_("Feedback on your submission of {when}", when=_when(seen))) + "</p>",
            f"<p><b>{total}</b></p>"]
    body += [f"<p>! {html.escape(problem)}</p>" for problem in result.problems]
    body.append("<table><tr>" + "".join(f"<th>{say(c)}</th>" for c in columns) + "</tr>"
                + "".join("<tr>" + "".join(f"<td>{v}</td>" for v in row) + "</tr>" for row in rows) + "</table>")
    body.append("<p class=muted>" + say(COUNTS) + (" " + say(attempts_left) if attempts_left else "") + "</p>")
    return _page(week, body, lang)


def over_limit(week, seen, next_at, rule, lang: str) -> str:
    """No feedback now: the submission is kept; when the next feedback comes."""
    say = _sayer(lang)
    count, seconds = rule
    body = [f"<h1>{html.escape(week.id)} — {html.escape(week.title)}</h1>",
            "<p>" + say(_("Your submission of {when} is kept and counts, but you have had {count} feedbacks in the "
                          "last {window}: the next feedback comes for a submission from {next} on.",
                          when=_when(seen), count=count, window=window(seconds), next=_when(next_at))) + "</p>",
            "<p class=muted>" + say(COUNTS) + "</p>"]
    return _page(week, body, lang)


def failed(week, seen, lang: str) -> str:
    """The submission could not be graded now (a grader-side failure, logged for the staff)."""
    say = _sayer(lang)
    body = [f"<h1>{html.escape(week.id)} — {html.escape(week.title)}</h1>",
            "<p>" + say(_("Your submission of {when} could not be graded just now (a problem of the grader's, not "
                          "your code; your instructor has been told). It is kept and graded after the due date.",
                          when=_when(seen))) + "</p>"]
    return _page(week, body, lang)


def _when(moment):
    return moment.strftime("%Y-%m-%d %H:%M %Z").strip()


def window(seconds) -> texts.Text:
    return {60.0: _("minute"), 3600.0: _("hour"), 86400.0: _("day"), 604800.0: _("week")}.get(
        seconds, _("{seconds:g} seconds", seconds=seconds))


def _page(week, body, lang):
    language = "ko" if lang != "en" else "en"
    return (f"<!doctype html><html lang={language}><head><meta charset=utf-8><title>{html.escape(week.id)}</title>"
            f"<style>{STYLE}</style></head><body>{''.join(body)}</body></html>\n")


def _sayer(lang):
    return lambda text: html.escape(texts.render(text, lang)).replace("\n", "<br>")
