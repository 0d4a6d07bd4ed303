"""How a figure is written for a person: thousands separators, sensible precision, unit.

One place for every page, alarm message, e-mail and export, so that the same
figure reads the same everywhere (``1,045,900 m³``, not ``1.0459e+06 m3``;
``968,422``, not ``968421.7949999999``). Pure functions, no Django; the template
filters in ``carbonpeak.core.templatetags.carbonpeak`` wrap them.

Precision follows the size of the figure (a leader reads magnitudes, the
underlying value keeps every digit):

======================  =====================  ===========
magnitude               decimals shown         example
======================  =====================  ===========
≥ 10 000                0                      1,045,900
100 – 10 000            up to 1                1,234.5
1 – 100                 up to 2                38.84
below 1                 up to 4                0.4321
======================  =====================  ===========

Trailing zeros are dropped; an explicit ``digits`` fixes the decimals instead.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

#: ASCII and programmer spellings of units and how they are written for people.
UNIT_LABELS: dict[str, str] = {
    "m3": "m³",
    "Nm3": "Nm³",
    "10^4 m3": "万m³",
    "10k_m3": "万m³",
    "万m3": "万m³",
    "万Nm3": "万Nm³",
    "m2": "m²",
    "km2": "km²",
    "hm2": "hm²",
    "t": "吨",
    "tce": "吨标准煤",
    "10k_tce": "万吨标准煤",
    "tCO2": "吨CO₂",
    "t CO2": "吨CO₂",
    "吨CO2": "吨CO₂",
    "万吨CO2": "万吨CO₂",
    "10k_tCO2": "万吨CO₂",
    "tCO2e": "吨CO₂当量",
    "10k_yuan": "万元",
    "pct": "%",
}


def unit_label(unit: str | None) -> str:
    """The unit as a person writes it: ``m3`` -> ``m³``, ``tCO2`` -> ``吨CO₂``; unknown ones unchanged."""
    if not unit:
        return ""
    text = str(unit).strip()
    if text in UNIT_LABELS:
        return UNIT_LABELS[text]
    # CO2 and m3 inside a longer unit (吨CO2/万元, m3/h).
    return text.replace("CO2", "CO₂").replace("m3", "m³").replace("m2", "m²")


def _as_float(value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    try:
        number = float(value.normalize()) if isinstance(value, Decimal) else float(value)
    except (TypeError, ValueError, ArithmeticError):
        return None
    return number if math.isfinite(number) else None


def format_number(value: Any, digits: int | None = None, unit: str | None = None) -> str:
    """``value`` with thousands separators and sensible precision, and its unit if given.

    Parameters
    ----------
    value : number, Decimal, numeric string or None
        The figure [any unit]. ``None``, blanks and non-finite values give ``—``.
    digits : int, optional
        Fixed number of decimals (trailing zeros kept); default: by magnitude (module docstring).
    unit : str, optional
        Unit written after the figure (``%`` directly, others after a space), spelled by
        :func:`unit_label`.

    Returns
    -------
    str
        e.g. ``format_number(1.0459e6, unit="m3") == "1,045,900 m³"``.
    """
    number = _as_float(value)
    if number is None:
        return "—" if value is None or value == "" or _is_number_like(value) else str(value)
    if digits is not None:
        text = f"{number:,.{int(digits)}f}"
    else:
        a = abs(number)
        if a >= 10000:
            text = f"{number:,.0f}"
        elif a >= 100:
            text = _trim(f"{number:,.1f}")
        elif a >= 1:
            text = _trim(f"{number:,.2f}")
        else:
            text = _trim(f"{number:.4f}")
    if text in ("-0", "-0.0", "-0.00"):
        text = text[1:]
    label = unit_label(unit)
    if not label:
        return text
    return f"{text}{label}" if label in ("%", "‰") else f"{text} {label}"


def format_percent(value: Any, digits: int = 1) -> str:
    """A percentage [%] with fixed decimals: ``38.84`` -> ``38.8%`` (``digits=1``)."""
    number = _as_float(value)
    if number is None:
        return "—"
    return f"{number:,.{int(digits)}f}%"


def format_co2_10kt(co2_t: Any) -> str:
    """Tonnes of CO₂ written in 万吨CO₂ (the unit plans and leaders use): 1,234,567 t -> ``123.46 万吨CO₂``."""
    number = _as_float(co2_t)
    if number is None:
        return "—"
    return format_number(number / 10000, digits=2, unit="万吨CO₂")


def excel_number_format(value: Any) -> str | None:
    """The Excel cell format that shows ``value`` by the same rule as :func:`format_number`.

    ``None`` for what is not a figure, and for integers below 10 000 (years, counts: shown
    as they are, 2025 not 2,025). Exports keep numbers as numbers; only the format differs.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    a = abs(float(value))
    if isinstance(value, int):
        return "#,##0" if a >= 10000 else None
    if a >= 10000:
        return "#,##0"
    if a >= 100:
        return "#,##0.0"
    if a >= 1:
        return "#,##0.00"
    return "0.0000" if a else None


#: Comparators as stored (``>=``) and as a person reads them (``≥``).
COMPARATOR_SYMBOLS: dict[str, str] = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<"}


def comparator_symbol(comparator: str | None) -> str:
    """``>=`` -> ``≥``, ``<=`` -> ``≤`` (programmer notation never reaches a page)."""
    if not comparator:
        return ""
    return COMPARATOR_SYMBOLS.get(str(comparator).strip(), str(comparator))


def _trim(text: str) -> str:
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _is_number_like(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal))
