"""Cleaning a copied plan text: traditional -> simplified, web-page noise, stray line breaks.

Parsing runs on a *width-normalised* twin of each paragraph (full-width digits,
letters, brackets and punctuation mapped one-to-one to ASCII), so every offset
found in the twin slices the verbatim paragraph.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["MARKER_RE", "clean_paragraphs", "to_simplified", "widen_map", "width_normalise"]

# one-to-one character map: full-width ASCII -> ASCII, plus CJK brackets used like ASCII ones
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_WIDTH.update(
    {
        0x3000: 0x20,
        ord("【"): ord("["),
        ord("】"): ord("]"),
        ord("〔"): ord("["),
        ord("〕"): ord("]"),
        ord("﹪"): ord("%"),
    }
)


def widen_map() -> dict[int, int]:
    """The one-to-one translation table used by :func:`width_normalise`."""
    return dict(_WIDTH)


_WIDE = re.compile("[\uff01-\uff5e\u3000【】〔〕﹪]")


@lru_cache(maxsize=8192)
def width_normalise(text: str) -> str:
    """Map full-width ASCII forms (（）：，；．０-９％), 【】 and 〔〕 to ASCII; the length is unchanged."""
    return text.translate(_WIDTH) if _WIDE.search(text) else text


@lru_cache(maxsize=1)
def _converter():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Convert traditional characters to simplified with OpenCC's ``t2s`` configuration.

    References
    ----------
    .. [1] OpenCC, Open Chinese Convert, configuration ``t2s.json`` (Traditional Chinese
       to Simplified Chinese), https://github.com/BYVoid/OpenCC
    """
    return str(_converter().convert(text))


# structural markers at the start of a (width-normalised) line
MARKER_RE = re.compile(
    r"^\s*(?:"
    r"第[一二三四五六七八九十]+[章节部分篇]"
    r"|[一二三四五六七八九十]+\s*[、.,]"
    r"|[(\[][一二三四五六七八九十]+[)\]]"
    r"|\d{1,2}\s*(?:[.、,](?!\d)|\)(?!\d))"
    r"|[(\[]\d{1,2}[)\]]"
    r"|[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]"
    r"|\[?(?:牵头|责任|负责|配合|参加|参与|协同|协办|主办|主责)(?:单位|部门)\s*[\]:]"
    r"|(?:完成时限|完成时间|时间进度)\s*:"
    r")"
)

_BULLET_RE = re.compile(r"^[\s•·●◆◇■□▪▫►▶★☆\-*]+")
_NOISE_RE = re.compile(
    r"浏览(?:量|次数)|阅读(?:量|数|次数)|访问量|点击(?:量|数|率)|分享到|扫一扫|打印本页|【?打印】?$|关闭(?:窗口|本页)"
    r"|字体\s*[:：]?\s*[\[【]?\s*大|(?<!发文)字号\s*[:：]|^字号$|^\s*[\[【]?\s*大\s*中\s*小\s*[\]】]?\s*$|收藏本页|加入收藏|返回顶部"
    r"|^上一篇|^下一篇|^相关(?:链接|阅读|文章|新闻|文件)|责任编辑|^编辑\s*[:：]|^来源\s*[:：]|^发布时间|^作者\s*[:：]"
    r"|网站(?:地图|标识码)|版权所有|^主办单位\s*[:：]|^承办单位\s*[:：]|ICP备|公网安备|技术支持\s*[:：]|^联系我们"
    r"|政务微博|政务微信|无障碍|适老化|Copyright|©|^首页\s*[>»/]|当前位置|您(?:当前)?的位置|^位置\s*[:：]"
    r"|^[\s|｜>»/]*$"
    r"|^(?:(?:基本介绍|基本信息|发布信息|内容全文|全文|档案内容|方案全文|原文如下|全文如下)\s*[,，、:：]?\s*)+$"
)
_DOC_NUMBER_LINE = re.compile(
    r"^[\u4e00-\u9fff]{1,12}\s*[〔\[(（【]\s*(?:19|20)\d{2}\s*[〕\])）】]\s*\d{1,4}\s*号$"
)
_META_LABEL = re.compile(
    r"^\s*(?:索引号|发布机构|发文机关|发文字号|文号|成文日期|发文日期|发布日期|生效日期|有效性|效力状态|废止依据|主题分类|主题词"
    r"|主\s*题|名\s*称|标\s*题|信息时效期|公开方式|公开范围|统一登记号|登记号|信息状态|中文名|颁布时间|发布单位)\s*[:：]"
)
_TERMINAL = tuple('。!?:)]》”"')
_SENTENCE_PUNCT = re.compile(r"[。,;，；]")
_DATE_OR_NUMBER = re.compile(r"\d{4}|[〇一二三四五六七八九十]{4}年")


