"""The kit's feedback exporter (faster) writes the page nbconvert writes: the same elements, the same attributes."""

import base64

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbconvert.exporters import HTMLExporter

from autograder.nbgrader_plugins.offline_feedback import FeedbackHTMLExporter

PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f80f0000010101005d0a2db40000000049454e44ae426082")).decode()


def _with_images_and_lookalikes(nb):
    nb = nbformat.from_dict(nb)
    plot = nbformat.v4.new_code_cell("plot()", outputs=[nbformat.v4.new_output(
        "display_data", data={"image/png": PNG, "text/plain": "<Figure>"})])
    nb.cells += [
        plot,
        nbformat.v4.new_markdown_cell(f'A figure: <img src="data:image/png;base64,{PNG}" alt="the lecture\'s figure">'
                                      f' and one without <img src="data:image/png;base64,{PNG}"/>'),
        # what looks like the markup edited, as text: it must stay as it is
        nbformat.v4.new_markdown_cell('`<div class="jp-OutputArea-output">` and <code>&lt;img src=x&gt;</code>'),
        nbformat.v4.new_code_cell('print(\'<div class="jp-Cell-inputWrapper">\')', outputs=[nbformat.v4.new_output(
            "stream", name="stdout", text='<div class="jp-Cell-inputWrapper"><img src=x>\n')]),
    ]
    return nb


@pytest.mark.parametrize("notebook", ["reference", "images and look-alikes"])
def test_every_page_is_the_page_nbconvert_writes(reference_release, notebook):
    nb = nbformat.read(reference_release, as_version=4)
    if notebook != "reference":
        nb = _with_images_and_lookalikes(nb)
    expected, _ = HTMLExporter().from_notebook_node(nb)
    assert expected.count('tabindex="0"') > 10 and (notebook == "reference" or "No description has been" in expected)
    for _again in range(2):  # templates compiled, then from the kept code
        html, _ = FeedbackHTMLExporter().from_notebook_node(nb)
        # nbconvert writes the page out through BeautifulSoup; the kit's, read by it, is that page
        assert str(BeautifulSoup(html, features="html.parser")) == expected
