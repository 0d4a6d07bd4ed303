"""Department registry: map every written form of a department's name to one registry name.

Plans name the same body in several ways: 县发改局, 县发展改革局 and 县发展和改革局
are one department; 县机关事务中心 is 县机关事务管理中心. The registry holds the
registry name (the full official form) of each department with its aliases, and
:meth:`DepartmentRegistry.canonical` resolves a written form in three steps:

1. an exact alias or registry name (after trimming whitespace and stray punctuation);
2. an administrative prefix plus a known abbreviation stem from the packaged table
   ``reference/department_abbreviations.csv`` (县 + 发改局 -> 县 + 发展和改革局;
   岳阳县 + 发改局 -> 岳阳县发展和改革局), the expanded form looked up again;
3. otherwise the cleaned written form unchanged.

The stems table deliberately does not merge bodies that are distinct in at least
some regions (自然资源局 / 自然资源和规划局, 卫生健康局 / 卫生健康委员会,
机关事务管理局 / 机关事务管理中心, 城市管理局 / 城市管理和综合执法局); see its
``notes`` column. An editable registry (the database) is merged over the default
with :meth:`DepartmentRegistry.merged`.

References
----------
.. [1] 中共中央办公厅 国务院办公厅《党政机关公文处理工作条例》(2012), 第九条:
   公文中的机关名称应当使用全称或者规范化简称.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

__all__ = ["DepartmentRegistry", "clean_department_name"]

_ADMIN_PREFIXES = ("省", "市", "县", "区", "旗", "州", "盟")
_PREFIX_RE = re.compile(r"(?:[\u4e00-\u9fff]{0,12}?(?:省|市|县|区|旗|州|盟))?(?:人民政府|政府)?")
_NOT_IN_PREFIX = re.compile(r"[局委厅办部与及、,，;；]|(?<=.)和")


def _is_prefix(prefix: str) -> bool:
    """An administrative prefix: 县, 岳阳县, 省政府 — not another department's name (县工信局与县)."""
    return bool(_PREFIX_RE.fullmatch(prefix)) and not _NOT_IN_PREFIX.search(prefix)


_EDGE_PUNCT = " \t\r\n\u3000、,，;；:：。.·•-—_\"'“”‘’!！?？"
_FULL_WIDTH_BRACKETS = str.maketrans({"(": "（", ")": "）", "〔": "（", "〕": "）"})
_BRACKET_PAIRS = {"(": ")", "（": "）", "[": "]", "【": "】", "〔": "〕"}


@lru_cache(maxsize=16384)
def clean_department_name(written: str) -> str:
    """Trim whitespace, stray punctuation, unbalanced brackets and a trailing 等 from a written name.

    Parameters
    ----------
    written : str
        A department name as written in a plan [text].

    Returns
    -------
    str
        The name without inner whitespace, edge punctuation, unbalanced edge
        brackets or a trailing "等"/"等单位"/"等部门" [text].
    """
    # official names write brackets full-width: 各县（市、区）人民政府 (also from "(市、区)" or "〔市、区〕")
    name = re.sub(r"\s+", "", written).translate(_FULL_WIDTH_BRACKETS)
    previous = None
    while name != previous:
        previous = name
        name = name.strip(_EDGE_PUNCT)
        name = re.sub(r"等(?:单位|部门|有关单位|相关单位)?$", "", name) if len(name) > 2 else name
        for opening, closing in _BRACKET_PAIRS.items():
            if name.endswith(closing) and name.count(opening) < name.count(closing):
                name = name[:-1]
            if name.startswith(opening) and name.count(opening) > name.count(closing):
                name = name[1:]
    return name


@lru_cache(maxsize=1)
def _stems() -> tuple[tuple[str, str], ...]:
    """Abbreviation stems from the packaged table, longest written form first."""
    table = resources.files("carbonpeak.engine").joinpath("reference/department_abbreviations.csv")
    with table.open(encoding="utf-8") as handle:
        rows = [(row["written_stem"].strip(), row["registry_stem"].strip()) for row in csv.DictReader(handle)]
    stems = {written: full for written, full in rows if written and full}
    # every full form is also a stem of itself, so 岳阳县发展和改革局 is recognised as complete
    for full in list(stems.values()):
        stems.setdefault(full, full)
    return tuple(sorted(stems.items(), key=lambda item: -len(item[0])))


