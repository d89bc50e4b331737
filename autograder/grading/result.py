"""What grading one notebook found: per test cell, the score and the student-facing messages.

These plain records are what a grading worker hands back, what the store
keeps on disk (:mod:`autograder.grading.store`) and what the one-notebook
command prints as the grading JSON of ``CURRICULUM.md``.
"""

import dataclasses
import json

from ..texts import DEFAULT, domain, render

_ = domain("grading")


@dataclasses.dataclass
class CellResult:
    grade_id: str
    score: float
    max_score: float
    passed: int
    failed: int
    messages: list  # one per mistake, in the order of ``mistakes``
    # each distinct mistake the failed checks point to, once: {"id": "sigmoid.dtype", "checks": 2, "message": ...}
    mistakes: list = dataclasses.field(default_factory=list)

    def summary(self, lang: str = DEFAULT) -> str:
        """The text shown under the test cell in the feedback notebook (``lang``: that of the messages)."""
        header = _("{cell}: {passed} of {total} hidden checks passed ({score:g} / {points:g} points)",
                   cell=self.grade_id, passed=self.passed, total=self.passed + self.failed, score=self.score,
                   points=self.max_score)
        lines = render(header, lang).splitlines()
        lines += [f"  - {message}".replace("\n", "\n    ") for message in self.messages]
        return "\n".join(lines) + "\n"


@dataclasses.dataclass
class NotebookResult:
    assignment: str
    student: str
    cells: list
    problems: list = dataclasses.field(default_factory=list)  # notebook-level, student-facing
    language: str = DEFAULT  # the language of every message: "ko", "en" or "both"

    @property
    def score(self) -> float:
        return round(sum(cell.score for cell in self.cells), 2)

    @property
    def max_score(self) -> float:
        return round(sum(cell.max_score for cell in self.cells), 2)

    def cell(self, grade_id: str) -> CellResult:
        return next(cell for cell in self.cells if cell.grade_id == grade_id)

    def to_dict(self) -> dict:
        data = {"assignment": self.assignment, "student": self.student, "language": self.language,
                "score": self.score, "max_score": self.max_score,
                "cells": [dataclasses.asdict(cell) for cell in self.cells]}
        if self.problems:
            data["problems"] = self.problems
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1)


def from_dict(data: dict) -> NotebookResult:
    """A :class:`NotebookResult` back from its ``to_dict()``."""
    cells = [CellResult(**cell) for cell in data["cells"]]
    return NotebookResult(data["assignment"], data["student"], cells, list(data.get("problems", [])),
                          data.get("language", DEFAULT))
