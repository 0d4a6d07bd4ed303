"""Energy carriers, physical units, and conversion to standard coal (GB/T 2589-2020).

A carrier is named as in Chinese energy statistics (原煤, 柴油, 天然气, 电力, 热力 …).
Each carrier has a *kind* (solid, liquid, gas, electricity, heat), a *category*
used for structure shares (coal, oil, gas, electricity, heat, non_fossil, other) and
a base unit (kg, m3, kWh or MJ) in which its standard-coal coefficient is stated.

Units are the units written in statistics (吨, 万吨, 万立方米, 万千瓦时, 吉焦 …). Each
unit belongs to one dimension (mass, volume, electricity, heat) and has an exact
rational size relative to the dimension's base unit, so that conversions are exact
and invertible.

References
----------
.. [1] GB/T 2589-2020 综合能耗计算通则, clause 4 and Annex A (Table A.1, 各种能源
   折标准煤参考系数); 1 kgce = 29 307.6 kJ (7 000 kcal).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

#: Dimensions and their base unit.
BASE_UNITS: dict[str, str] = {"mass": "kg", "volume": "m3", "electricity": "kWh", "heat": "MJ"}

# unit name -> (dimension, size in base units as an exact Fraction)
_UNIT_TABLE: dict[str, tuple[str, Fraction]] = {}


def _unit(dimension: str, size: Fraction | int | str, *names: str) -> None:
    for name in names:
        _UNIT_TABLE[name] = (dimension, Fraction(size))


# mass, base kg
_unit("mass", 1, "kg", "千克", "公斤")
_unit("mass", Fraction(1, 1000), "g", "克")
_unit("mass", 1000, "t", "吨")
_unit("mass", 10_000_000, "万吨", "万t", "10^4t", "10^4 t")
_unit("mass", 1_000_000, "千吨", "kt")
_unit("mass", 1_000_000_000, "百万吨", "Mt")
# volume (gases at standard state), base m3
_unit("volume", 1, "m3", "立方米", "方", "Nm3", "标准立方米", "m³")
_unit("volume", 1000, "千立方米", "千方", "10^3m3", "10^3 m3", "km3")
_unit(
    "volume", 10_000, "万立方米", "万方", "万m3", "万Nm3", "10^4m3", "10^4 m3", "10^4 Nm3", "10^4Nm3", "万m³"
)
_unit("volume", 100_000_000, "亿立方米", "亿方", "亿m3", "10^8m3", "10^8 m3")
# electricity, base kWh
_unit("electricity", 1, "kWh", "千瓦时", "度", "kW·h", "kw·h", "kwh", "KWh")
_unit("electricity", 1000, "MWh", "兆瓦时", "千千瓦时", "mwh")
_unit("electricity", 10_000, "万千瓦时", "万kWh", "万度", "万kW·h", "10^4kWh", "10^4 kWh")
_unit("electricity", 1_000_000, "GWh", "吉瓦时", "百万千瓦时", "gwh")
_unit("electricity", 100_000_000, "亿千瓦时", "亿kWh", "亿度", "亿kW·h", "10^8kWh", "10^8 kWh")
# heat, base MJ
_unit("heat", Fraction(1, 1000), "kJ", "千焦")
_unit("heat", 1, "MJ", "兆焦", "百万焦")
_unit("heat", 1000, "GJ", "吉焦", "百万千焦", "10^6kJ", "10^6 kJ")
_unit("heat", 1_000_000, "TJ", "太焦")
# 1 kcal (international table calorie) = 4.1868 kJ exactly, so 1 百万千卡 (Gcal) = 4186.8 MJ.
_unit("heat", Fraction("4186.8"), "百万千卡", "Gcal", "吉卡")


def _squash(text: str) -> str:
    return (text or "").strip().replace(" ", "").replace("　", "").replace("³", "3").lower()


_UNIT_INDEX: dict[str, str] = {}
for _name in _UNIT_TABLE:
    _UNIT_INDEX.setdefault(_squash(_name), _name)


class UnknownUnitError(ValueError):
    """The unit is not one this module knows."""


class UnknownCarrierError(ValueError):
    """The carrier name is not in the carrier table (nor an alias)."""


class IncompatibleUnitError(ValueError):
    """The unit measures a different dimension than the carrier (e.g. 原煤 in 万立方米)."""


def normalize_unit(unit: str) -> str:
    """Return the canonical spelling of ``unit`` (its first registered name).

    Raises
    ------
    UnknownUnitError
        If the unit is not known.
    """
    if unit in _UNIT_TABLE:
        return unit
    key = _squash(unit)
    if key in _UNIT_INDEX:
        return _UNIT_INDEX[key]
    raise UnknownUnitError(f"未知计量单位“{unit}”")


def unit_dimension(unit: str) -> str:
    """The dimension (``mass``, ``volume``, ``electricity``, ``heat``) of ``unit``."""
    return _UNIT_TABLE[normalize_unit(unit)][0]


def unit_size(unit: str) -> Fraction:
    """Exact size of one ``unit`` in its dimension's base unit (kg, m3, kWh, MJ)."""
    return _UNIT_TABLE[normalize_unit(unit)][1]


