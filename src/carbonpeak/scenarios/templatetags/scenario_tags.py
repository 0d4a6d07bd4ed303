"""Display filters for the scenario pages (formatting only, no arithmetic on data)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def wan(value: Any) -> str:
    """Tonnes as 万吨 with one decimal (1 234 567 → "123.5")."""
    if value is None or value == "":
        return "—"
    v = float(value) / 1e4
    return f"{0.0 if abs(v) < 0.05 else v:,.1f}"  # no "-0.0"


@register.filter
def pct(value: Any, digits: int = 1) -> str:
    """A fraction as a percentage (0.1234 → "12.3%")."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.{int(digits)}f}%"


@register.filter
def num(value: Any, digits: int = 3) -> str:
    if value is None or value == "":
        return "—"
    return f"{float(value):,.{int(digits)}f}"


@register.filter
def get(mapping: Any, key: Any) -> Any:
    return mapping.get(str(key)) if hasattr(mapping, "get") else None
