"""Factor sets: standard-coal coefficients and CO2 factors with their source per value.

A :class:`FactorSet` is the set of factors one computation uses. The default set is
read from the packaged reference tables (``engine/reference/*.csv``) following
``DEFAULTS.md``; user factors (a provincial grid factor for a year, a measured
calorific value, a plant's own CO2 factor) override defaults and are recorded as such.

Lookup keys are ``(kind, key, year)``: ``kind`` is ``kgce`` (standard-coal
coefficient per base unit), ``co2`` (tCO2 per accounting unit), ``ncv`` (measured
net calorific value), ``grid`` (tCO2/MWh by region) or ``power_coal_rate``
(thermal-power standard-coal consumption rate, gce/kWh, for the 等价值); ``year``
``None`` means every year.

References
----------
.. [1] GB/T 2589-2020 综合能耗计算通则, Annex A.
.. [2] GB/T 32150-2015, Annex A Table A.1; NDRC enterprise GHG accounting guidelines.
.. [3] MEE & NBS notices on electricity CO2 emission factors (2021, 2022, 2023 data).
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from carbonpeak.engine import energy
from carbonpeak.engine.emissions import fuel_co2_factor

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"

#: 1 kgce = 7000 kcal × 4.1868 kJ/kcal = 29 307.6 kJ (GB/T 2589-2020, 3.x 标准煤当量).
KJ_PER_KGCE: float = 29307.6

DATASETS = ("CN_DEFAULT", "IPCC2006_DEFAULT")


class FactorError(ValueError):
    """A factor cannot be found or a user factor is invalid (message in Chinese)."""

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None):
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column


@dataclass(frozen=True)
class Factor:
    """One factor value with where it comes from.

    Attributes
    ----------
    kind : str
        ``kgce``, ``co2``, ``ncv``, ``grid`` or ``power_coal_rate``.
    key : str
        Carrier name (原煤) or, for ``grid``, region name (湖南).
    year : int or None
        Data year, ``None`` for all years.
    value : float
        Value in ``unit``.
    unit : str
        ``kgce/kg``, ``kgce/m3``, ``kgce/kWh``, ``kgce/MJ``, ``tCO2/t``,
        ``tCO2/万立方米``, ``tCO2/MWh``, ``tCO2/GJ``, ``GJ/t``, ``GJ/万立方米``, ``gce/kWh``.
    source : str
        Document (standard + clause, notice number) or user's source text.
    version : str
        Version of the table the value came from.
    verification : str
        Verification code of the reference tables, or ``user``.
    origin : str
        ``default`` or ``user``.
    components : dict
        For fuel CO2 factors: ``ncv``, ``ncv_unit``, ``carbon_content_tc_per_tj``, ``oxidation_rate``.
    assumption : str
        Non-empty when using this value is an assumption every result must state.
    """

    kind: str
    key: str
    year: int | None
    value: float
    unit: str
    source: str
    version: str = ""
    verification: str = ""
    origin: str = "default"
    components: dict[str, Any] = field(default_factory=dict)
    assumption: str = ""
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready copy (cached: a factor is immutable)."""
        return dict(self._as_dict)

    @cached_property
    def _as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "key": self.key,
            "year": self.year,
            "value": self.value,
            "unit": self.unit,
            "source": self.source,
            "version": self.version,
            "verification": self.verification,
            "origin": self.origin,
        }
        if self.components:
            data["components"] = dict(self.components)
        if self.assumption:
            data["assumption"] = self.assumption
        if self.note:
            data["note"] = self.note
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Factor:
        return cls(
            kind=data["kind"],
            key=data["key"],
            year=data.get("year"),
            value=float(data["value"]),
            unit=data["unit"],
            source=data.get("source", ""),
            version=data.get("version", ""),
            verification=data.get("verification", ""),
            origin=data.get("origin", "default"),
            components=dict(data.get("components") or {}),
            assumption=data.get("assumption", ""),
            note=data.get("note", ""),
        )