def known_units() -> list[str]:
    """All unit spellings accepted, in registration order."""
    return list(_UNIT_TABLE)


def convert_quantity(quantity: float, from_unit: str, to_unit: str) -> float:
    r"""Convert a quantity between two units of the same dimension.

    Parameters
    ----------
    quantity : float
        Amount in ``from_unit`` [from_unit].
    from_unit, to_unit : str
        Unit names as written in statistics (吨, 万立方米, 万千瓦时, 吉焦 …).

    Returns
    -------
    float
        Amount in ``to_unit`` [to_unit].

    Notes
    -----
    .. math:: q_{to} = q_{from} \times s_{from} / s_{to}

    where :math:`s` is the exact size of the unit in the base unit of its dimension;
    the ratio is computed as an exact fraction, so ``convert(convert(q, a, b), b, a)``
    returns ``q`` up to one float rounding.

    Raises
    ------
    UnknownUnitError, IncompatibleUnitError
    """
    numerator, denominator = _ratio(from_unit, to_unit)
    if denominator == 1:
        # an integer factor below 2**53 is exact in a float, so one multiplication is
        # correctly rounded — the same result as the exact fraction, much faster
        return float(quantity) * numerator if numerator != 1 else float(quantity)
    if numerator == 1:
        return float(quantity) / denominator
    return float(Fraction(quantity) * Fraction(numerator, denominator))


@lru_cache(maxsize=1024)
def _ratio(from_unit: str, to_unit: str) -> tuple[int, int]:
    dim_from, size_from = _UNIT_TABLE[normalize_unit(from_unit)]
    dim_to, size_to = _UNIT_TABLE[normalize_unit(to_unit)]
    if dim_from != dim_to:
        raise IncompatibleUnitError(f"单位“{from_unit}”与“{to_unit}”不是同一种量，不能换算")
    ratio = size_from / size_to
    assert ratio.numerator < 2**53 and ratio.denominator < 2**53
    return ratio.numerator, ratio.denominator


@dataclass(frozen=True)
class Carrier:
    """An energy carrier (能源品种).

    Attributes
    ----------
    code : str
        Stable English code (``RAW_COAL``).
    name_zh : str
        Name as in the statistics and reference tables (原煤).
    kind : str
        ``solid``, ``liquid``, ``gas``, ``electricity`` or ``heat``.
    category : str
        ``coal``, ``oil``, ``gas``, ``electricity``, ``heat``, ``non_fossil`` or ``other``,
        used for the coal share and the non-fossil share.
    dimension : str
        ``mass``, ``volume``, ``electricity`` or ``heat``.
    """

    code: str
    name_zh: str
    kind: str
    category: str
    dimension: str

    @property
    def base_unit(self) -> str:
        """Unit of the standard-coal coefficient: kg, m3, kWh or MJ."""
        return BASE_UNITS[self.dimension]

    @property
    def accounting_unit(self) -> str:
        """Unit of the CO2 factor: t, 万立方米, MWh or GJ (as in GB/T 32150 and the MEE notices)."""
        return {"mass": "t", "volume": "万立方米", "electricity": "MWh", "heat": "GJ"}[self.dimension]


# code, name_zh, kind, category, dimension — the rows of energy_conversion_gbt2589.csv we
# accept as statistics carriers, plus 天然气 (generic natural gas, DEFAULTS §1).
_CARRIERS: list[Carrier] = [
    Carrier("RAW_COAL", "原煤", "solid", "coal", "mass"),
    Carrier("CLEANED_COAL", "洗精煤", "solid", "coal", "mass"),
    Carrier("WASHED_MIDDLINGS", "洗中煤", "solid", "coal", "mass"),
    Carrier("COAL_SLIME", "煤泥", "solid", "coal", "mass"),
    Carrier("BRIQUETTE", "型煤", "solid", "coal", "mass"),
    Carrier("COKE", "焦炭", "solid", "coal", "mass"),
    Carrier("COAL_TAR", "煤焦油", "liquid", "coal", "mass"),
    Carrier("CRUDE_BENZENE", "粗苯", "liquid", "coal", "mass"),
    Carrier("OTHER_COKING_PRODUCTS", "其他焦化产品", "solid", "coal", "mass"),
    Carrier("CRUDE_OIL", "原油", "liquid", "oil", "mass"),
    Carrier("GASOLINE", "汽油", "liquid", "oil", "mass"),
    Carrier("KEROSENE", "煤油", "liquid", "oil", "mass"),
    Carrier("DIESEL", "柴油", "liquid", "oil", "mass"),
    Carrier("FUEL_OIL", "燃料油", "liquid", "oil", "mass"),
    Carrier("RESIDUAL_OIL", "渣油", "liquid", "oil", "mass"),
    Carrier("LPG", "液化石油气", "gas", "oil", "mass"),
    Carrier("REFINERY_DRY_GAS", "炼厂干气", "gas", "oil", "mass"),
    Carrier("OTHER_PETROLEUM_PRODUCTS", "其他石油制品", "liquid", "oil", "mass"),
    Carrier("NATURAL_GAS", "天然气", "gas", "gas", "volume"),
    Carrier("NG_OILFIELD", "油田天然气", "gas", "gas", "volume"),
    Carrier("NG_GASFIELD", "气田天然气", "gas", "gas", "volume"),
    Carrier("LNG", "液化天然气", "gas", "gas", "mass"),
    Carrier("COAL_MINE_METHANE", "煤矿瓦斯气", "gas", "gas", "volume"),
    Carrier("COKE_OVEN_GAS", "焦炉煤气", "gas", "coal", "volume"),
    Carrier("BLAST_FURNACE_GAS", "高炉煤气", "gas", "coal", "volume"),
    Carrier("PRODUCER_GAS", "发生炉煤气", "gas", "coal", "volume"),
    Carrier("HO_CATALYTIC_GAS", "重油催化裂解煤气", "gas", "oil", "volume"),
    Carrier("HO_THERMAL_GAS", "重油热裂解煤气", "gas", "oil", "volume"),
    Carrier("COKE_GASIFICATION_GAS", "焦炭制气", "gas", "coal", "volume"),
    Carrier("PRESSURE_GASIFICATION_GAS", "压力气化煤气", "gas", "coal", "volume"),
    Carrier("WATER_GAS", "水煤气", "gas", "coal", "volume"),
    Carrier("OTHER_GAS_AGGREGATE", "其他煤气", "gas", "coal", "volume"),
    Carrier("ELECTRICITY", "电力", "electricity", "electricity", "electricity"),
    Carrier("HEAT", "热力", "heat", "heat", "heat"),
]

