"""Kept for course folders made before the kit's packages were split.

Their ``nbgrader_config.py`` names ``autograder.late_policy.*``; the plugin
now lives in :mod:`autograder.nbgrader_plugins.late_penalty`.
"""

from .nbgrader_plugins.late_penalty import CourseTableLatePenalty

__all__ = ["CourseTableLatePenalty"]
