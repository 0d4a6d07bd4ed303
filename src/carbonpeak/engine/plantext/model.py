"""Result types of the plan parser: plain dataclasses, JSON-ready through ``to_dict``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ParsedAction", "ParsedPlan", "ParsedTarget", "ParsedTask", "PlanParseError"]


class PlanParseError(ValueError):
    """A document that cannot be read, or holds nothing of the carbon-peak plan genre.

    The message is in Simplified Chinese and names the file where there is one.
    """


@dataclass
class ParsedTask:
    """A task (任务) of an action.

    Attributes
    ----------
    code : str
        "<action number>.<task number>", e.g. "2.3".
    number : int
        The task's position within its action, counting from 1 (equal to the written
        number in plans that restart numbering in each action).
    title : str
        The task's heading: the first sentence, without the marker ("推动工业绿色低碳转型").
    text : str
        The full verbatim text of the task without its leading number ("1."), including its
        department bracket or "牵头单位：" lines; paragraphs joined by newlines.
    lead : list of str
        Lead departments (牵头), registry names in written order.
    cooperating : list of str
        Cooperating departments (配合, 按职责分工负责, 参加 ...), registry names in
        written order, including units carried forward by a "以下任务均需…配合" clause.
    """

    code: str
    number: int
    title: str
    text: str
    lead: list[str] = field(default_factory=list)
    cooperating: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "number": self.number,
            "title": self.title,
            "text": self.text,
            "lead": list(self.lead),
            "cooperating": list(self.cooperating),
        }


@dataclass
class ParsedAction:
    """An action (行动) of the plan with its tasks; ``number`` counts from 1 in document order."""

    number: int
    title: str
    tasks: list[ParsedTask] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "title": self.title, "tasks": [t.to_dict() for t in self.tasks]}


@dataclass
class ParsedTarget:
    """A quantitative commitment (目标) written in the plan.

    Attributes
    ----------
    indicator : str
        The subject of the clause, e.g. "新能源装机容量".
    value : float
        The number as a float [unit].
    value_text : str
        The digits as written, e.g. "39.00".
    unit : str
        The unit as written, e.g. "万千瓦", "%"; "" when none is written.
    comparator : str
        ">=" (以上/不低于/达到 …), "<=" (不超过/以内/以下 …) or "=" (稳定在/保持在/为/左右).
    year : int or None
        The target year from the nearest preceding "到20XX年" clause; None for a standing
        requirement.
    scope : str or None
        The area or domain qualifier ("全县", "城区", "公共领域"), when written.
    quote : str
        The verbatim clause, from its year clause (when in the same sentence) to the value.
    task_code : str or None
        The task whose text holds the target; None in the 主要目标 section.
    section : str or None
        The heading of the section or action the target was found in.
    value_max : float or None
        The upper end of a range ("58%—60%": value 58, value_max 60) [unit]; None otherwise.
    stretch : bool
        A 力争/争取 (stretch) value rather than a firm commitment. Written next to a firm
        value of the same indicator ("达到20%，力争达到22%"), its indicator carries
        "（力争）" so the two stay two targets.
    """

    indicator: str
    value: float
    value_text: str
    unit: str
    comparator: str
    year: int | None
    scope: str | None
    quote: str
    task_code: str | None
    section: str | None = None
    value_max: float | None = None
    stretch: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "value": self.value,
            "value_text": self.value_text,
            "unit": self.unit,
            "comparator": self.comparator,
            "year": self.year,
            "scope": self.scope,
            "quote": self.quote,
            "task_code": self.task_code,
            "section": self.section,
            "value_max": self.value_max,
            "stretch": self.stretch,
        }


@dataclass
class ParsedPlan:
    """A carbon-peak implementation plan as structured data.

    ``warnings`` lists, in Chinese, what the parser could not recognise or had to assume.
    """

    title: str
    document_number: str | None = None
    issuer: str | None = None
    issued_on: datetime.date | None = None
    goals: list[str] = field(default_factory=list)
    actions: list[ParsedAction] = field(default_factory=list)
    targets: list[ParsedTarget] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def tasks(self) -> list[ParsedTask]:
        """All tasks in document order."""
        return [task for action in self.actions for task in action.tasks]

    def to_dict(self) -> dict[str, Any]:
        """The plan in the JSON shape of ``carbonpeak plan parse --json``."""
        return {
            "title": self.title,
            "document_number": self.document_number,
            "issuer": self.issuer,
            "issued_on": self.issued_on.isoformat() if self.issued_on else None,
            "goals": list(self.goals),
            "actions": [a.to_dict() for a in self.actions],
            "targets": [t.to_dict() for t in self.targets],
            "warnings": list(self.warnings),
        }
