"""Chinese numerals as used in plan headings: 1 -> 一, 10 -> 十, 12 -> 十二, 21 -> 二十一."""

_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """Chinese numeral for 0 <= n < 100 (plan headings never go higher); else the digits."""
    if not 0 <= n < 100:
        return str(n)
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
