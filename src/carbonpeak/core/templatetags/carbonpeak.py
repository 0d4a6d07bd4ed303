"""Template filters shared by every app: ``{% load carbonpeak %}``."""

from django import template

from carbonpeak.core.numerals import cn_number as _cn_number

register = template.Library()


@register.filter
def cn_number(value):
    """``{{ action.number|cn_number }}`` -> 一, 二 … 十."""
    try:
        return _cn_number(int(value))
    except (TypeError, ValueError):
        return value
