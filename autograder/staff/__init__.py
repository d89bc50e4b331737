"""The course staff's work in a course folder: release, collect, grade, give feedback, report.

``commands`` (the staff commands), ``release`` (a week by its date, behind
the gate), ``exchange`` (nbgrader's exchange and the LMS), ``grade`` (a
class in parallel), ``writer`` (storing a submission through nbgrader), ``gradebook``
(reading it back), ``feedback``, ``exports`` (CSV) and ``class_report``.
"""
