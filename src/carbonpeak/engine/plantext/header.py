"""The plan's header: title, document number (文号), issuer (发文机关), issue date (成文日期)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from .normalize import width_normalise

__all__ = ["PLAN_TITLE", "Header", "parse_date", "parse_header"]

_DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fff]{1,12}(?:\s*[〔\[(（【]\s*(?:19|20)\d{2}\s*[〕\])）】]\s*)\d{1,4}\s*号"
)
PLAN_TITLE = re.compile(
    r"^[^,，。;；:：《》]{2,50}?(?:碳达峰|碳中和|双碳)[^,，。;；:：《》]{0,20}?方案(?:[(（][^)）]{2,20}[)）])?$"
)
_QUOTED_TITLE = re.compile(r"《([^《》]{2,60}?(?:碳达峰|碳中和|双碳)[^《》]{0,30}?(?:方案|计划|意见))》")
_NOTICE = re.compile(r"^(?P<issuer>[^《》,，。]{2,40}?)\s*关于印发")
_NOTICE_PLAN = re.compile(r"关于印发\s*《?(?P<title>[^《》]{2,60}?)》?\s*的?通知")
_CN_DIGITS = {
    "〇": 0,
    "○": 0,
    "零": 0,
    "O": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2}|[〇○零O一二三四五六七八九]{4})\s*年\s*(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})\s*月"
    r"\s*(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日"
)
_ISO_DATE = re.compile(r"((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})")


@dataclass
class Header:
    title: str
    document_number: str | None
    issuer: str | None
    issued_on: datetime.date | None


def _cn_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if len(text) == 4 and all(ch in _CN_DIGITS for ch in text):
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS.get(text, 0)


def parse_date(text: str) -> datetime.date | None:
    """The first calendar date written in ``text`` (2024年3月18日, 二〇二四年三月十八日, 2024-03-18)."""
    norm = width_normalise(text)
    match = _DATE.search(norm)
    try:
        if match:
            return datetime.date(_cn_number(match["y"]), _cn_number(match["m"]), _cn_number(match["d"]))
        iso = _ISO_DATE.search(norm)
        if iso:
            return datetime.date(int(iso[1]), int(iso[2]), int(iso[3]))
    except ValueError:
        return None
    return None


def _labelled(paragraphs: list[str], labels: str) -> str | None:
    pattern = re.compile(rf"(?:{labels})\s*[:：]\s*(.+)$")
    for paragraph in paragraphs:
        match = pattern.search(width_normalise(paragraph))
        if match:
            return paragraph[match.start(1) :].strip()
    return None


_SIGNATORY = re.compile(
    r"^[\u4e00-\u9fff]{0,30}(?:人民政府|政府|委员会|管委会|管理委员会|办公室|办公厅|国务院|局|厅|委)$"
)


def _signatory(head: list[str]) -> str | None:
    """The signing body of the notice: the line right above the signature date (长沙市人民政府 / 2023年1月13日)."""
    for index in range(1, len(head)):
        date_line = width_normalise(head[index]).strip()
        if _DATE.fullmatch(date_line):
            above = head[index - 1].strip()
            if _SIGNATORY.match(above) and len(above) >= 3 and "关于" not in above:
                return above
    return None


def parse_header(paragraphs: list[str], body_start: int) -> Header:
    """Find the header fields in the paragraphs before the body (``body_start``) and in metadata lines.

    Parameters
    ----------
    paragraphs : list of str
        Cleaned paragraphs of the document.
    body_start : int
        Index of the first structural paragraph (一、 …); the header lives before it.
    """
    head = paragraphs[: max(body_start, 1)]
    # document number: a labelled 文号, a standalone line, or the first one not cited inside 《》(...)
    document_number = None
    labelled = _labelled(head, "文号|发文字号")
    if labelled and _DOC_NUMBER.search(labelled):
        document_number = _DOC_NUMBER.search(labelled).group(0)  # type: ignore[union-attr]
    if document_number is None:
        for paragraph in head:
            match = _DOC_NUMBER.search(paragraph)
            if match and (
                len(paragraph) <= len(match.group(0)) + 4
                or not re.search(r"》\s*[(（]$", paragraph[: match.start()])
            ):
                document_number = match.group(0)
                break
    if document_number:
        document_number = re.sub(r"\s+", "", document_number)

    title = ""
    for paragraph in head:
        candidate = paragraph.strip()
        if PLAN_TITLE.match(candidate) and "印发" not in candidate and "关于" not in candidate:
            title = candidate
            break
    issuer = None
    for index, paragraph in enumerate(head):
        # the metadata table may repeat the notice title: "名称:X市人民政府关于印发…的通知"
        title_label = re.match(r"^\s*(?:名\s*称|标\s*题)\s*[:：]\s*", width_normalise(paragraph))
        if title_label:
            paragraph = paragraph[title_label.end() :]
        norm = width_normalise(paragraph)
        match = _NOTICE.match(norm)
        if (
            match is None
            and index + 1 < len(head)
            and re.match(r"^\s*关于印发", head[index + 1])
            and re.search(r"(?:政府|委员会|办公室|办公厅|委|厅|局|会|院)$", paragraph.strip())
        ):
            issuer = paragraph.strip()
        if match:
            issuer = issuer or paragraph[: match.end("issuer")].strip() or None
            if issuer and issuer.endswith("关于"):
                issuer = issuer[:-2]
        if not title:
            quoted = _QUOTED_TITLE.search(paragraph)
            notice_plan = _NOTICE_PLAN.search(paragraph)
            if quoted and ("印发" in paragraph or index < 6):
                title = quoted.group(1)
            elif notice_plan and PLAN_TITLE.match(notice_plan.group("title")):
                title = notice_plan.group("title")
    if issuer is not None and not re.search(
        r"(?:政府|委员会|办公室|办公厅|委|厅|局|部|院|会|小组|指挥部)$", issuer
    ):
        issuer = None
    if issuer is None:
        publisher = _labelled(head, "发文机关|发布机构|发布单位")
        issuer = publisher or None
    if issuer is None:
        issuer = _signatory(head)

    issued_on = None
    labelled_date = _labelled(head, "成文日期")
    if labelled_date:
        issued_on = parse_date(labelled_date)
    if issued_on is None:
        for paragraph in head:
            stripped = width_normalise(paragraph).strip()
            match = _DATE.fullmatch(stripped)
            if match:
                issued_on = parse_date(stripped)
                break
    if issued_on is None:
        for label in ("生效日期", "发文日期", "发布日期", "印发日期"):
            value = _labelled(head, label)
            if value and parse_date(value):
                issued_on = parse_date(value)
                break
    return Header(title=title, document_number=document_number, issuer=issuer, issued_on=issued_on)