# some mirrors annotate polyphonic characters with pinyin: 发(fā)展, 镇(zhèn)
_PINYIN = re.compile(r"[(（](?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]{1,7}[)）]")
# others write the pinyin without tone marks: 长(chang)沙, 面(mian)(mian) — a syllable right after a character
_PINYIN_PLAIN = re.compile(
    r"(?<=[\u4e00-\u9fff)])[(（](?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?(?:[aeiouv]|ü)[a-z]{0,4}[)）]"
)
# mirrors that lost characters show "?" between them: 发?文?字?号?: / 索???引??号
_LOST_CHARS = re.compile(
    r"(?<=[\u4e00-\u9fff ])[?？]+(?=[\u4e00-\u9fff :：])|^[?？\s]+(?=[\u4e00-\u9fff]|$)", re.MULTILINE
)
# PDF copies put spaces between characters and numbers: 到 2025 年, 下降 14%
_SPACED_NUMBER = re.compile(r"(?<=[\u4e00-\u9fff])[ \t\u3000]+(?=\d)|(?<=\d)[ \t\u3000]+(?=[\u4e00-\u9fff%])")
# and insert stray commas: 碳达峰,、碳中和 / 实施,。 / 指导,,全面
_DOUBLE_COMMA = re.compile(r"([,，])[,，]+")
_COMMA_BEFORE = re.compile(r"[,，]([、。])")
# publication metadata glued to the end of a title line: “…实施方案 发布时间:2022-10-10 14:04”
_TRAILING_META = re.compile(
    r"[ \t\u3000]+(?:发布时间|发布日期|发文日期|来源|浏览次数|浏览量|点击数)\s*[:：][^\n]*"
)


# text extracted from a PDF or a converted .docx keeps the page's line wraps as spaces and
# loses the paragraph breaks: "…单位生 产总值…“碳达峰十大行动”。 (一)能源绿色低碳转型行动 1.大力推进…"
_WRAP_SPACE = re.compile(
    r"(?<=[\u4e00-\u9fff，。、；：“”（）),;:])[ \t\u3000]+(?=[\u4e00-\u9fff，。、；：“”（）(])"
)
_SPACE_BEFORE_MARKER = re.compile(
    r"[ \t\u3000]+(?=(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d{1,2}[.、．](?!\d)|[(（]\d{1,2}[)）])"
    r"\s*[\u4e00-\u9fff])"
)


_HEADING_BEFORE_SPACE = re.compile(
    r"^([^,，。;；:：]{2,30}?(?:实施方案|行动方案|工作方案|方案|目标|任务|行动|要求|原则|思想|保障|措施|工程|机制|路径))"
    r"[ \t\u3000]+(?=\S)"
)


def _unwrap_extracted(line: str) -> str:
    """Undo the line wraps of a collapsed PDF/.docx extract: a space before a marker is a paragraph
    break, other spaces between Chinese characters are wraps. Other lines are returned unchanged."""
    if len(line) < 150 or len(_WRAP_SPACE.findall(line)) < 4:
        return line
    pieces = []
    for piece in _SPACE_BEFORE_MARKER.split(line):
        # a heading or title, then a space, then its paragraph: "一、主要目标 “十四五”期间，…"
        heading = _HEADING_BEFORE_SPACE.match(piece)
        if heading:
            pieces.extend([heading.group(1), piece[heading.end() :]])
        else:
            pieces.append(piece)
    return "\n".join(_WRAP_SPACE.sub("", piece) for piece in pieces)