LookupKey = tuple[str, str, "int | None"]

_REGION_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")
_REGION_ALIASES = {
    "中国": "全国",
    "全国电网": "全国",
    "华中区域": "华中",
    "华中电网": "华中",
    "华中区域电网": "华中",
}


def normalize_region(region: str) -> str:
    """Short region name used in the grid table: 湖南省 -> 湖南, 华中区域 -> 华中."""
    name = (region or "").strip()
    if name in _REGION_ALIASES:
        return _REGION_ALIASES[name]
    for suffix in _REGION_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _file_version(path: Path) -> str:
    return f"{path.name}@{hashlib.sha256(path.read_bytes()).hexdigest()[:10]}"


def _read_csv(name: str) -> tuple[list[dict[str, str]], str]:
    path = REFERENCE_DIR / name
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return rows, _file_version(path)


@lru_cache(maxsize=8)
def _default_lookups(dataset: str) -> dict[LookupKey, Factor]:
    lookups: dict[LookupKey, Factor] = {}

    # --- standard coal (GB/T 2589) ------------------------------------------------
    conv_rows, conv_version = _read_csv("energy_conversion_gbt2589.csv")
    by_code = {row["energy_carrier_code"]: row for row in conv_rows}
    code_for = {c.code: c for c in energy.CARRIERS.values()}
    row_code = {"NATURAL_GAS": "NG_OILFIELD", "ELECTRICITY": "ELECTRICITY_EQUIVALENT", "HEAT": "HEAT"}
    for code, carrier in code_for.items():
        row = by_code.get(row_code.get(code, code))
        if row is None or not row["kgce_per_unit"]:
            continue
        note = ""
        if row["kgce_per_unit_max"]:
            note = f"区间 {row['kgce_per_unit']}–{row['kgce_per_unit_max']}，按 DEFAULTS §1 取下限；有实测热值时请用实测值"
        if code == "NATURAL_GAS":
            note = "天然气未区分油田/气田，按 DEFAULTS §1 取 1.3300 kgce/m³（低位发热量 38.931 MJ/m³，与排放因子表 389.31 GJ/万m³ 一致）"
        if code == "ELECTRICITY":
            note = "当量值 0.1229 kgce/kWh（3600 kJ/kWh）"
        source = f"GB/T 2589-2020 附录A（{row['name_zh']}）; {row['source']}"
        lookups[("kgce", carrier.name_zh, None)] = Factor(
            kind="kgce",
            key=carrier.name_zh,
            year=None,
            value=float(row["kgce_per_unit"]),
            unit=f"kgce/{carrier.base_unit}",
            source=source,
            version=conv_version,
            verification=row["verification"],
            note=note,
        )

    # --- fuel CO2 (GB/T 32150 Annex A / IPCC 2006) ---------------------------------
    fuel_rows, fuel_version = _read_csv("fuel_emission_factors.csv")
    names = {name: c for name, c in energy.CARRIERS.items()}
    ipcc_alias = {"一般煤油": "煤油"}
    for row in fuel_rows:
        if row["fuel_code"] == "PURCHASED_HEAT":
            lookups[("co2", "热力", None)] = Factor(
                kind="co2",
                key="热力",
                year=None,
                value=float(row["co2_factor"]),
                unit="tCO2/GJ",
                source=row["source"],
                version=fuel_version,
                verification=row["verification"],
            )
            continue
        if row["dataset"] != dataset:
            continue
        name = ipcc_alias.get(row["name_zh"], row["name_zh"])
        fuel_carrier = names.get(name)
        if fuel_carrier is None or fuel_carrier.dimension not in ("mass", "volume"):
            continue
        carrier = fuel_carrier
        if dataset == "CN_DEFAULT":
            ncv, cc, of = (
                float(row["ncv"]),
                float(row["carbon_content_tc_per_tj"]),
                float(row["oxidation_rate"]),
            )
            value = fuel_co2_factor(ncv, cc, of)
            components = {
                "ncv": ncv,
                "ncv_unit": "GJ/t" if carrier.dimension == "mass" else "GJ/万立方米",
                "carbon_content_tc_per_tj": cc,
                "oxidation_rate": of,
            }
        else:
            if carrier.dimension != "mass":
                continue  # IPCC NCV is per mass; a volume carrier would need a density
            ncv = float(row["ncv"])
            ef_kg_per_tj = float(row["co2_factor"])
            value = ncv * ef_kg_per_tj / 1_000_000.0
            components = {
                "ncv": ncv,
                "ncv_unit": "GJ/t",
                "co2_factor_kg_per_tj": ef_kg_per_tj,
                "oxidation_rate": 1.0,
            }
        lookups[("co2", carrier.name_zh, None)] = Factor(
            kind="co2",
            key=carrier.name_zh,
            year=None,
            value=value,
            unit=f"tCO2/{carrier.accounting_unit}",
            source=row["source"],
            version=fuel_version,
            verification=row["verification"],
            components=components,
        )
        if carrier.name_zh == "天然气":
            lookups[("co2", "油田天然气", None)] = replace(
                lookups[("co2", "天然气", None)],
                key="油田天然气",
                note="油田天然气低位发热量与天然气缺省值相同（38.931 MJ/m³），沿用天然气排放因子",
            )

    if dataset == "CN_DEFAULT":
        # DEFAULTS §2: 原煤 = NCV of 原煤 (GB/T 2589) with CC and OF of 烟煤 (GB/T 32150).
        bit = next(
            r for r in fuel_rows if r["fuel_code"] == "BITUMINOUS_COAL" and r["dataset"] == "CN_DEFAULT"
        )
        raw = by_code["RAW_COAL"]
        ncv = float(raw["ncv_kj_per_unit"]) / 1000.0  # kJ/kg -> GJ/t
        cc, of = float(bit["carbon_content_tc_per_tj"]), float(bit["oxidation_rate"])
        lookups[("co2", "原煤", None)] = Factor(
            kind="co2",
            key="原煤",
            year=None,
            value=fuel_co2_factor(ncv, cc, of),
            unit="tCO2/t",
            source=f"NCV: GB/T 2589 附录A 原煤 {ncv} GJ/t; CC/OF: GB/T 32150-2015 附录A 烟煤 ({bit['source']})",
            version=f"{conv_version}; {fuel_version}",
            verification="secondary_single+derived",
            components={"ncv": ncv, "ncv_unit": "GJ/t", "carbon_content_tc_per_tj": cc, "oxidation_rate": of},
            assumption=(
                "原煤排放因子为假设值：低位发热量取 GB/T 2589 原煤 20.908 GJ/t，单位热值含碳量和碳氧化率"
                "取 GB/T 32150 烟煤 26.1 tC/TJ、0.93（DEFAULTS §2）；可用本地实测因子替换"
            ),
        )

    # --- grid factors (MEE/NBS notices) ---------------------------------------------
    grid_rows, grid_version = _read_csv("grid_emission_factors.csv")
    for row in grid_rows:
        if row["basis"] != "average" or not row["factor_tco2_per_mwh"] or not row["data_year"]:
            continue
        region = row["region_zh"]
        year = int(row["data_year"])
        lookups[("grid", region, year)] = Factor(
            kind="grid",
            key=region,
            year=year,
            value=float(row["factor_tco2_per_mwh"]),
            unit="tCO2/MWh",
            source=row["source"],
            version=grid_version,
            verification=row["verification"],
            note=f"{row['scope']} 平均二氧化碳排放因子",
        )
    return lookups


