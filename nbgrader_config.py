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

# A test cell a student deleted is put back (and graded), not silently lost.
c.OverwriteCells.add_missing_cells = True

# Autograde: the hidden suites decide each test cell's score, in place of
# nbgrader's Execute (no kernel runs student code in nbgrader's process).
# The rest is nbgrader's default pipeline.
c.Autograde.autograde_preprocessors = [
    "autograder.nbgrader_plugin.GradeWithHiddenSuites",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