_CJK_OR_PUNCT = "\u4e00-\u9fff，。、；：？！“”‘’（）《》〔〕【】"
_SPACED_PAIR = re.compile(f"(?<=[{_CJK_OR_PUNCT}])[ \u3000](?=[{_CJK_OR_PUNCT}])")
_CJK_PAIR = re.compile("[\u4e00-\u9fff](?=[\u4e00-\u9fff])")
# in spaced-out text: every single space except one between two Latin letters or digits
_SPACED_ANY = re.compile(r"(?<=[^\sA-Za-z0-9])[ \u3000](?=\S)|(?<=\S)[ \u3000](?=[^\sA-Za-z0-9])")


def _despace(text: str) -> str:
    """Text whose characters an extractor spaced apart ("碳 达 峰 实 施 方 案", justified PDF
    lines): the single spaces between Chinese characters and punctuation are removed.
    Only when such spaces are common (a third of the character pairs); ordinary text keeps
    its spaces (they may separate a title from its paragraph)."""
    sample = text[:200_000]
    spaced = len(_SPACED_PAIR.findall(sample))
    if spaced < 20 or spaced < 0.33 * (spaced + len(_CJK_PAIR.findall(sample))):
        return text
    return _SPACED_ANY.sub("", text)


def _is_noise(line: str) -> bool:
    return bool(_NOISE_RE.search(line)) and len(line) < 120


_COLLAPSED = re.compile(
    # a marker after a full stop or a closing bracket
    r"[。)\]](\s*(?:[(\[][一二三四五六七八九十]+[)\]]|[一二三四五六七八九十]+、|\d{1,2}[.、](?!\d)|[(\[]\d{1,2}[)\]]"
    r"|(?:牵头|责任|配合|参与|参加)(?:单位|部门)[:]))"
    r"(?=[\u4e00-\u9fff])"
    # a numbered item right after a heading that has no full stop: …转型行动1.大力发展… / 总体要求(一)指导思想
    r"|(?<=[\u4e00-\u9fff])((?:\d{1,2}[.](?!\d)|[(][一二三四五六七八九十]+[)]|[(]\d{1,2}[)]))(?=[\u4e00-\u9fff]{2})"
    # a top-level heading glued to the text before it: …约束性二、重点任务
    r"|(?<=[\u4e00-\u9fff])([一二三四五六七八九十]+、)(?=[\u4e00-\u9fff]{2,14}?(?:行动|任务|目标|要求|措施|保障|原则|思想|机制|实施))"
)


def _split_collapsed(line: str) -> list[str]:
    """Split a line where a copy collapsed paragraphs: a marker right after 。 or a closing bracket."""
    norm = width_normalise(line)
    if len(line) < 60:
        return [line]
    cuts = [next(m.start(g) for g in (1, 2, 3) if m.group(g) is not None) for m in _COLLAPSED.finditer(norm)]
    if not cuts:
        return [line]
    pieces = []
    start = 0
    for cut in cuts:
        pieces.append(line[start:cut])
        start = cut
    pieces.append(line[start:])
    return [p for p in pieces if p.strip()]


def _depth(text: str) -> int:
    """Open brackets minus closed ones in a width-normalised text."""
    return text.count("(") + text.count("[") - text.count(")") - text.count("]")


