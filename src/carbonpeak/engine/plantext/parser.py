"""parse_plan: a carbon-peak plan's text -> :class:`ParsedPlan`."""

from __future__ import annotations

import re

from ..departments import DepartmentRegistry
from .assignments import CARRY, FIRST_LISTED_LEADS, Assignment, parse_assignment
from .header import PLAN_TITLE, parse_date, parse_header
from .model import ParsedAction, ParsedPlan, ParsedTarget, ParsedTask, PlanParseError
from .normalize import clean_paragraphs, width_normalise
from .pdf import unpaginate
from .structure import (
    DEPT_LINE,
    EXCLUDED_SECTION,
    GOAL_SECTION,
    META_LINE,
    PLAIN_TASK,
    Outline,
    Paragraph,
    outline,
    paragraph_from,
)
from .tables import TABLE_PREFIX, tables_to_sentences
from .targets import find_goals, find_peak_statements, find_targets, paragraph_year

__all__ = ["parse_plan"]

_GENRE = re.compile(r"碳达峰|碳中和|双碳|碳排放|节能降碳|低碳|能耗")


def parse_plan(text: str, *, registry: DepartmentRegistry | None = None) -> ParsedPlan:
    """Parse the text of a carbon-peak implementation plan (碳达峰实施方案).

    Parameters
    ----------
    text : str
        The document text (see :func:`read_document`): simplified or traditional
        characters, any punctuation width, with or without web-page noise.
    registry : DepartmentRegistry, optional
        Resolves written department names; ``DepartmentRegistry.default()`` when None.

    Returns
    -------
    ParsedPlan
        Header, qualitative goals, actions with tasks and departments, and targets.

    Raises
    ------
    PlanParseError
        When the text holds nothing of the genre: no task, no target and no goal.
    """
    registry = registry or DepartmentRegistry.default()
    texts = clean_paragraphs(tables_to_sentences(unpaginate((text or "").replace("\r\n", "\n"))))
    if not texts or not re.search(r"[\u4e00-\u9fff]", "".join(texts)):
        raise PlanParseError("文本为空或不含中文内容，未找到碳达峰实施方案的内容。")
    structure = outline(texts, registry)
    paragraphs = structure.paragraphs
    warnings: list[str] = []

    first_leads = bool(FIRST_LISTED_LEADS.search(width_normalise("".join(texts))))
    actions, orphans = _actions(structure, registry, warnings, first_leads=first_leads)
    first_body = next((p.index for p in paragraphs if p.heading), len(paragraphs))
    goal_paragraphs = _goal_paragraphs(paragraphs)
    targets: list[ParsedTarget] = []
    previous: tuple[str | None, int | None] = (None, None)
    for section_title, body in goal_paragraphs:
        # a paragraph without a year of its own continues the year of the one before it
        # (copies split "到2030年，…。单位…下降65%以上" over two lines)
        initial = previous[1] if previous[0] == section_title else None
        targets.extend(
            find_targets(body, task_code=None, section=section_title, carry_year=True, initial_year=initial)
        )
        previous = (section_title, paragraph_year(body) or initial)
    for action_title, intro in orphans:
        for body in intro:
            if _BOX.match(body):
                break  # a 专栏 of projects closes the action's own text
            targets.extend(find_targets(body, task_code=None, section=action_title))
    for action in actions:
        for task in action.tasks:
            targets.extend(find_targets(_without_boxes(task.text), task_code=task.code, section=action.title))
    for paragraph in paragraphs:
        if paragraph.text.startswith(TABLE_PREFIX):
            targets.extend(find_targets(paragraph.text, task_code=None, section="主要指标表"))
    if not actions and not goal_paragraphs:
        # a passage without headings (e.g. the 主要目标 paragraph pasted alone)
        year: int | None = None
        for paragraph in paragraphs:
            if paragraph.heading:
                year = None
            targets.extend(
                find_targets(paragraph.text, task_code=None, section=None, carry_year=True, initial_year=year)
            )
            year = paragraph_year(paragraph.text) or year
    targets = _unique_targets(targets)
    # a table repeating a value the prose already states adds nothing
    table_lines = [p.text for p in paragraphs if p.text.startswith(TABLE_PREFIX)]
    if table_lines:
        from_table = [any(t.quote in line for line in table_lines) for t in targets]
        prose = {
            (t.value_text, t.unit, t.year)
            for t, tabled in zip(targets, from_table, strict=True)
            if not tabled
        }
        targets = [
            t
            for t, tabled in zip(targets, from_table, strict=True)
            if not (tabled and (t.value_text, t.unit, t.year) in prose)
        ]

    header = parse_header(texts, first_body)
    if not header.title:
        # a policy with the plan as its 附件: the plan's own title line stands after "附件"
        for paragraph in paragraphs:
            candidate = paragraph.text.strip()
            if not paragraph.heading and PLAN_TITLE.match(candidate) and "关于" not in candidate:
                header.title = candidate
                break
    if header.issued_on is None:
        for tail in reversed(texts[-8:]):
            stripped = tail.strip()
            if len(stripped) <= 16 and "印发" not in stripped and parse_date(stripped):
                header.issued_on = parse_date(stripped)
                break

    goal_texts = [b for _, b in goal_paragraphs]
    strict = False
    if not actions and not goal_paragraphs:
        # no 主要目标 heading: the goals paragraph was pasted alone, or sits before the first heading
        goal_texts = [p.text for p in paragraphs[:first_body]]
        strict = True
    goals = find_goals(goal_texts, [t.quote for t in targets], strict=strict)
    preface = [p.text for p in paragraphs[: _first_action_index(paragraphs, actions)]]
    for statement in find_peak_statements(preface):
        if not any(statement in goal or goal in statement for goal in goals):
            goals.append(statement)

    tasks = [task for action in actions for task in action.tasks]
    if not tasks and not targets and not goals and not header.title:
        raise PlanParseError(
            "未在文本中找到碳达峰实施方案的内容：没有识别到重点任务、量化目标或主要目标。"
            "请确认上传的是实施方案正文（含“主要目标”“重点任务”等章节）。"
        )
    if not tasks:
        warnings.append("未识别到重点任务（行动与任务编号），仅提取了目标。")
    elif not any(task.lead or task.cooperating for task in tasks):
        warnings.append("未识别到任何任务的牵头或配合单位。")
    if not header.title:
        warnings.append("未找到方案名称。")
    if not _GENRE.search("".join(texts)):
        warnings.append("文本中未出现“碳达峰”“降碳”等字样，请确认是否为碳达峰实施方案。")
    return ParsedPlan(
        title=header.title,
        document_number=header.document_number,
        issuer=header.issuer,
        issued_on=header.issued_on,
        goals=goals,
        actions=actions,
        targets=targets,
        warnings=warnings,
    )


