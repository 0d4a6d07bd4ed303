"""``{% load sink_tags %}``: figures with thousands separators (display only, no arithmetic)."""

from __future__ import annotations

import math
from typing import Any

from django import template

register = template.Library()


@register.filter
def fixed(value: Any, digits: int = 2) -> str:
    """``{{ x|fixed }}`` → 1,234.57; ``{{ x|fixed:0 }}`` → 1,235; None → —."""
    if value is None or value == "":
        return "—"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(number):
        return "—"
    return f"{number:,.{int(digits)}f}"
