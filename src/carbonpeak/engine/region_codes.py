"""Administrative region codes (行政区划代码, GB/T 2260).

A code has six digits: two for the province, two for the city (prefecture), two
for the county or district. The level follows from the zeros: ``PP0000`` is a
province, ``PPCC00`` a city, anything else a county-level unit; the parent of a
county is ``PPCC00`` and of a city ``PP0000``.

The packaged table ``reference/regions_gbt2260.csv`` holds the regions of the
sample installation (Hunan, Yueyang City and its counties), each row with its
source; an installation loads its own province's codes with
``carbonpeak regions import``.

References
----------
.. [1] GB/T 2260 中华人民共和国行政区划代码; 民政部《中华人民共和国县以上行政区划代码》.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from importlib import resources

CODE_RE = re.compile(r"^\d{6}$")
LEVELS = ("province", "city", "county")


@dataclass(frozen=True)
class RegionCode:
    code: str
    name: str
    level: str
    parent_code: str | None
    source: str = ""


def level_of(code: str) -> str:
    """Level implied by a GB/T 2260 code: ``province``, ``city`` or ``county``.

    Raises
    ------
    ValueError
        When ``code`` is not six digits.
    """
    if not CODE_RE.match(code or ""):
        raise ValueError(f"行政区划代码“{code}”应为 6 位数字（GB/T 2260）。")
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "city"
    return "county"


def parent_code_of(code: str) -> str | None:
    """The code of the region directly above, as the code structure implies."""
    level = level_of(code)
    if level == "province":
        return None
    if level == "city":
        return code[:2] + "0000"
    return code[:4] + "00"


def packaged() -> list[RegionCode]:
    """The packaged region table, parents before children."""
    text = resources.files("carbonpeak.engine").joinpath("reference/regions_gbt2260.csv").read_text("utf-8")
    rows = [
        RegionCode(
            code=r["code"],
            name=r["name"],
            level=r["level"],
            parent_code=r["parent_code"] or None,
            source=r.get("source", ""),
        )
        for r in csv.DictReader(text.splitlines())
    ]
    return sorted(rows, key=lambda r: LEVELS.index(r.level))


def find(code: str) -> RegionCode | None:
    for row in packaged():
        if row.code == code:
            return row
    return None