@lru_cache(maxsize=16384)
def _admin_prefix(name: str) -> str | None:
    for stem, _full in _stems():
        if name.endswith(stem) and _is_prefix(name[: -len(stem)]):
            return name[: -len(stem)]
    return None


class DepartmentRegistry:
    """Registry names with their aliases.

    Parameters
    ----------
    entries : iterable of (str, iterable of str)
        ``(registry name, aliases)`` pairs, e.g. ``("县发展和改革局", ["县发改局"])``.
        A later entry wins when two entries claim the same written form.
    """

    def __init__(self, entries: Iterable[tuple[str, Iterable[str]]] = ()) -> None:
        self._aliases: dict[str, list[str]] = {}
        self._lookup: dict[str, str] = {}
        self._known: dict[str, bool] = {}
        self._resolved: dict[str, str] = {}
        for name, aliases in entries:
            self._add(name, aliases)

    def _add(self, name: str, aliases: Iterable[str]) -> None:
        name = clean_department_name(name)
        if not name:
            return
        for key in [name, *(clean_department_name(a) for a in aliases)]:
            if not key:
                continue
            owner = self._lookup.get(key)
            if owner is not None and owner != name:
                if key == owner:
                    # the written form was a registry name of its own; it becomes an alias now
                    for alias in self._aliases.pop(owner, []):
                        if self._lookup.get(alias) == owner:
                            self._lookup[alias] = name
                            self._aliases.setdefault(name, []).append(alias)
                else:
                    self._aliases[owner].remove(key)
            self._lookup[key] = name
            self._aliases.setdefault(name, [])
            if key != name and key not in self._aliases[name]:
                self._aliases[name].append(key)

    @classmethod
    def default(cls) -> DepartmentRegistry:
        """The packaged registry: common abbreviations under every administrative prefix.

        Returns
        -------
        DepartmentRegistry
            One entry per (prefix, full stem) with the abbreviations as aliases, e.g.
            ``("县发展和改革局", ["县发改局", "县发展改革局"])``.
        """
        by_full: dict[str, list[str]] = {}
        for written, full in _stems():
            if written != full:
                by_full.setdefault(full, []).append(written)
        entries = [
            (prefix + full, [prefix + written for written in writtens])
            for prefix in _ADMIN_PREFIXES
            for full, writtens in by_full.items()
        ]
        return cls(entries)

    def canonical(self, written: str) -> str:
        """The registry name for a written form.

        Parameters
        ----------
        written : str
            A department name as written in a plan, e.g. "县发改局" [text].

        Returns
        -------
        str
            The registry name ("县发展和改革局"); an unknown name is returned cleaned
            (whitespace and edge punctuation trimmed) but otherwise as written [text].
        """
        name = clean_department_name(written)
        if name in self._lookup:
            return self._lookup[name]
        resolved = self._resolved.get(name)
        if resolved is None:
            resolved = name
            for stem, full in _stems():
                if name.endswith(stem):
                    prefix = name[: -len(stem)]
                    if _is_prefix(prefix):
                        expanded = prefix + full
                        resolved = self._lookup.get(expanded, expanded)
                        break
            if len(self._resolved) < 16384:
                self._resolved[name] = resolved
        return resolved

    def admin_prefix(self, written: str) -> str | None:
        """The administrative prefix of a written name ("县" of 县发改局, "岳阳县" of 岳阳县发改局).

        Returns "" for a bare stem written without prefix (发改局), and None when the
        name does not end with a known stem.
        """
        return _admin_prefix(clean_department_name(written))

    def knows(self, written: str) -> bool:
        """Whether a written form is a registry name, an alias, or prefix + a known stem."""
        name = clean_department_name(written)
        if name in self._lookup:
            return True
        known = self._known.get(name)
        if known is None:
            known = any(name.endswith(stem) and _is_prefix(name[: -len(stem)]) for stem, _full in _stems())
            if len(self._known) < 16384:
                self._known[name] = known
        return known

    def merged(self, other: DepartmentRegistry) -> DepartmentRegistry:
        """A new registry with ``other``'s entries laid over this one's (``other`` wins)."""
        return DepartmentRegistry([*self.entries(), *other.entries()])

    def entries(self) -> list[tuple[str, list[str]]]:
        """``(registry name, aliases)`` pairs in insertion order."""
        return [(name, list(aliases)) for name, aliases in self._aliases.items()]

    def __len__(self) -> int:
        return len(self._aliases)

    def __repr__(self) -> str:
        return f"DepartmentRegistry({len(self)} departments)"
