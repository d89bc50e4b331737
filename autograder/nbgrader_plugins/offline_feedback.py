"""Feedback HTML that reads well offline, a step of ``GenerateFeedback.preprocessors``.

* formulas (``$...$``, ``$$...$$`` in markdown cells) become MathML when
  the HTML is made (latex2mathml), so they render without MathJax's CDN;
* a test cell's score output (the ``Out[ ]: 1.12`` that nbgrader's
  ``SaveAutoGrades`` reads as partial credit) is dropped: the cell's
  header already shows its points;
* the grading messages under each test cell wrap instead of running off
  the page.
"""

import re

from latex2mathml.converter import convert
from nbgrader.preprocessors import NbGraderPreprocessor

from .feedback_summary import ROLE, kit_cell

# code (fenced or inline) is left alone; math is looked for only between it
CODE = re.compile(r"(```.*?```|`[^`\n]*`)", re.S)
DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
INLINE = re.compile(r"(?<![\\$])\$(?!\s)([^$\n]+?)(?<![\s\\])\$(?!\$)")
WRAP = ("<style>div.output_text pre, div.output_stream pre "
        "{white-space: pre-wrap; overflow-wrap: anywhere}</style>")


def mathml(markdown):
    """``markdown`` with its formulas as MathML (a formula latex2mathml cannot read stays as written)."""
    parts = CODE.split(markdown)
    for index in range(0, len(parts), 2):  # the even parts are outside code
        text = DISPLAY.sub(lambda m: _convert(m, "block"), parts[index])
        parts[index] = INLINE.sub(lambda m: _convert(m, "inline"), text)
    return "".join(parts)


def _convert(match, display):
    try:
        return convert(match.group(1).strip(), display=display)
    except Exception:  # latex2mathml's own errors have no common base: the formula stays as written
        return match.group(0)


class OfflineFeedback(NbGraderPreprocessor):
    """Formulas as MathML, no score outputs, wrapped messages."""

    def preprocess(self, nb, resources):
        for cell in nb.cells:
            if cell.cell_type == "markdown" and ROLE not in cell.get("metadata", {}):
                cell.source = mathml(cell.source)
            elif cell.cell_type == "code" and cell.get("metadata", {}).get("nbgrader", {}).get("grade"):
                cell.outputs = [out for out in cell.get("outputs", []) if out.get("output_type") != "execute_result"]
        nb.cells.insert(0, kit_cell("style", WRAP))
        return nb, resources
