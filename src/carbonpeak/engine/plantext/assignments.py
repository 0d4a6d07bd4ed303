"""Departments of a task: lead (牵头) and cooperating (配合) units, from brackets or labelled lines.

Recognised forms (half- or full-width punctuation, any bracket kind, nesting allowed):

* clause style in a bracket: ``(A、B牵头,C和D配合)``, ``(A牵头,B按职责分工负责)``,
  ``(A牵头,B参与)``, ``(由A负责)``;
* labelled style, in a bracket or on its own line: ``牵头单位:A;配合单位:B``,
  ``责任单位:A(牵头)、B``;
* the carry-forward clause ``(以下任务均需X和Y配合,不再重复列出)``.

Rule for a list without roles (``责任单位:A、B、C`` alone, ``(A、B按职责分工负责)`` or
``(A、B负责)`` with no lead written): no lead is invented — every listed unit is
cooperating. The genre says so itself: "未明确牵头单位的，由所列负责单位按职责分工负责"
(分工 notes of State Council work plans), and the issue defines 按职责分工负责 as
cooperating. A single unit that is responsible on its own (``(县发改局负责)``,
``责任单位：县发改局``) leads. Only where the document declares the opposite convention
("排在第一位的为牵头单位", see :data:`FIRST_LISTED_LEADS`) does the first listed unit lead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..departments import DepartmentRegistry, clean_department_name
from .normalize import width_normalise

__all__ = [
    "CARRY",
    "FIRST_LISTED_LEADS",
    "Assignment",
    "dept_brackets",
    "dept_label_start",
    "parse_assignment",
    "split_names",
]

# a document's own statement that the unit listed first leads (排在第一位的为牵头单位)
FIRST_LISTED_LEADS = re.compile(
    r"(?:排在|排名|排|列在|列于|列|位列)\s*(?:第一位?|首位|最前|第1位?)(?:的|者)?(?:单位|部门)?\s*(?:为|是|系)\s*牵头"
    r"|(?:第一|首个|首位|第一个)(?:责任)?(?:单位|部门)(?:为|是|系)\s*牵头"
)

_ROLE_WORD = re.compile(r"牵头|配合|负责|参加|参与|协同|协助|协办|责任单位|责任部门|主办")
_LABEL = re.compile(
    r"\[?(牵头|责任|负责|配合|参加|参与|协同|协办|主办|主责)(单位|部门)\s*(?:\]\s*[:：]?|[:：])"
)
CARRY = _CARRY = re.compile(
    r"以下[^()\[\]]{0,12}?(?:均|都|皆|一律)(?:需|需要|由|要|请)?(?P<names>[^()\[\]]+?)"
    r"(?:共同)?(?:配合|参与|参加|协助|协同|按职责分工负责|负责落实|负责|落实)"
)
_DEPT_END = re.compile(
    r"(?:局|委|办|厅|部|会|中心|公司|政府|院|校|所|站|处|室|队|署|行|社|联|馆|团|区|镇|乡|街道|组|台|党校|单位|部门"
    r"|企业|机构|协会|银行|集团|分局|支队|大队|管委会|委员会|人大|政协|\))$"
)
_LEAD_CLAUSE = re.compile(r"(?:共同|联合|分别)?牵头(?:负责|落实|推进|实施)?(?:单位)?$")
_COOP_CLAUSE = re.compile(
    r"(?:按职责分工|按照职责分工|按职能分工|按职责|根据职责|依职责|分工|各司其职|共同)(?:负责|落实|推进|配合|参与)?$"
    r"|(?:配合|协助|协同|参加|参与|配合落实|协同推进|协助落实)(?:单位)?$"
)
_RESPONSIBLE_CLAUSE = re.compile(r"(?:负责|落实|实施)$")
_ROLE_SUFFIX = re.compile(
    r"(?:按照职责分工|按职责分工|按职责|根据职责|分别|共同)?(?:负责落实|抓好落实|组织落实|负责|落实|配合|参与|参加|牵头)$"
)
_DEADLINE = re.compile(r"[;,。]?\s*(?:完成时限|完成时间|时间节点|时间进度|进度安排|时限)\s*:[^;]*")


@dataclass
class Assignment:
    """Lead and cooperating units of one task (registry names), plus units to carry forward."""

    lead: list[str] = field(default_factory=list)
    cooperating: list[str] = field(default_factory=list)
    carry: list[str] = field(default_factory=list)
    first_is_lead: bool = False
    ditto: bool = False  # "(A牵头,B配合,下同)": later tasks without departments take these

    def extend(self, other: Assignment) -> None:
        self.lead.extend(other.lead)
        self.cooperating.extend(other.cooperating)
        self.carry.extend(other.carry)
        self.first_is_lead = self.first_is_lead or other.first_is_lead
        self.ditto = self.ditto or other.ditto

    def finish(self, registry: DepartmentRegistry) -> None:
        """Resolve names through the registry, drop duplicates, and keep leads out of cooperating."""
        self.lead = _unique(registry.canonical(n) for n in self.lead)
        lead = set(self.lead)
        self.cooperating = [
            n for n in _unique(registry.canonical(n) for n in self.cooperating) if n not in lead
        ]
        self.carry = _unique(registry.canonical(n) for n in self.carry)

    @property
    def empty(self) -> bool:
        return not (self.lead or self.cooperating or self.carry)


def _unique(names: object) -> list[str]:
    seen: list[str] = []
    for name in names:  # type: ignore[attr-defined]
        if name and name not in seen:
            seen.append(name)
    return seen


_BRACKET_CHAR = re.compile(r"[()\[\]]")


def _top_level_brackets(norm: str) -> list[tuple[int, int]]:
    """Spans (start, end) of top-level bracket groups; () and [] nest in each other."""
    spans: list[tuple[int, int]] = []
    if "(" not in norm and "[" not in norm:
        return spans
    depth = 0
    start = 0
    for found in _BRACKET_CHAR.finditer(norm):
        index, ch = found.start(), found.group(0)
        if ch in "([":
            if depth == 0:
                start = index
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, index + 1))
    return spans


def _looks_like_names(inner: str, registry: DepartmentRegistry) -> bool:
    body = re.sub(r"[(\[][^()\[\]]*[)\]]", "", inner)
    body = _LABEL.sub(",", body)
    for clause in re.split(r"[,;，；。]", body):
        clause = re.sub(
            r"(?:共同|联合|分别)?(?:牵头|配合|负责|参加|参与|协同|协助|协办|按职责分工|按照职责分工|按职责|落实|推进|等|单位)+$",
            "",
            clause,
        )
        for name in split_names(clause, registry):
            if 2 <= len(name) <= 40 and (_DEPT_END.search(name) or registry.knows(name)):
                return True
    return False


def dept_brackets(norm: str, registry: DepartmentRegistry) -> list[tuple[int, int]]:
    """Spans of the top-level brackets in a width-normalised paragraph that assign departments."""
    spans = []
    for start, end in _top_level_brackets(norm):
        inner = norm[start + 1 : end - 1]
        if len(inner) > 400:
            continue
        if not _ROLE_WORD.search(inner):
            # a bare list of units closing the paragraph: (市农业农村局,各县(市、区)人民政府)
            if _only_names(inner, registry) and not re.search(r"[\u4e00-\u9fffA-Za-z0-9]", norm[end:]):
                spans.append((start, end))
            continue
        if _looks_like_names(inner, registry) or _CARRY.search(inner):
            spans.append((start, end))
    return spans


def _only_names(inner: str, registry: DepartmentRegistry) -> bool:
    """Whether a bracket holds nothing but department names (every one of them known or shaped like one)."""
    names = split_names(inner, registry)
    return bool(names) and all(
        2 <= len(n) <= 30 and (registry.knows(n) or bool(_DEPT_END.search(n))) and not re.search(r"\d", n)
        for n in names
    )


def dept_label_start(norm: str) -> int | None:
    """Offset of an inline "牵头单位:" label outside brackets, or None."""
    spans = _top_level_brackets(norm)
    for match in _LABEL.finditer(norm):
        # a label in its own brackets ([牵头单位]县发改局) counts; a label inside a longer bracket does not
        if match.group(0).startswith("[") or not any(s <= match.start() < e for s, e in spans):
            return match.start()
    return None


def split_names(text: str, registry: DepartmentRegistry) -> list[str]:
    """Split a list of department names on 、,/ and on 和/及/与 where they join two names.

    "和" inside a name (住房和城乡建设局, 人力资源和社会保障局, 发展和改革局) is kept:
    a split happens only where the left part ends like a department (局, 委, 中心,
    政府 …) and is not itself the start of a known name.
    """
    names: list[str] = []
    for part in _split_list(text):
        names.extend(_split_conjunctions(part.strip(), registry))
    return [n for n in (clean_department_name(n) for n in names) if n]


_LIST_SEPARATOR = re.compile(r"[、,，;；/]|以及")


def _split_list(text: str) -> list[str]:
    """Split a list of names on 、,;/ and 以及, but not inside brackets: 各县(市、区)人民政府 is one name."""
    parts: list[str] = []
    depth = 0
    start = 0
    position = 0
    while position < len(text):
        ch = text[position]
        if ch in "(（[〔【":
            depth += 1
        elif ch in ")）]〕】" and depth:
            depth -= 1
        elif depth == 0:
            match = _LIST_SEPARATOR.match(text, position)
            if match:
                parts.append(text[start:position])
                position = start = match.end()
                continue
        position += 1
    parts.append(text[start:])
    return parts


_COLLECTIVE_AFTER_ETC = re.compile(r"^(?:其他|其它)?(?:各|有关|相关)*(?:部门|单位|机构)$")


def _split_conjunctions(part: str, registry: DepartmentRegistry) -> list[str]:
    if not part:
        return []
    if registry.knows(part):
        return [part]
    etc = re.search(r"等", part)
    if etc and len(part[: etc.start()]) >= 2 and _DEPT_END.search(part[: etc.start()]):
        # 县住建局等县直相关部门 -> 县住建局, 县直相关部门; 县发改局等有关部门 -> 县发改局
        right = part[etc.end() :].strip()
        rest = [] if not right or _COLLECTIVE_AFTER_ETC.match(right) else _split_conjunctions(right, registry)
        return [*_split_conjunctions(part[: etc.start()], registry), *rest]
    for match in re.finditer(r"[和及与]", part):
        left, right = part[: match.start()], part[match.end() :]
        if len(left) >= 2 and len(right) >= 2 and _DEPT_END.search(left):
            return [left, *_split_conjunctions(right, registry)]
    return [part]


def _mark_nested(inner: str, result: Assignment, registry: DepartmentRegistry) -> str:
    """Handle nested brackets: carry-forward clauses are taken out, "(牵头)" marks a lead."""

    def replace(match: re.Match[str]) -> str:
        nested = match.group(1)
        carry = _CARRY.search(nested)
        if carry:
            result.carry.extend(split_names(carry.group("names"), registry))
            return ""
        if re.fullmatch(r"\s*牵头(?:单位|部门)?\s*", nested):
            return "\x01"
        return match.group(0)

    pattern = re.compile(r"[(\[]([^()\[\]]*)[)\]]")
    while True:
        match = pattern.search(inner)
        if match is None:
            break
        kept = replace(match)
        if kept == match.group(0):
            # a bracket that belongs to a name (各村(社区)) is protected from further passes
            kept = "\x02" + match.group(1) + "\x03"
        inner = inner[: match.start()] + kept + inner[match.end() :]
    return inner.replace("\x02", "(").replace("\x03", ")")


_BARE_UNIT = re.compile(r"^[\u4e00-\u9fff]{1,8}(?:局|委|办|厅|委员会|中心)$")
_NOT_BARE = re.compile(
    r"^(?:各|国网|国家|中国|中共|省|市|县|区|州|旗|盟|镇|乡|街道)|[省市县区州旗盟镇乡]|政府"
)


def share_prefix(name: str, prefix: list[str], registry: DepartmentRegistry) -> str:
    """Give a name written without its administrative prefix the prefix of the name before it.

    A list written with one shared prefix ("市住建局、发改局、自然资源局") names three
    市 units; ``prefix`` holds the last prefix seen in the list (updated here).
    """
    own = registry.admin_prefix(name)
    if own:
        prefix[:] = [own]
        return name
    if prefix and (own == "" or (_BARE_UNIT.match(name) and not _NOT_BARE.search(name))):
        return prefix[0] + name
    return name


def _names_with_marks(
    text: str, registry: DepartmentRegistry, prefix: list[str] | None = None
) -> list[tuple[str, bool]]:
    out = []
    shared = prefix if prefix is not None else []
    for raw in _split_list(text):
        marked = "\x01" in raw
        for name in _split_conjunctions(raw.replace("\x01", "").strip(), registry):
            name = clean_department_name(re.sub(r"^(?:由|会同|并由|并|同时)", "", name))
            # a role written after a unit inside a labelled list: 各区县人民政府落实, 各区县政府按职责落实
            name = _ROLE_SUFFIX.sub("", name) if len(name) > 4 else name
            if name and len(name) <= 40:
                out.append((share_prefix(name, shared, registry), marked))
    return out


def _assign_responsible(result: Assignment, names: list[tuple[str, bool]], first_leads: bool) -> None:
    """A list without roles: units marked (牵头) lead; a unit listed alone leads; otherwise
    all cooperate, unless the document declares that the first listed unit leads."""
    marked = [n for n, m in names if m]
    if marked:
        result.lead.extend(marked)
        result.cooperating.extend(n for n, m in names if not m)
    elif names:
        if not result.lead and len(_unique(n for n, _ in names)) == 1:
            result.lead.append(names[0][0])
        elif not result.lead and first_leads:
            result.lead.append(names[0][0])
            result.first_is_lead = True
            result.cooperating.extend(n for n, _ in names[1:])
        else:
            result.cooperating.extend(n for n, _ in names)


def parse_assignment(content: str, registry: DepartmentRegistry, *, first_leads: bool = False) -> Assignment:
    """Lead and cooperating units from a department bracket's content or labelled lines.

    Parameters
    ----------
    content : str
        The text inside a department bracket, or "牵头单位：…" / "责任单位：…" lines
        joined by newlines; any width of punctuation.
    registry : DepartmentRegistry
        Resolves written names to registry names.
    first_leads : bool
        The document declares that in a list without roles the unit listed first
        leads (see :data:`FIRST_LISTED_LEADS`); otherwise such a list has no lead.

    Returns
    -------
    Assignment
        Written names (not yet resolved; call :meth:`Assignment.finish`).
    """
    result = Assignment()
    prefix: list[str] = []
    norm = width_normalise(content).replace("\n", ";").replace("〔", "(").replace("〕", ")")
    # a deadline written in the same bracket ends the units: (责任单位:A,B;完成时限:2025年底)
    norm = _DEADLINE.sub("", norm)
    # [牵头单位]A[配合单位]B -> 牵头单位:A;配合单位:B
    norm = re.sub(r"\[(牵头|责任|负责|配合|参加|参与|协同|协办|主办|主责)(单位|部门)\]\s*:?", r";\1\2:", norm)
    norm = _mark_nested(norm, result, registry)
    # "…,下同" after the units: the same units for the later tasks that name none; after a note
    # ("未明确牵头单位的,由所列单位按职责分工负责,下同") it repeats the note, not the units
    ditto = re.search(r"[,;。]?\s*(?:以下|下文)?(?:同|下同|同上)\s*$", norm)
    if ditto and re.search(r"下同|以下同|下文同", ditto.group(0)):
        result.ditto = "未明确" not in norm
        norm = norm[: ditto.start()]
    carry = _CARRY.search(norm)
    if carry:
        result.carry.extend(split_names(carry.group("names"), registry))
        norm = norm[: carry.start()] + norm[carry.end() :]
        norm = re.sub(r"[,;]?\s*不再(?:重复|一一)?列出", "", norm)
    labels = list(_LABEL.finditer(norm))
    if labels:
        has_lead_label = any(m.group(1) in ("牵头", "主办", "主责") for m in labels)
        for index, match in enumerate(labels):
            end = labels[index + 1].start() if index + 1 < len(labels) else len(norm)
            segment = norm[match.end() : end]
            # a note after the list ends it: (负责单位:A、B。未明确牵头单位的,由所列单位按职责分工负责,下同)
            segment = segment.split("。", 1)[0]
            names = _names_with_marks(
                re.sub(r"(?:等)?(?:按职责分工负责|按职责负责|负责|配合)?[;,。\s]*$", "", segment),
                registry,
                prefix,
            )
            kind = match.group(1)
            if kind in ("牵头", "主办", "主责"):
                result.lead.extend(n for n, _ in names)
            elif kind in ("责任", "负责") and not has_lead_label:
                _assign_responsible(result, names, first_leads)
            else:
                result.cooperating.extend(n for n, _ in names)
        return result
    unassigned: list[tuple[str, bool]] = []
    for clause in re.split(r"[,;，；。]", norm):
        clause = clause.strip()
        if not clause:
            continue
        lead = _LEAD_CLAUSE.search(clause)
        coop = _COOP_CLAUSE.search(clause) if not lead else None
        if lead:
            result.lead.extend(
                n for n, _ in _names_with_marks(re.sub(r"等$", "", clause[: lead.start()]), registry, prefix)
            )
        elif coop:
            names = _names_with_marks(re.sub(r"等$", "", clause[: coop.start()]), registry, prefix)
            if result.lead or not coop.group(0).endswith(("负责", "落实", "推进")):
                result.cooperating.extend(n for n, m in names if not m)
                result.lead.extend(n for n, m in names if m)
            else:
                unassigned.extend(names)
        elif _RESPONSIBLE_CLAUSE.search(clause):
            names = _names_with_marks(re.sub(r"等?(?:负责|落实|实施)+$", "", clause), registry, prefix)
            if not result.lead and not unassigned:
                # (县发改局负责) leads; (A、B负责) is a list without roles
                _assign_responsible(result, names, first_leads)
            else:
                if unassigned:
                    # (A、B按职责分工负责,各县(市、区)人民政府负责落实): no lead written, all cooperate
                    _assign_responsible(result, unassigned, first_leads)
                    unassigned = []
                result.cooperating.extend(n for n, _ in names)
        else:
            names = _names_with_marks(re.sub(r"等$", "", clause), registry, prefix)
            if result.lead:
                result.cooperating.extend(n for n, m in names if not m)
            else:
                unassigned.extend(names)
    if unassigned:
        _assign_responsible(result, unassigned, first_leads)
    return result