@dataclass
class FactorSet:
    """The factors one computation uses, each with its source.

    Attributes
    ----------
    name, version, description : str
        Identify the set in every result (``factor_set`` in the JSON).
    lookups : dict
        ``(kind, key, year) -> Factor``; ``year`` ``None`` = all years.
    region : str
        Short region name for grid factors (湖南).
    dataset : str
        ``CN_DEFAULT`` (GB/T 32150 / NDRC) or ``IPCC2006_DEFAULT``.
    """

    name: str
    version: str
    description: str
    lookups: dict[LookupKey, Factor]
    region: str = "湖南"
    dataset: str = "CN_DEFAULT"

    # -- construction -----------------------------------------------------------------
    @classmethod
    def default(cls, region: str = "湖南省", dataset: str = "CN_DEFAULT") -> FactorSet:
        """The platform default set (DEFAULTS.md) for a province, region (华中) or 全国.

        Raises
        ------
        FactorError
            Unknown dataset or a region with no published grid factor.
        """
        if dataset not in DATASETS:
            raise FactorError(f"未知的排放因子数据集“{dataset}”，可选：{'、'.join(DATASETS)}")
        short = normalize_region(region)
        lookups = dict(_default_lookups(dataset))
        regions = {k[1] for k in lookups if k[0] == "grid"}
        if short not in regions:
            raise FactorError(
                f"地区“{region}”没有已发布的电网平均二氧化碳排放因子；可选：{'、'.join(sorted(regions))}，"
                "或在因子文件中为“电力”提供本地因子"
            )
        versions = sorted({f.version for f in lookups.values()})
        digest = hashlib.sha256("|".join(versions).encode()).hexdigest()[:10]
        return cls(
            name=f"平台默认因子集（{dataset}，{short}）",
            version=f"default-{digest}",
            description=(
                "标准煤折算系数取 GB/T 2589-2020 附录A；燃料排放因子取 "
                + (
                    "GB/T 32150-2015 附录A / 国家发展改革委企业温室气体核算指南缺省值"
                    if dataset == "CN_DEFAULT"
                    else "IPCC 2006 缺省值"
                )
                + f"；电力取生态环境部、国家统计局发布的{short}平均二氧化碳排放因子；热力 0.11 tCO2/GJ（DEFAULTS.md）"
            ),
            lookups=lookups,
            region=short,
            dataset=dataset,
        )

    def with_user_factors(self, rows: Any, *, filename: str = "因子文件") -> FactorSet:
        """A copy of this set with user factors overriding defaults.

        Parameters
        ----------
        rows : iterable of mapping
            Rows with ``carrier``, ``year`` (blank = all years), ``co2_factor`` (or
            ``value``), ``unit``, ``source``. The unit decides what the value is:
            ``tCO2/…`` or ``kgCO2/…`` a CO2 factor (e.g. ``tCO2/t``, ``tCO2/万立方米``,
            ``tCO2/MWh``, ``tCO2/GJ``); ``kgce/…`` or ``tce/…`` a standard-coal
            coefficient; ``GJ/t``, ``GJ/万立方米``, ``kJ/kg``, ``MJ/m3`` a measured net
            calorific value (changes both the coefficient and, for fuels with an
            NCV × CC × OF factor, the CO2 factor); ``gce/kWh`` with carrier 电力 the
            year's thermal-power coal rate for the 等价值.
        filename : str
            Used in error messages.

        Raises
        ------
        FactorError
            With row (1-based data row, header = row 1) and column.
        """
        lookups = dict(self.lookups)
        count = 0
        hasher = hashlib.sha256()
        for index, row in enumerate(rows, start=2):
            number = int(row.get("_row") or index) if hasattr(row, "get") else index
            factor = parse_user_factor(row, row_number=number, filename=filename, region=self.region)
            lookups[(factor.kind, factor.key, factor.year)] = factor
            hasher.update(json.dumps(factor.to_dict(), ensure_ascii=False, sort_keys=True).encode())
            count += 1
        if count == 0:
            return self
        return FactorSet(
            name=f"{self.name} + 用户因子（{count} 项）",
            version=f"{self.version}+user-{hasher.hexdigest()[:10]}",
            description=self.description + f"；{count} 项用户因子覆盖默认值",
            lookups=lookups,
            region=self.region,
            dataset=self.dataset,
        )

    # -- lookups ----------------------------------------------------------------------
    def _get(self, kind: str, key: str, year: int | None) -> Factor | None:
        found = self.lookups.get((kind, key, year)) if year is not None else None
        if found is None:
            found = self.lookups.get((kind, key, None))
        return found

    def user_factor(self, kind: str, key: str, year: int | None) -> Factor | None:
        found = self._get(kind, key, year)
        return found if found is not None and found.origin == "user" else None

    def kgce(self, carrier: str, year: int | None = None) -> Factor:
        """Standard-coal coefficient of a carrier [kgce per base unit].

        A measured NCV (user ``ncv`` factor) wins over a user ``kgce`` factor of a
        wider validity, which wins over the default.
        """
        all_years = self.lookups.get(("kgce", carrier, None))
        candidates = [
            self.lookups.get(("kgce", carrier, year)) if year is not None else None,
            self._ncv_as_kgce(carrier, year) if year is not None else None,
            all_years if all_years is not None and all_years.origin == "user" else None,
            self._ncv_as_kgce(carrier, None),
            all_years,
        ]
        for found in candidates:
            if found is not None:
                return found
        raise FactorError(f"能源品种“{carrier}”没有折标准煤系数，请在因子文件中提供（单位 kgce/…）")

    def _ncv_as_kgce(self, carrier: str, year: int | None) -> Factor | None:
        ncv = self.lookups.get(("ncv", carrier, year))
        if ncv is None:
            return None
        c = energy.get_carrier(carrier)
        # ncv stored in GJ per accounting unit (t or 万立方米) -> kJ per base unit.
        per_base = (
            Fraction(ncv.value)
            * 1_000_000
            / energy.unit_size(c.accounting_unit)
            / energy.unit_size(c.base_unit)
        )
        value = float(per_base) / KJ_PER_KGCE
        return replace(
            ncv,
            kind="kgce",
            value=value,
            unit=f"kgce/{c.base_unit}",
            note=f"由实测低位发热量 {ncv.value} {ncv.unit} ÷ 29307.6 kJ/kgce 折算",
        )

    def co2(self, carrier: str, year: int | None = None) -> tuple[Factor, list[str]]:
        """CO2 factor of a carrier [tCO2 per accounting unit] and any flags.

        For 电力 this is the grid factor of the set's region (see :meth:`grid`);
        a user factor for 电力 overrides it.

        Raises
        ------
        FactorError
            No factor for the carrier (never a silent zero).
        """
        user = self.lookups.get(("co2", carrier, year)) if year is not None else None
        if user is None:
            user = self.lookups.get(("co2", carrier, None))
            if user is not None and user.origin != "user":
                user = None
        if user is not None:
            return user, []
        if carrier == "电力":
            return self.grid(self.region, year)
        default = self.lookups.get(("co2", carrier, None))
        ncv = self._get("ncv", carrier, year)
        if ncv is not None and default is not None and "carbon_content_tc_per_tj" in default.components:
            comp = dict(default.components)
            comp["ncv"] = ncv.value
            value = fuel_co2_factor(ncv.value, comp["carbon_content_tc_per_tj"], comp["oxidation_rate"])
            return (
                replace(
                    default,
                    value=value,
                    origin="user",
                    components=comp,
                    source=f"实测低位发热量：{ncv.source}；含碳量与氧化率：{default.source}",
                    assumption="",
                ),
                [],
            )
        if default is None:
            raise FactorError(
                f"能源品种“{carrier}”在所选因子集（{self.dataset}）中没有二氧化碳排放因子，"
                "请在因子文件中提供本地因子（如 tCO2/t），不会按零计算"
            )
        return default, []

    def grid(self, region: str | None = None, year: int | None = None) -> tuple[Factor, list[str]]:
        """Average grid factor [tCO2/MWh] for the region and data year.

        Returns the factor and flags: ``nearest_year_grid_factor`` when the year has no
        published factor and the nearest published year is used (ties: the earlier year).
        """
        short = normalize_region(region or self.region)
        if year is not None and ("grid", short, year) in self.lookups:
            return self.lookups[("grid", short, year)], []
        years = sorted(k[2] for k in self.lookups if k[0] == "grid" and k[1] == short and k[2] is not None)
        if not years:
            raise FactorError(f"地区“{region}”没有电网平均二氧化碳排放因子")
        if year is None:
            return self.lookups[("grid", short, years[-1])], ["nearest_year_grid_factor"]
        nearest = min(years, key=lambda y: (abs(y - year), y))
        return self.lookups[("grid", short, nearest)], ["nearest_year_grid_factor"]

    def power_coal_rate(self, year: int) -> Factor | None:
        """Thermal-power standard-coal consumption rate [gce/kWh] for the 等价值, or None."""
        return self._get("power_coal_rate", "电力", year)

    def factors(self) -> list[Factor]:
        return sorted(self.lookups.values(), key=lambda f: (f.kind, f.key, f.year or 0, f.origin))

    def to_dict(self, *, include_factors: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "region": self.region,
            "dataset": self.dataset,
        }
        if include_factors:
            data["factors"] = [f.to_dict() for f in self.factors()]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FactorSet:
        lookups = {}
        for item in data.get("factors", []):
            f = Factor.from_dict(item)
            lookups[(f.kind, f.key, f.year)] = f
        return cls(
            name=data["name"],
            version=data["version"],
            description=data.get("description", ""),
            lookups=lookups,
            region=data.get("region", "湖南"),
            dataset=data.get("dataset", "CN_DEFAULT"),
        )