_BOX = re.compile(r"^\s*专栏\s*[\d一二三四五六七八九十]*")


def _without_boxes(text: str) -> str:
    """A task's text without the 专栏 (project box) that follows it: its project sizes and
    investment amounts describe projects, they are not commitments of the plan."""
    lines = text.split("\n")
    for position, line in enumerate(lines):
        if _BOX.match(line):
            return "\n".join(lines[:position])
    return text


def _unique_targets(targets: list[ParsedTarget]) -> list[ParsedTarget]:
    """Each written commitment once (a passage can be reached both as goal text and as action intro)."""
    seen: set[tuple[object, ...]] = set()
    unique = []
    for target in targets:
        key = (target.quote, target.indicator, target.value_text, target.unit, target.year, target.task_code)
        if key not in seen:
            seen.add(key)
            unique.append(target)
    return unique


def _first_action_index(paragraphs: list[Paragraph], actions: list[ParsedAction]) -> int:
    for paragraph in paragraphs:
        if GOAL_SECTION.search(paragraph.title) and paragraph.heading:
            continue
        if actions and paragraph.heading and paragraph.title == actions[0].title:
            return paragraph.index
    return len(paragraphs)


def _goal_paragraphs(paragraphs: list[Paragraph]) -> list[tuple[str, str]]:
    """(section title, text) of paragraphs in 主要目标 sections, including text inline after the heading."""
    found: list[tuple[str, str]] = []
    for position, paragraph in enumerate(paragraphs):
        if not (paragraph.heading and GOAL_SECTION.search(paragraph.title) and len(paragraph.title) <= 12):
            continue
        title = paragraph.title
        inline = paragraph.text[paragraph.body :].strip()
        inline = inline[len(title) :].lstrip(" 。.:：") if inline.startswith(title) else ""
        if inline:
            found.append((title, inline))
        for other in paragraphs[position + 1 :]:
            if (
                other.heading
                and other.kind is not None
                and paragraph.kind is not None
                and other.kind <= paragraph.kind
            ):
                break
            if other.heading and other.kind is not None and GOAL_SECTION.search(other.title):
                continue
            found.append((title, other.text[other.body :] if other.heading else other.text))
    return found


