"""Feedback HTML that reads well offline, a step of ``GenerateFeedback.preprocessors``.

* formulas (``$...$``, ``$$...$$`` in markdown cells) become MathML when
  the HTML is made (latex2mathml), so they render without MathJax's CDN;
* a test cell's score output (the ``Out[ ]: 1.12`` that nbgrader's
  ``SaveAutoGrades`` reads as partial credit) is dropped: the cell's
  header already shows its points;
* the grading messages under each test cell wrap instead of running off
  the page.

:class:`FeedbackHTMLExporter` (``GenerateFeedback.exporter_class``) is
nbconvert's HTML exporter, its templates compiled once per process.
"""

import re

import jinja2
from latex2mathml.converter import convert
from nbconvert.exporters import HTMLExporter
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


class FeedbackHTMLExporter(HTMLExporter):
    """nbconvert's HTML exporter, the same HTML, its templates compiled once per process.

    nbgrader makes a new exporter, so a new Jinja environment, for every
    student's feedback, and Jinja compiled the feedback template and the
    nine it extends again each time: a third of a feedback page's time.
    Their compiled code is kept here (keyed by template and source: an
    edited template is compiled again).
    """

    def _create_environment(self):
        environment = super()._create_environment()
        environment.bytecode_cache = _COMPILED
        return environment


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled Jinja templates, in memory (Jinja checks each against its source's checksum)."""

    def __init__(self):
        self._code = {}

    def load_bytecode(self, bucket):
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self._code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()
