"""Display filters for indicator values (formatting only, no arithmetic on figures)."""

from __future__ import annotations

import math
from decimal import Decimal

from django import template

from carbonpeak.core.formatting import format_number

register = template.Library()


@register.filter
def num(value) -> str:
    """A figure with sensible significant digits: 1,234,567 / 135.5 / 0.4321 (the site-wide rule)."""
    return format_number(value)


@register.filter
def period(t) -> str:
    """Decimal period time back to a label: 2023.0 -> 2023年, 2022.25 -> 2022年Q1."""
    if t is None:
        return "—"
    t = float(t)
    if t == int(t):
        return f"{int(t)}年"
    year = int(math.floor(t)) + 1
    quarter = round((t - math.floor(t)) * 4)
    return f"{year}年Q{quarter}"


@register.filter
def pct(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{float(value):.{int(digits)}f}%"


@register.filter
def exact(value) -> str:
    """A target as committed, every written digit kept: 99.867 stays 99.867, 1150000 reads 1,150,000."""
    if value is None or value == "":
        return "—"
    text = format(value.normalize(), "f") if isinstance(value, Decimal) else repr(float(value))
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    whole, dot, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    if digits.isdigit() and len(digits) > 3:
        whole = sign + f"{int(digits):,}"
    return whole + dot + frac
