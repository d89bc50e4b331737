"""Authoring a week: ``solutions/`` → ``source/`` → the gate → ``release/``.

``solution_cells`` (the source's solution cells and lecture_lib.py, generated
from the references), ``catalogue`` (known-wrong answers), ``generate``
(nbgrader generate_assignment in a scratch course), ``gate`` (the release
gate) and ``build`` (the kit's committed release, after the gate).
"""
