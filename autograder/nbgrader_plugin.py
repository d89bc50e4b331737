"""Kept for course folders made before the kit's packages were split.

Their ``nbgrader_config.py`` names ``autograder.nbgrader_plugin.*``; the
steps now live in :mod:`autograder.nbgrader_plugins.hidden_suites`.
"""

from .nbgrader_plugins.hidden_suites import GradeWithHiddenSuites, RepairCellMetadata

__all__ = ["GradeWithHiddenSuites", "RepairCellMetadata"]
