"""What ``nbgrader_config.py`` names: the kit's steps inside nbgrader's own pipeline.

``hidden_suites`` (the grading step that replaces Execute, and the
metadata repair before nbgrader's checks), ``late_penalty`` (each week's
late policy from the course table) and ``worker_results`` (the grading
step of the gradebook writer, fed by what the grading worker found).
"""
