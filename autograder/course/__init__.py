"""The ground every other part stands on: what the course is.

``table`` (course.toml, the one reader), ``weeks`` (each week's files and
graded cells), ``cells`` (telling notebook cells apart), ``calendar``
(release dates, and the one clock), ``folder`` (a course folder's layout)
and ``nbgrader_cli`` (running nbgrader's commands).
"""