def _eligible_action(structure: Outline, heading: Paragraph) -> bool:
    if EXCLUDED_SECTION.search(heading.title) and "行动" not in heading.title:
        return False
    above = structure.parent(heading.index, heading.kind or 0)
    while above is not None:
        if EXCLUDED_SECTION.search(above.title) and "任务" not in above.title and "行动" not in above.title:
            return False
        above = structure.parent(above.index, above.kind or 0)
    return True


def _actions(
    structure: Outline, registry: DepartmentRegistry, warnings: list[str], *, first_leads: bool = False
) -> tuple[list[ParsedAction], list[tuple[str, list[str]]]]:
    """Actions with their tasks; also (action title, intro paragraphs) for targets outside tasks."""
    paragraphs = structure.paragraphs
    task_kind, action_kind = structure.task_kind, structure.action_kind
    if task_kind is None:
        return [], []
    groups: list[tuple[Paragraph | None, list[Paragraph]]] = []
    if action_kind is None:
        members = [p for p in paragraphs if _eligible_action(structure, p) or not p.heading]
        groups.append((None, members))
    else:
        current: tuple[Paragraph | None, list[Paragraph]] | None = None
        for paragraph in paragraphs:
            if paragraph.heading and paragraph.kind is not None and paragraph.kind <= action_kind:
                current = None
                if paragraph.kind == action_kind and _eligible_action(structure, paragraph):
                    current = (paragraph, [])
                    groups.append(current)
                continue
            if current is not None:
                current[1].append(paragraph)
        if structure.dept_mode:
            with_dept = [i for i, (_, members) in enumerate(groups) if any(m.has_dept for m in members)]
            if with_dept:
                first, last = with_dept[0], with_dept[-1]
                # keep actions between the first and last action with departments, and later actions
                # under the same parent section
                last_head = groups[last][0]
                last_parent = structure.parent(last_head.index, action_kind) if last_head else None
                kept = []
                for i, group in enumerate(groups):
                    head = group[0]
                    same_parent = (
                        head is not None and structure.parent(head.index, action_kind) is last_parent
                    )
                    if first <= i <= last or (i > last and same_parent and last_parent is not None):
                        kept.append(group)
                groups = kept
    actions: list[ParsedAction] = []
    intros: list[tuple[str, list[str]]] = []
    carried: list[str] = []
    if groups and groups[0][0] is not None:
        # a carry-forward sentence under 重点任务, before the first action: every task
        for paragraph in paragraphs[: groups[0][0].index]:
            if paragraph.kind is None and not paragraph.dept_spans:
                carried.extend(n for n in _standing_carry(paragraph, registry) if n not in carried)
    ditto: tuple[list[str], list[str]] | None = None
    first_is_lead = False
    for head, members in groups:
        action = ParsedAction(number=len(actions) + 1, title=head.title if head else "")
        intro = (
            [head.text[head.body :]]
            if head is not None and len(head.norm) > len(head.title) + head.body + 2
            else []
        )
        tasks: list[tuple[Paragraph, list[Paragraph]]] = []
        # departments written for the whole action (on its heading, or in lines before its first task)
        action_parts = [head] if head is not None and head.has_dept else []
        closed = False
        action_carry: list[tuple[int, str]] = []  # (tasks before the line, unit)
        for member in members:
            if not tasks and member.kind == DEPT_LINE:
                action_parts.append(member)
            if member.kind is None and not member.dept_spans:
                # "以下任务均需X配合，不再重复列出。" on a line of its own: the action's later tasks
                names = _standing_carry(member, registry)
                action_carry.extend((len(tasks), name) for name in names)
                if names:
                    continue
            if member.kind == task_kind:
                tasks.append((member, []))
                closed = member.closes
            elif tasks and member.kind in (DEPT_LINE, META_LINE):
                tasks[-1][1].append(member)
                closed = True
            elif (
                tasks and member.heading and member.kind is not None and task_kind < member.kind < PLAIN_TASK
            ):
                # a numbered sub-item of the task (1. → (1)), even after a bracket closed the one before
                tasks[-1][1].append(member)
                closed = member.closes
            elif (
                tasks
                and not closed
                and not (member.heading and member.kind is not None and member.kind < task_kind)
            ):
                tasks[-1][1].append(member)
                closed = member.closes
            elif (not member.heading or (member.kind or 0) > task_kind) and not (
                tasks and closed and member.kind is None and _is_dept_tail(member)
            ):
                intro.append(member.text)
        if not tasks:
            if head is not None and "行动" in head.title:
                actions.append(action)
                intros.append((action.title, intro))
            continue
        action_assignment = _assignment_of(action_parts, registry, first_leads) if action_parts else None
        tasks = _split_items(tasks, task_kind, registry, intro)
        for number, (task_paragraph, extra) in enumerate(tasks, start=1):
            task, assignment = _task(action.number, number, task_paragraph, extra, registry, first_leads)
            if action_assignment is not None and not (task.lead or task.cooperating):
                task.lead = list(action_assignment.lead)
                task.cooperating = list(action_assignment.cooperating)
            if assignment.ditto and (task.lead or task.cooperating):
                ditto = (list(task.lead), list(task.cooperating))
            elif ditto is not None and not (task.lead or task.cooperating):
                task.lead, task.cooperating = list(ditto[0]), list(ditto[1])
            first_is_lead = first_is_lead or assignment.first_is_lead
            for name in assignment.carry:
                if name not in carried:
                    carried.append(name)
            task.cooperating.extend(n for n in carried if n not in task.lead and n not in task.cooperating)
            task.cooperating.extend(
                n
                for before, n in action_carry
                if before < number and n not in task.lead and n not in task.cooperating
            )
            action.tasks.append(task)
        actions.append(action)
        intros.append((action.title, intro))
    if first_is_lead:
        warnings.append(
            "部分任务只列出责任单位而未写明牵头单位，已按文中“排在第一位的为牵头单位”的说明将列第一位的单位视为牵头单位。"
        )
    missing = [t.code for a in actions for t in a.tasks if not t.lead and t.cooperating]
    if missing:
        warnings.append(
            "以下任务只列出责任（配合）单位而未写明牵头单位，牵头单位留空，所列单位均按配合单位记录："
            + "、".join(missing)
            + "。"
        )
    for index, action in enumerate(actions, start=1):
        action.number = index
    return actions, intros


