"""The kit's feedback exporter (templates compiled once per process) writes nbconvert's very HTML."""

import nbformat
from nbconvert.exporters import HTMLExporter

from autograder.nbgrader_plugins.offline_feedback import FeedbackHTMLExporter


def test_every_page_is_the_html_nbconvert_writes(reference_release):
    nb = nbformat.read(reference_release, as_version=4)
    expected, _ = HTMLExporter().from_notebook_node(nb)
    for _again in range(2):  # compiled, then from the kept code
        html, _ = FeedbackHTMLExporter().from_notebook_node(nb)
        assert html == expected
