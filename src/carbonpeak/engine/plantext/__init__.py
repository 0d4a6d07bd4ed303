"""Plan-document parser: a carbon-peak implementation plan (碳达峰实施方案) -> structured plan.

Public interface::

    read_document(path) -> str
    parse_plan(text, *, registry=None) -> ParsedPlan

Modules, one per concept: :mod:`.reading` (files and encodings), :mod:`.normalize`
(traditional characters, punctuation width, web noise, stray line breaks),
:mod:`.structure` (headings, action and task levels), :mod:`.assignments`
(lead and cooperating departments), :mod:`.targets` (quantitative targets and
goals), :mod:`.header` (title, 文号, issuer, date), :mod:`.parser` (the whole).
"""

from .model import ParsedAction, ParsedPlan, ParsedTarget, ParsedTask, PlanParseError
from .parser import parse_plan
from .reading import read_document

__all__ = [
    "ParsedAction",
    "ParsedPlan",
    "ParsedTarget",
    "ParsedTask",
    "PlanParseError",
    "parse_plan",
    "read_document",
]
