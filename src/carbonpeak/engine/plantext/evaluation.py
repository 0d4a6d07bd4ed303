r"""Scoring the parser against hand-written expected outputs: department F1 and target F1.

A department assignment is the triple (task title, role, registry name) with role
"lead" or "cooperating"; a target is the triple (digits as written, unit, year). Both are
compared as multisets:

.. math::

    P = \frac{|E \cap F|}{|F|}, \quad R = \frac{|E \cap F|}{|E|}, \quad F_1 = \frac{2PR}{P + R}

where :math:`E` are the expected items and :math:`F` the items the parser found.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from .model import ParsedPlan

__all__ = ["Score", "department_items", "score", "target_items"]


@dataclass(frozen=True)
class Score:
    """Matched, expected and found counts with precision, recall and F1 (all in [0, 1])."""

    matched: int
    expected: int
    found: int

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else (1.0 if not self.expected else 0.0)

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Score) -> Score:
        return Score(self.matched + other.matched, self.expected + other.expected, self.found + other.found)


def department_items(tasks: list[tuple[str, list[str], list[str]]]) -> Counter[tuple[str, str, str]]:
    """(title, role, name) for every unit of every task."""
    items: Counter[tuple[str, str, str]] = Counter()
    for title, lead, cooperating in tasks:
        items.update((title, "lead", name) for name in lead)
        items.update((title, "cooperating", name) for name in cooperating)
    return items


def target_items(targets: list[tuple[str, str, int | None]]) -> Counter[tuple[str, str, int | None]]:
    """(digits, unit, year) for every target."""
    return Counter((value, unit, year) for value, unit, year in targets)


def _score(expected: Counter[Any], found: Counter[Any]) -> Score:
    return Score(sum((expected & found).values()), sum(expected.values()), sum(found.values()))


def score(plan: ParsedPlan, expected: dict[str, Any]) -> tuple[Score, Score]:
    """Department and target scores of a parsed plan against an expected-output dictionary.

    Parameters
    ----------
    plan : ParsedPlan
        The parser's result.
    expected : dict
        ``{"tasks": [[title, [lead…], [cooperating…]], …], "targets": [[digits, unit, year], …]}``.

    Returns
    -------
    (Score, Score)
        Department score, target score.
    """
    found_tasks = [(t.title, t.lead, t.cooperating) for t in plan.tasks]
    expected_tasks = [(title, list(lead), list(coop)) for title, lead, coop in expected["tasks"]]
    found_targets = [(t.value_text, t.unit, t.year) for t in plan.targets]
    expected_targets = [(str(v), str(u), y) for v, u, y in expected["targets"]]
    return (
        _score(department_items(expected_tasks), department_items(found_tasks)),
        _score(target_items(expected_targets), target_items(found_targets)),
    )
