"""Feedback HTML that reads well offline, a step of ``GenerateFeedback.preprocessors``.

* formulas (``$...$``, ``$$...$$`` in markdown cells) become MathML when
  the HTML is made (latex2mathml), so they render without MathJax's CDN;
* a test cell's score output (the ``Out[ ]: 1.12`` that nbgrader's
  ``SaveAutoGrades`` reads as partial credit) is dropped: the cell's
  header already shows its points;
* the grading messages under each test cell wrap instead of running off
  the page.

:class:`FeedbackHTMLExporter` (``GenerateFeedback.exporter_class``) is
nbconvert's HTML exporter, made faster (the same page).
"""

import re

import jinja2
from latex2mathml.converter import convert
from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
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
    """nbconvert's HTML exporter: the same page, in less than half the time.

    * Templates compiled once per process: nbgrader makes a new exporter, so
      a new Jinja environment, for every student's feedback, and Jinja
      compiled the feedback template and the nine it extends each time.
      Their compiled code is kept here (keyed by template and source: an
      edited template is compiled again).
    * nbconvert's accessibility edits (alternative text on images, cells
      focusable by keyboard) made on the page's text, not by parsing the
      whole page with BeautifulSoup and writing it out again: that pass
      was most of a page's time. The page holds the same elements with
      the same attributes (``tests/test_feedback_html.py`` parses both).
    """

    def _create_environment(self):
        environment = super()._create_environment()
        environment.bytecode_cache = _COMPILED
        return environment

    def from_notebook_node(self, nb, resources=None, **kw):
        # HTMLExporter.from_notebook_node (nbconvert 7), up to its BeautifulSoup pass
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self,
                                                 resources=resources)
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        html, missing_alt = accessible(html)
        if missing_alt:
            self.log.warning("Alternative text is missing on %s image(s).", missing_alt)
        return html, resources


RAW_TEXT = re.compile(r"(<(?:script|style)\b.*?</(?:script|style)\s*>)", re.S | re.I)  # no tags inside
START_TAG = re.compile(r"<(img|div)\b[^>]*>", re.I)
CLASSES = re.compile(r'\sclass\s*=\s*"([^"]*)"')
TABINDEX = re.compile(r"""(\stabindex\s*=\s*)("[^"]*"|'[^']*'|[^\s>]+)""")
FOCUSABLE = {"jp-Cell-inputWrapper", "jp-OutputArea-output"}  # a cell's input, an output: nbconvert's choice
NO_ALT = "No description has been provided for this image"


def accessible(html):
    """``(html, images given alternative text)``: nbconvert's accessibility edits on the
    page's text. An ``<img>`` without ``alt`` gets nbconvert's text; a ``<div>`` of the
    notebook (after ``<body``) that holds a cell's input or an output becomes focusable
    (``tabindex="0"``). Tags inside ``<script>`` and ``<style>`` are text, left alone."""
    head, body_tag, body = html.partition("<body")
    missing = 0

    def edit(match, in_body):
        nonlocal missing
        tag, name = match.group(0), match.group(1).lower()
        if name == "img" and not re.search(r"\salt\s*=", tag):
            missing += 1
            return _with_attribute(tag, f'alt="{NO_ALT}"')
        classes = CLASSES.search(tag)
        if name == "div" and in_body and classes and FOCUSABLE & set(classes.group(1).split()):
            if TABINDEX.search(tag):
                return TABINDEX.sub(lambda m: m.group(1) + '"0"', tag, count=1)
            return _with_attribute(tag, 'tabindex="0"')
        return tag

    def outside_raw_text(text, in_body):
        parts = RAW_TEXT.split(text)
        parts[::2] = [START_TAG.sub(lambda m: edit(m, in_body), part) for part in parts[::2]]
        return "".join(parts)

    return outside_raw_text(head, False) + body_tag + outside_raw_text(body, bool(body_tag)), missing


def _with_attribute(tag, attribute):
    """``tag`` with ``attribute`` last (where setting it with BeautifulSoup puts it)."""
    end = -2 if tag.endswith("/>") else -1
    return f"{tag[:end].rstrip()} {attribute}{tag[end:]}"


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