def _owns_departments(item: Paragraph, following: list[Paragraph]) -> bool:
    return item.has_dept or any(p.kind == DEPT_LINE for p in following)


def _split_items(
    tasks: list[tuple[Paragraph, list[Paragraph]]],
    task_kind: int,
    registry: DepartmentRegistry,
    intro: list[str],
) -> list[tuple[Paragraph, list[Paragraph]]]:
    """Items that carry their own departments become tasks of their own.

    * a task whose numbered sub-items ("1." → "（1）") each end with their departments, while
      the task itself names none: each sub-item is a task (the task's own text is the
      action's introduction);
    * a paragraph with several department brackets, each closing its own sentence-level
      item ("推进A……（甲牵头）。推进B……（乙牵头）。"): each item is a task.
    """
    expanded: list[tuple[Paragraph, list[Paragraph]]] = []
    for paragraph, extra in tasks:
        deeper = [m for m in extra if m.heading and m.kind is not None and m.kind > task_kind]
        level = min((m.kind for m in deeper if m.kind is not None), default=None)
        items: list[tuple[Paragraph, list[Paragraph]]] = []
        if level is not None and not paragraph.has_dept:
            for member in extra:
                if member.kind == level:
                    items.append((member, []))
                elif items:
                    items[-1][1].append(member)
        if len([1 for item, following in items if _owns_departments(item, following)]) >= 2:
            intro.append(paragraph.text[paragraph.body :])
            chosen = items
        else:
            chosen = [(paragraph, extra)]
        for item, following in chosen:
            pieces = _sentence_items(item, registry)
            if len(pieces) >= 2:
                expanded.extend((piece, []) for piece in pieces[:-1])
                expanded.append((pieces[-1], following))
            else:
                expanded.append((item, following))
    return expanded


