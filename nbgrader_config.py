"""nbgrader configuration of the course kit (one place for every key).

The course folder is the folder nbgrader runs in (``CourseDirectory.root``
defaults to the current directory): ``source/``, ``release/``,
``submitted/``, ``autograded/``, ``feedback/`` and ``gradebook.db`` there.
"""

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

# Which course the gradebook rows belong to.
c.CourseDirectory.course_id = "dl-from-scratch"

# Files never copied into a release or graded: caches, checkpoints.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".DS_Store"]

# What replaces a solution block in the student release.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE (여기에 코드를 작성하세요)\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE (여기에 답을 쓰세요)"

# Sanitising a submission: nbgrader's steps, after the kit repairs cell
# metadata (nbgrader aborts the WHOLE batch on one notebook with duplicated
# or hand-edited nbgrader metadata). The metadata check is nbgrader's, its
# schema checked once per process instead of once per cell.
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "autograder.nbgrader_plugins.hidden_suites.RepairCellMetadata",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "autograder.nbgrader_plugins.metadata_check.CheckCellMetadata",
]

# Autograde: the hidden suites decide each test cell's score, in place of
# nbgrader's Execute (no kernel runs student code in nbgrader's process).
# The rest is nbgrader's default pipeline, except that a reviewed manual
# grade stays reviewed when its cell's automatic score is unchanged, the
# autograded notebook starts with a note for Formgrader (late penalty,
# start-up problems), and the metadata check is the one above.
c.Autograde.autograde_preprocessors = [
    "autograder.nbgrader_plugins.hidden_suites.GradeWithHiddenSuites",
    "nbgrader.preprocessors.LimitOutput",
    "autograder.nbgrader_plugins.manual_grades.SaveAutoGradesKeepingReviews",
    "nbgrader.preprocessors.AssignLatePenalties",
    "autograder.nbgrader_plugins.feedback_summary.NoteForStaff",
    "autograder.nbgrader_plugins.metadata_check.CheckCellMetadata",
]

# nbconvert checks a notebook against the nbformat schema once, after the last
# step of autograde, sanitising and feedback, not again after every step: a
# sixth of storing a submission, for a check whose outcome is the same.
c.Exporter.optimistic_validation = True

# Feedback (generate_feedback, Formgrader's button): nbgrader's, with the
# kit's per-exercise summary at the top (scores after manual grades and the
# late penalty) and summary.txt beside the HTML; readable offline (formulas
# as MathML, no score outputs, wrapped messages).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "autograder.nbgrader_plugins.feedback_summary.ExerciseSummary",
    "autograder.nbgrader_plugins.offline_feedback.OfflineFeedback",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
# nbconvert's HTML exporter, made faster: its templates compiled once per process, not
# per student, and no second parse of the whole page (the same page)
c.GenerateFeedback.exporter_class = "autograder.nbgrader_plugins.offline_feedback.FeedbackHTMLExporter"

# Only weeks the kit released, after their gate, reach the exchange:
# `nbgrader release_assignment` and Formgrader's Release button check the
# kit's release record (.dlkit/released/<week>.json) first.
c.ExchangeFactory.release_assignment = "autograder.nbgrader_plugins.release_guard.GatedReleaseAssignment"

# --- The TA workflow (python -m autograder release / collect / grade) ------
import os  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))  # the course folder

# The local exchange (release_assignment, fetch_assignment, submit, collect)
# lives inside the course folder, so it works without root; nbgrader's
# default, /srv/nbgrader/exchange, is not writable by normal users.
# Students on the same machine pass the same path: --Exchange.root=<this>.
c.Exchange.root = os.path.join(HERE, "exchange")

# Late work is marked by each week's `late_policy` in the course table.
c.AssignLatePenalties.plugin_class = "autograder.nbgrader_plugins.late_penalty.CourseTableLatePenalty"
c.CourseTableLatePenalty.table = os.path.join(HERE, "course.toml")

# `nbgrader zip_collect` (an LMS download): every file is named
#   <student_id>_<YYYYMMDDTHHMMSS+0900>_<notebook>.ipynb
# e.g. alice_20261125T143000+0900_activations.ipynb (the timestamp is when the
# student handed it in, with its UTC offset; it decides lateness).
c.FileNameCollectorPlugin.named_regexp = (
    r".*/(?P<student_id>[^/]+?)_(?P<timestamp>\d{8}T\d{6}(?:Z|[+-]\d{4})?)_"
    r"(?P<file_id>[^/]+\.ipynb)$")