CARRIERS: dict[str, Carrier] = {c.name_zh: c for c in _CARRIERS}

#: Common spellings in county statistics -> carrier name.
CARRIER_ALIASES: dict[str, str] = {
    "煤炭": "原煤",
    "煤": "原煤",
    "洗煤": "洗精煤",
    "精煤": "洗精煤",
    "洗中煤(其他洗煤)": "洗中煤",
    "煤泥(其他洗煤)": "煤泥",
    "石油焦炭": "焦炭",
    "车用汽油": "汽油",
    "航空汽油": "汽油",
    "车用柴油": "柴油",
    "普通柴油": "柴油",
    "航空煤油": "煤油",
    "灯用煤油": "煤油",
    "LPG": "液化石油气",
    "液化气": "液化石油气",
    "管道天然气": "天然气",
    "管道燃气": "天然气",
    "压缩天然气": "天然气",
    "CNG": "天然气",
    "LNG": "液化天然气",
    "焦炉气": "焦炉煤气",
    "电": "电力",
    "电能": "电力",
    "外购电力": "电力",
    "用电量": "电力",
    "电力(当量值)": "电力",
    "热": "热力",
    "外购热力": "热力",
    "热力(当量值)": "热力",
    "蒸汽热力": "热力",
}


def get_carrier(name: str) -> Carrier:
    """Look a carrier up by its Chinese name or a common alias.

    Raises
    ------
    UnknownCarrierError
        If neither the name nor an alias is known.
    """
    key = (name or "").strip().replace("（", "(").replace("）", ")")
    if key in CARRIERS:
        return CARRIERS[key]
    alias = CARRIER_ALIASES.get(key) or CARRIER_ALIASES.get(key.upper())
    if alias:
        return CARRIERS[alias]
    raise UnknownCarrierError(f"未知能源品种“{name}”")


def check_unit_for_carrier(carrier: Carrier, unit: str) -> str:
    """Return the canonical unit if it measures the carrier's dimension.

    Raises
    ------
    UnknownUnitError, IncompatibleUnitError
    """
    canonical = normalize_unit(unit)
    if _UNIT_TABLE[canonical][0] != carrier.dimension:
        raise IncompatibleUnitError(f"单位“{unit}”不能用于能源品种“{carrier.name_zh}”")
    return canonical


def to_standard_coal_tce(quantity: float, unit: str, kgce_per_base_unit: float, carrier: Carrier) -> float:
    r"""Energy in tonnes of standard coal equivalent (当量值 unless the coefficient is an 等价值).

    Parameters
    ----------
    quantity : float
        Physical amount [unit].
    unit : str
        Unit of ``quantity`` (吨, 万立方米, 万千瓦时, 吉焦 …).
    kgce_per_base_unit : float
        Standard-coal coefficient per base unit of the carrier [kgce/kg, kgce/m3,
        kgce/kWh or kgce/MJ].
    carrier : Carrier
        The carrier; fixes the base unit.

    Returns
    -------
    float
        Energy [tce].

    Notes
    -----
    .. math:: E = \frac{q \cdot s_{unit} \cdot k}{1000}

    with :math:`s_{unit}` the size of the unit in the carrier's base unit and
    :math:`k` the coefficient (GB/T 2589-2020 clause 4, :math:`E = \sum e_i k_i`).
    Example: 100 t 原煤 × 1000 kg/t × 0.7143 kgce/kg / 1000 = 71.43 tce.
    """
    base_quantity = convert_quantity(quantity, unit, carrier.base_unit)
    return base_quantity * kgce_per_base_unit / 1000.0
