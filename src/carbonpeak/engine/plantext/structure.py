"""The outline of a plan: headings by marker kind, and which levels hold actions and tasks.

Chinese official documents number their levels in a fixed order (《党政机关公文格式》
GB/T 9704-2012, 7.3.3): "一、" > "（一）" > "1." > "（1）". Plans differ in which level
carries the actions (行动) and which the tasks: a county plan usually has
"三、重点任务 / （一）…行动 / 1.…"; others make each "一、…行动" a top-level section
with "（一）" tasks. The task level is found from the document itself: the level of
the paragraphs that carry department assignments, or, in plans without any, the
level under the headings named "…行动" or under the 重点任务 section.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..departments import DepartmentRegistry
from .assignments import dept_brackets, dept_label_start
from .normalize import width_normalise

__all__ = [
    "DEPT_LINE",
    "META_LINE",
    "PLAIN_TASK",
    "Outline",
    "Paragraph",
    "ParentIndex",
    "outline",
    "paragraph_from",
]

_KINDS = [
    (0, re.compile(r"^\s*第[一二三四五六七八九十]+[章节部分篇]\s*")),
    (1, re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.,](?!\d)\s*")),
    (2, re.compile(r"^\s*[(\[][一二三四五六七八九十]+[)\]]\s*")),
    (3, re.compile(r"^\s*\d{1,2}\s*(?:[.、,](?!\d)|\)(?!\d))\s*")),
    (4, re.compile(r"^\s*(?:[(\[]\d{1,2}[)\]]|[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])\s*")),
]
PLAIN_TASK = 5  # an unnumbered paragraph that ends with its own department bracket
DEPT_LINE = 10
META_LINE = 11
_DEPT_LINE_RE = re.compile(
    r"^\s*\[?(?:牵头|责任|负责|配合|参加|参与|协同|协办|主办|主责)(?:单位|部门)\s*[\]:]"
)
_META_LINE_RE = re.compile(r"^\s*(?:完成时限|完成时间|时间进度|进度安排)\s*:")
EXCLUDED_SECTION = re.compile(
    r"总体要求|指导思想|主要目标|发展目标|工作目标|总体目标|基本原则|工作原则|保障|组织实施|组织领导|实施步骤|工作要求"
    r"|工作机制|政策措施|附件|背景|现状|形势"
)
GOAL_SECTION = re.compile(r"主要目标|发展目标|工作目标|总体目标|目标任务")
TASK_REGION = re.compile(r"重点任务|主要任务|重点行动|重点工作|主要行动|重点工程|行动")


@dataclass(eq=False)
class Paragraph:
    index: int
    text: str
    norm: str
    kind: int | None
    body: int  # offset of the text after the marker
    dept_spans: list[tuple[int, int]] = field(default_factory=list)
    dept_label: int | None = None
    item: bool = False  # a sentence-level item split off a longer paragraph

    @property
    def heading(self) -> bool:
        return self.kind is not None and self.kind < DEPT_LINE

    @property
    def title(self) -> str:
        """The heading text after the marker, up to the first full stop, without department brackets."""
        body = self.norm[self.body :]
        cut = len(body)
        depth = 0
        for position, ch in enumerate(body):
            if ch in "([":
                depth += 1
            elif ch in ")]" and depth:
                depth -= 1
            elif ch in "。!?" and depth == 0:
                cut = position
                break
        text = self.text[self.body : self.body + cut]
        for start, end in sorted(self.dept_spans, reverse=True):
            if start >= self.body and end <= self.body + cut:
                text = text[: start - self.body] + text[end - self.body :]
        label = dept_label_start(width_normalise(text))
        if label is not None:
            text = text[:label]
        text = text.strip(" ：:;；,，。")
        if self.item:
            # "推进水泥企业错峰生产，到2025年，……": the item's heading is its first phrase
            first = re.search(r"[,，;；:：]", text)
            if first and first.start() >= 4:
                text = text[: first.start()]
        if len(text) > 60:
            first = re.search(r"[,，;；:：]", text)
            if first:
                text = text[: first.start()]
        return text.strip()

    @property
    def has_dept(self) -> bool:
        return bool(self.dept_spans) or self.dept_label is not None or self.kind == DEPT_LINE

    @property
    def closes(self) -> bool:
        """Whether the paragraph ends with its department bracket (the end of a task)."""
        if not self.dept_spans:
            return self.dept_label is not None
        tail = self.norm[self.dept_spans[-1][1] :]
        return not re.search(r"[\u4e00-\u9fffA-Za-z0-9]", tail)


class ParentIndex:
    """For each position, the nearest earlier heading of every level: :meth:`parent` in O(levels).

    Built once per outline, so finding a heading's section does not rescan the document (a
    backwards scan per heading made parsing quadratic in the number of paragraphs).
    """

    def __init__(self, paragraphs: list[Paragraph]) -> None:
        self.paragraphs = paragraphs
        self.last: list[tuple[int, ...]] = []
        current = [-1] * (PLAIN_TASK + 1)
        for paragraph in paragraphs:
            self.last.append(tuple(current))
            if paragraph.heading and paragraph.kind is not None and paragraph.kind <= PLAIN_TASK:
                current[paragraph.kind] = paragraph.index

    def parent(self, position: int, below: int) -> Paragraph | None:
        """The nearest heading before ``position`` whose kind is lower (higher level) than ``below``."""
        if position >= len(self.last) or below <= 0:
            return None
        best = max(self.last[position][: min(below, PLAIN_TASK + 1)])
        return self.paragraphs[best] if best >= 0 else None


@dataclass
class Outline:
    paragraphs: list[Paragraph]
    task_kind: int | None
    action_kind: int | None
    dept_mode: bool
    parents: ParentIndex | None = None

    def parent(self, position: int, below: int) -> Paragraph | None:
        if self.parents is None:
            self.parents = ParentIndex(self.paragraphs)
        return self.parents.parent(position, below)


def _paragraph(index: int, text: str, registry: DepartmentRegistry) -> Paragraph:
    norm = width_normalise(text)
    kind = None
    body = 0
    if _DEPT_LINE_RE.match(norm):
        kind = DEPT_LINE
    elif _META_LINE_RE.match(norm):
        kind = META_LINE
    else:
        for level, pattern in _KINDS:
            match = pattern.match(norm)
            if match:
                kind, body = level, match.end()
                break
    paragraph = Paragraph(index=index, text=text, norm=norm, kind=kind, body=body)
    if kind not in (DEPT_LINE, META_LINE):
        paragraph.dept_spans = dept_brackets(norm, registry)
        if not paragraph.dept_spans:
            paragraph.dept_label = dept_label_start(norm)
    return paragraph


def paragraph_from(index: int, text: str, registry: DepartmentRegistry, *, plain: bool = False) -> Paragraph:
    """A paragraph object for a piece of a paragraph (an item split off after its bracket).

    ``plain``: the piece is a later item of a paragraph, so any marker-like start is text.
    """
    paragraph = _paragraph(index, text, registry)
    if plain:
        paragraph.kind, paragraph.body, paragraph.item = PLAIN_TASK, 0, True
    return paragraph


def _mark_plain_tasks(paragraphs: list[Paragraph]) -> None:
    """Plans that do not number their tasks: each task is a paragraph ending with its department bracket.

    When most paragraphs that carry departments are unnumbered and several of them sit under
    the same heading, each of them becomes a task of kind :data:`PLAIN_TASK`.
    """
    plain: list[tuple[Paragraph, Paragraph | None]] = []
    numbered = 0
    last_heading: Paragraph | None = None
    for paragraph in paragraphs:
        if paragraph.heading:
            last_heading = paragraph
            if paragraph.has_dept:
                numbered += 1
        elif paragraph.kind is None and paragraph.dept_spans and paragraph.closes:
            plain.append((paragraph, last_heading))
    under: Counter[int] = Counter(h.index for _, h in plain if h is not None)
    shared = [p for p, h in plain if h is not None and under[h.index] >= 2]
    if len(shared) >= 2 and len(shared) > numbered:
        # the plan's style is established: a heading with a single such paragraph has one task
        for paragraph, heading in plain:
            if heading is not None:
                paragraph.kind = PLAIN_TASK


def _task_kind_over_sub_items(
    owners: dict[int, Paragraph], counts: Counter[int], task_kind: int, parents: ParentIndex
) -> int:
    """Prefer the level above when the department-carrying items are sub-items of tasks.

    "1.大力发展新能源。（1）推进光伏……（甲牵头）（2）发展生物质……（乙负责）2.推进煤炭……
    牵头单位：丙": the "（1）" items carry most brackets, yet the tasks are the "1." items
    (whose sub-items become tasks of their own later). Not when the level above names
    actions ("（一）……行动（甲牵头）": departments written once per action).
    """
    above = task_kind - 1
    if above not in counts or task_kind == PLAIN_TASK:
        return task_kind
    upper = [o for o in owners.values() if o.kind == above]
    if any("行动" in o.title for o in upper):
        return task_kind
    nested = [
        o
        for o in owners.values()
        if o.kind == task_kind and (p := parents.parent(o.index, task_kind)) is not None and p.kind == above
    ]
    if len(nested) == counts[task_kind]:
        return above
    return task_kind


def outline(texts: list[str], registry: DepartmentRegistry) -> Outline:
    """Classify paragraphs and find the action and task levels."""
    paragraphs = [_paragraph(i, t, registry) for i, t in enumerate(texts)]
    _mark_plain_tasks(paragraphs)
    parents = ParentIndex(paragraphs)
    owners: dict[int, Paragraph] = {}
    last_heading: Paragraph | None = None
    for paragraph in paragraphs:
        if paragraph.heading:
            last_heading = paragraph
        if paragraph.has_dept:
            owner = paragraph if paragraph.heading else last_heading
            if owner is not None:
                owners.setdefault(owner.index, owner)
    task_kind: int | None = None
    action_kind: int | None = None
    if owners:
        counts = Counter(o.kind for o in owners.values() if o.kind is not None)
        task_kind = max(counts, key=lambda k: (counts[k], k))
        task_kind = _task_kind_over_sub_items(owners, counts, task_kind, parents)
        above = Counter(
            p.kind
            for o in owners.values()
            if o.kind == task_kind
            and (p := parents.parent(o.index, task_kind)) is not None
            and p.kind is not None
        )
        action_kind = max(above, key=lambda k: (above[k], k)) if above else None
        return Outline(paragraphs, task_kind, action_kind, True, parents)
    headings = [p for p in paragraphs if p.heading]
    for level in (1, 2, 0):
        named = [p for p in headings if p.kind == level and "行动" in p.title]
        if len(named) >= 2 or (level == 2 and named):
            below = sorted({p.kind for p in headings if p.kind is not None and p.kind > level})
            if below:
                return Outline(paragraphs, below[0], level, False, parents)
    region = [p for p in headings if TASK_REGION.search(p.title) and not EXCLUDED_SECTION.search(p.title)]
    if region:
        below = sorted({p.kind for p in headings if p.kind is not None and p.kind > (region[0].kind or 0)})
        if len(below) >= 2:
            return Outline(paragraphs, below[1], below[0], False, parents)
        if below:
            return Outline(paragraphs, below[0], None, False, parents)
    if any(p.kind == 3 for p in paragraphs):
        return Outline(paragraphs, 3, 2 if any(p.kind == 2 for p in paragraphs) else None, False, parents)
    return Outline(paragraphs, None, None, False, parents)
