"""Template filters shared by every app: ``{% load carbonpeak %}``.

Figures: ``{{ x|number }}``, ``{{ x|number:"m³" }}`` (unit after the figure),
``{{ x|percent }}``, ``{{ co2_t|co2_10kt }}`` (tonnes shown as 万吨CO₂), ``{{ unit|unit_label }}``.
See :mod:`carbonpeak.core.formatting` for the precision rule.
"""

from django import template

from carbonpeak.core import formatting
from carbonpeak.core.numerals import cn_number as _cn_number
from carbonpeak.engine.factor_sources import describe as describe_factor_source

register = template.Library()


@register.filter
def cn_number(value):
    """``{{ action.number|cn_number }}`` -> 一, 二 … 十."""
    try:
        return _cn_number(int(value))
    except (TypeError, ValueError):
        return value


@register.filter
def number(value, unit: str = "") -> str:
    """``{{ 968421.795|number:"m3" }}`` -> ``968,422 m³``."""
    return formatting.format_number(value, unit=unit or None)


@register.filter
def fixed(value, digits: int = 2) -> str:
    """``{{ 8372|fixed:2 }}`` -> ``8,372.00``: fixed decimals (operands of a shown formula)."""
    return formatting.format_number(value, digits=int(digits))


@register.filter
def percent(value, digits: int = 1) -> str:
    """``{{ 38.84|percent }}`` -> ``38.8%``."""
    return formatting.format_percent(value, digits)


@register.filter
def co2_10kt(value) -> str:
    """``{{ 1234567|co2_10kt }}`` (tonnes) -> ``123.46 万吨CO₂``."""
    return formatting.format_co2_10kt(value)


@register.filter
def unit_label(value) -> str:
    """``{{ "m3"|unit_label }}`` -> ``m³``."""
    return formatting.unit_label(value)


@register.filter
def comparator(value) -> str:
    """``{{ ">="|comparator }}`` -> ``≥``."""
    return formatting.comparator_symbol(value)


@register.filter
def audit_changes(entry) -> list:
    """``{% for name, old, new in e|audit_changes %}``: changed fields with Chinese names."""
    from carbonpeak.core.models import audit_changes as _changes

    return _changes(entry)


@register.filter
def has_cjk(value) -> bool:
    """Whether the text contains Chinese characters (error pages show only Chinese explanations)."""
    return any("\u4e00" <= ch <= "\u9fff" for ch in str(value or ""))


@register.filter
def factor_citation(factor) -> str:
    """A factor's standard or notice and clause (not the web copies it was transcribed from)."""
    return describe_factor_source(factor or {}).citation


@register.filter
def factor_verification(factor) -> str:
    """What the factor's verification status means, in Chinese."""
    return describe_factor_source(factor or {}).verification_note


@register.filter
def factor_official_url(factor) -> str:
    """The publisher's own page for the factor's source, where there is one (gov.cn)."""
    return describe_factor_source(factor or {}).official_url