def _joins(prev: str, cur: str, adjacent: bool, prev_bullet: bool, opened: int | None = None) -> bool:
    """Whether ``cur`` continues ``prev`` (a stray line break inside a word or sentence).

    ``prev`` may be shortened to its head and tail (a long paragraph: only its start, its end
    and its bracket depth ``opened`` matter), which keeps cleaning linear in the text size.
    """
    if prev_bullet or not prev or not cur:
        return False
    p = width_normalise(prev)
    c = width_normalise(cur)
    if MARKER_RE.match(c):
        return False
    # a document number or a notice title starts its own line: 琼府〔2022〕27号 / 海南省人民政府关于印发…的通知
    if _DOC_NUMBER_LINE.match(c) or "关于印发" in c[:40]:
        return False
    # the metadata table of a government site: one "label: value" per line
    if _META_LABEL.match(c) or _META_LABEL.match(p):
        return False
    if "关于印发" in p and not p.endswith("通知") and c.endswith("通知") and len(c) <= 40:
        return True  # a notice title broken over two lines: …关于印发东莞市 / 碳达峰实施方案的通知
    if opened is None:
        opened = _depth(p)
    if opened > 0:
        return True  # inside a bracket: the paragraph cannot end here
    if p.endswith(_TERMINAL):
        if not p.endswith((")", "]")):
            return False
        last_open = max(p.rfind("("), p.rfind("["))
        group = p[last_open:]
        # a bracket ends a paragraph when it assigns departments or stands alone ((此件主动公开))
        if last_open <= 0 or re.search(r"牵头|负责|配合|责任|参加|参与|公开|印发", group):
            return False
    short_heading = (
        len(p) <= 40
        and not _SENTENCE_PUNCT.search(p)
        and (
            len(p) <= 25
            or bool(MARKER_RE.match(p))
            or bool(re.search(r"(?:通知|方案|意见|决定|办法)$|《", p))
        )
    )
    if not short_heading:
        return True
    if not adjacent:
        return False
    # a short line without punctuation: a title or heading, unless the next line is a short tail
    if _DATE_OR_NUMBER.search(c) or c[:1].isdigit() or _DATE_OR_NUMBER.search(p):
        return False
    # only a short tail without punctuation or digits completes a broken heading (…发展行 / 动);
    # a complete title (…实施方案 / …的通知) takes no tail
    if re.search(r"(?:方案|通知|意见|决定|办法)$", p):
        return False
    return len(c) <= 8 and not re.search(r"[\d。,;:!?，；：]", c)


def clean_paragraphs(text: str) -> list[str]:
    """Clean text into paragraphs: simplified characters, no web noise, stray breaks joined.

    Parameters
    ----------
    text : str
        The document text as read (any width, traditional or simplified characters).

    Returns
    -------
    list of str
        Non-empty paragraphs, stripped, in document order.
    """
    text = _despace(to_simplified(text.replace("\r\n", "\n").replace("\r", "\n")))
    text = text.replace("\u00a0", " ").replace("\ufeff", "").replace("\u200b", "")
    text = "\n".join(_unwrap_extracted(line) for line in text.split("\n"))
    text = re.sub(r"(?<=[A-Za-z0-9])[ \t]+(?=[)）])|(?<=[(（])[ \t]+(?=[A-Za-z0-9])", "", text)
    text = _PINYIN.sub("", text)
    text = _PINYIN_PLAIN.sub("", text)
    text = _LOST_CHARS.sub("", text)
    text = _SPACED_NUMBER.sub("", text)
    text = _DOUBLE_COMMA.sub(r"\1", text)
    text = _COMMA_BEFORE.sub(r"\1", text)
    text = _TRAILING_META.sub("", text)
    paragraphs: list[list[str]] = []  # the pieces of each paragraph, joined at the end
    bullets: list[bool] = []
    depths: list[int] = []
    adjacent = False
    for raw in text.split("\n"):
        stripped = raw.strip(" \t\u3000")
        if not stripped:
            adjacent = False
            continue
        bullet = bool(_BULLET_RE.match(stripped)) and not MARKER_RE.match(width_normalise(stripped))
        line = _BULLET_RE.sub("", stripped).strip() if bullet else stripped
        if not line or _is_noise(width_normalise(line)):
            adjacent = False
            continue
        for piece in _split_collapsed(line):
            piece = piece.strip()
            if (
                paragraphs
                and not bullet
                and _joins(_view(paragraphs[-1]), piece, adjacent, bullets[-1], depths[-1])
            ):
                paragraphs[-1].append(piece)
                depths[-1] += _depth(width_normalise(piece))
            else:
                paragraphs.append([piece])
                bullets.append(bullet)
                depths.append(_depth(width_normalise(piece)))
            adjacent = True
    return ["".join(pieces) for pieces in paragraphs]


def _view(pieces: list[str]) -> str:
    """A paragraph's text for :func:`_joins`: whole when short, else its head and tail."""
    if len(pieces) == 1 and len(pieces[0]) <= 400:
        return pieces[0]
    text = pieces[0] if len(pieces) == 1 else pieces[0] + pieces[-1]
    if len(pieces) > 2 or len(text) > 400:
        head = pieces[0][:200]
        tail = "".join(pieces[-3:])[-200:]
        return head + tail
    return text