def _sentence_items(paragraph: Paragraph, registry: DepartmentRegistry) -> list[Paragraph]:
    """Split a paragraph after each department bracket that closes a sentence (…（甲牵头）。)."""
    spans = paragraph.dept_spans
    if len(spans) < 2:
        return [paragraph]
    cuts = []
    for _start, end in spans[:-1]:
        tail = paragraph.norm[end : end + 2]
        stop = re.match(r"\s*[。;!]", tail)
        if stop is None:
            continue
        cuts.append(end + stop.end())
    if not cuts:
        return [paragraph]
    pieces = []
    start = 0
    for cut in [*cuts, len(paragraph.text)]:
        piece = paragraph.text[start:cut]
        if len(re.findall(r"[\u4e00-\u9fff]", piece)) >= 4:
            pieces.append(piece)
        elif pieces:
            pieces[-1] += piece
        start = cut
    if len(pieces) < 2:
        return [paragraph]
    first = paragraph_from(paragraph.index, pieces[0], registry)
    rest = [paragraph_from(paragraph.index, piece.strip(), registry, plain=True) for piece in pieces[1:]]
    return [first, *rest]


def _standing_carry(paragraph: Paragraph, registry: DepartmentRegistry) -> list[str]:
    """Units of a carry-forward sentence standing on its own line (以下任务均需X和Y配合，不再重复列出)."""
    if len(paragraph.norm) > 80 or not CARRY.search(paragraph.norm):
        return []
    assignment = parse_assignment(paragraph.norm.rstrip("。. "), registry)
    assignment.finish(registry)
    return assignment.carry


def _is_dept_tail(paragraph: Paragraph) -> bool:
    return paragraph.has_dept and len(paragraph.norm) < 80


def _assignment_of(
    parts: list[Paragraph], registry: DepartmentRegistry, first_leads: bool = False
) -> Assignment:
    """Departments from the brackets, inline labels and 牵头单位 lines of some paragraphs."""
    assignment = Assignment()
    label_lines: list[str] = []
    for part in parts:
        if part.kind == DEPT_LINE:
            label_lines.append(part.text)
            continue
        for start, end in part.dept_spans:
            assignment.extend(
                parse_assignment(part.text[start + 1 : end - 1], registry, first_leads=first_leads)
            )
        if not part.dept_spans and part.dept_label is not None:
            label_lines.append(part.text[part.dept_label :])
    if label_lines:
        assignment.extend(parse_assignment("\n".join(label_lines), registry, first_leads=first_leads))
    assignment.finish(registry)
    return assignment


def _task(
    action_number: int,
    number: int,
    paragraph: Paragraph,
    extra: list[Paragraph],
    registry: DepartmentRegistry,
    first_leads: bool = False,
) -> tuple[ParsedTask, Assignment]:
    pieces = [paragraph.text[paragraph.body :].strip()] + [p.text.strip() for p in extra]
    text = "\n".join(piece for piece in pieces if piece)
    assignment = _assignment_of([paragraph, *extra], registry, first_leads)
    task = ParsedTask(
        code=f"{action_number}.{number}",
        number=number,
        title=paragraph.title,
        text=text,
        lead=list(assignment.lead),
        cooperating=list(assignment.cooperating),
    )
    return task, assignment