_UNIT_RE = re.compile(r"^\s*(t|kg|g)\s*(co2|co₂|二氧化碳|ce|标准煤|标煤)?\s*/\s*(.+?)\s*$", re.IGNORECASE)
_NCV_RE = re.compile(r"^\s*(kj|mj|gj)\s*/\s*(.+?)\s*$", re.IGNORECASE)
_MASS_SCALE = {"t": Fraction(1), "kg": Fraction(1, 1000), "g": Fraction(1, 1_000_000)}
_HEAT_SCALE_GJ = {"kj": Fraction(1, 1_000_000), "mj": Fraction(1, 1000), "gj": Fraction(1)}


def _cell(row: Any, *names: str) -> str:
    for name in names:
        value = row.get(name) if hasattr(row, "get") else None
        if value is not None and str(value).strip() != "":
            return str(value).strip()
    return ""


def parse_user_factor(row: Any, *, row_number: int, filename: str, region: str = "湖南") -> Factor:
    """Turn one FACTORS.csv row into a :class:`Factor` in canonical units.

    See :meth:`FactorSet.with_user_factors` for the accepted units.

    Raises
    ------
    FactorError
        Message in Chinese naming the file, row and column.
    """
    where = f"{filename} 第 {row_number} 行"
    name = _cell(row, "carrier")
    if not name:
        raise FactorError(f"{where}“carrier”列：能源品种为空", row=row_number, column="carrier")
    try:
        carrier = energy.get_carrier(name)
    except energy.UnknownCarrierError:
        raise FactorError(
            f"{where}“carrier”列：未知能源品种“{name}”", row=row_number, column="carrier"
        ) from None
    year_text = _cell(row, "year")
    year: int | None = None
    if year_text:
        try:
            year_f = float(year_text)
            if not year_f.is_integer():
                raise ValueError
            year = int(year_f)
        except ValueError:
            raise FactorError(
                f"{where}“year”列：年份“{year_text}”不是整数", row=row_number, column="year"
            ) from None
        if not 1900 <= year <= 2200:
            raise FactorError(f"{where}“year”列：年份“{year_text}”超出范围", row=row_number, column="year")
    value_col = "co2_factor" if _cell(row, "co2_factor") else ("value" if _cell(row, "value") else "factor")
    value_text = _cell(row, value_col)
    if not value_text:
        raise FactorError(f"{where}“co2_factor”列：因子值为空", row=row_number, column="co2_factor")
    try:
        value = float(value_text.replace(",", ""))
    except ValueError:
        raise FactorError(
            f"{where}“{value_col}”列：“{value_text}”不是数字", row=row_number, column=value_col
        ) from None
    if not value >= 0 or value != value or value == float("inf"):
        raise FactorError(
            f"{where}“{value_col}”列：因子值不能为负数或非数字", row=row_number, column=value_col
        )
    unit = _cell(row, "unit")
    source = _cell(row, "source") or "用户提供（未注明来源）"
    common = {
        "year": year,
        "source": source,
        "version": "user",
        "verification": "user",
        "origin": "user",
    }
    bad_unit = FactorError(
        f"{where}“unit”列：无法识别单位“{unit}”（{carrier.name_zh} 可用如 tCO2/{carrier.accounting_unit}、"
        f"kgce/{carrier.base_unit}"
        + ("、gce/kWh（火电供电煤耗）" if carrier.kind == "electricity" else "")
        + "）",
        row=row_number,
        column="unit",
    )
    if not unit:
        raise bad_unit
    squashed = unit.replace(" ", "")
    if carrier.kind == "electricity" and squashed.lower() in (
        "gce/kwh",
        "g/kwh",
        "克标准煤/千瓦时",
        "gce/千瓦时",
    ):
        return Factor(kind="power_coal_rate", key="电力", value=value, unit="gce/kWh", **common)  # type: ignore[arg-type]
    match = _UNIT_RE.match(squashed)
    if match:
        mass, what, denominator = match.group(1).lower(), (match.group(2) or "").lower(), match.group(3)
        try:
            denom_dim, denom_size = energy.unit_dimension(denominator), energy.unit_size(denominator)
        except energy.UnknownUnitError:
            raise bad_unit from None
        if denom_dim != carrier.dimension:
            raise FactorError(
                f"{where}“unit”列：单位“{unit}”的分母与能源品种“{carrier.name_zh}”的计量单位不符",
                row=row_number,
                column="unit",
            )
        if what in ("co2", "co₂", "二氧化碳"):
            target = energy.unit_size(carrier.accounting_unit)
            canonical = Fraction(value) * _MASS_SCALE[mass] * target / denom_size
            return Factor(
                kind="co2",
                key=carrier.name_zh,
                value=float(canonical),
                unit=f"tCO2/{carrier.accounting_unit}",
                note=f"用户填报 {value} {unit}",
                **common,  # type: ignore[arg-type]
            )
        if what in ("ce", "标准煤", "标煤"):
            if carrier.kind == "electricity":
                raise FactorError(
                    f"{where}“unit”列：电力当量值固定为 0.1229 kgce/kWh；等价值请填火电供电煤耗（单位 gce/kWh）",
                    row=row_number,
                    column="unit",
                )
            base = energy.unit_size(carrier.base_unit)
            canonical = Fraction(value) * _MASS_SCALE[mass] * 1000 * base / denom_size
            return Factor(
                kind="kgce",
                key=carrier.name_zh,
                value=float(canonical),
                unit=f"kgce/{carrier.base_unit}",
                note=f"用户填报 {value} {unit}",
                **common,  # type: ignore[arg-type]
            )
        raise bad_unit
    match = _NCV_RE.match(squashed)
    if match and carrier.dimension in ("mass", "volume"):
        heat, denominator = match.group(1).lower(), match.group(2)
        try:
            denom_dim, denom_size = energy.unit_dimension(denominator), energy.unit_size(denominator)
        except energy.UnknownUnitError:
            raise bad_unit from None
        if denom_dim != carrier.dimension:
            raise bad_unit
        target = energy.unit_size(carrier.accounting_unit)
        canonical = Fraction(value) * _HEAT_SCALE_GJ[heat] * target / denom_size
        return Factor(
            kind="ncv",
            key=carrier.name_zh,
            value=float(canonical),
            unit=f"GJ/{carrier.accounting_unit}",
            note=f"用户填报实测低位发热量 {value} {unit}",
            **common,  # type: ignore[arg-type]
        )
    raise bad_unit
