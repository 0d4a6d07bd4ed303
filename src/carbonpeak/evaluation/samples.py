"""Sample annual data, grades, a ranking and a disclosure (示例数据，仅供演示); idempotent.

Uses the sample enterprises of the monitoring samples and adds three fictitious
building-material enterprises so that division C30 has enough enterprises for an
industry mean. All numbers are invented for the demonstration and every page showing
them says so.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from carbonpeak.engine.uscc import check_character
from carbonpeak.enterprises.models import Enterprise
from carbonpeak.evaluation import services
from carbonpeak.evaluation.models import AnnualData, Disclosure, DisclosureFacility

#: name, USCC body (17 characters), industry code, park, land area [mu]
EXTRA: list[tuple[str, str, str, str, str]] = [
    ("岳阳县示例水泥有限公司（示例）", "91430621MA4L5E3U4", "C3011", "示例工业园", "260"),
    ("岳阳县示例玻璃有限公司（示例）", "91430621MA4L6F4W5", "C3042", "示例工业园", "180"),
    ("岳阳县示例陶瓷有限公司（示例）", "91430621MA4L7G5X6", "C3071", "示例新材料园", "140"),
]

#: uscc body -> (base-year values, last-year values):
#: value added, tax, employees, R&D, revenue, energy 当量值, energy 等价值, CO2, pollutant
Values = tuple[float, float, int, float, float, float, float, float, float | None]
DATA: dict[str, tuple[Values, Values]] = {
    "91430621MA4L2K0P0": (
        (52000, 3100, 820, 900, 160000, 27500, 33000, 71000, 38.0),
        (61000, 3600, 800, 1400, 180000, 26800, 32000, 66000, 31.0),
    ),
    "91430621MA4L3C1R2": (
        (21000, 1500, 430, 210, 70000, 13200, 14800, 41000, 22.0),
        (23500, 1700, 420, 300, 76000, 12500, 14000, 37500, 18.0),
    ),
    "91430621MA4L4D2T3": (
        (15000, 900, 310, 150, 48000, 6900, 8600, 15200, None),
        (17200, 1000, 300, 230, 52000, 6600, 8200, 14100, None),
    ),
    "91430621MA4L5E3U4": (
        (30000, 2200, 510, 240, 98000, 24000, 25500, 86000, 40.0),
        (31000, 2300, 500, 310, 101000, 23000, 24500, 80500, 35.0),
    ),
    "91430621MA4L6F4W5": (
        (18000, 1200, 260, 330, 52000, 9800, 10900, 27000, 12.0),
        (20500, 1400, 255, 420, 58000, 9300, 10400, 24800, 10.5),
    ),
    "91430621MA4L7G5X6": (
        (9000, 500, 180, 60, 30000, 6100, 6700, 19500, 9.0),
        (9600, 560, 175, 80, 31500, 6000, 6600, 19000, 8.6),
    ),
}


def _region() -> Any:
    first = Enterprise.objects.filter(uscc__startswith="91430621MA4L2K0P0").first()
    return first.region if first is not None else None


@transaction.atomic
def load(stdout: Any) -> None:
    region = _region()
    if region is None:
        stdout.write("企业评价示例：未找到示例企业（请先载入在线监测示例），跳过")
        return
    year = timezone.localdate().year - 1
    base_year = 2020
    for name, body, code, park, land in EXTRA:
        uscc = body + check_character(body)
        Enterprise.objects.get_or_create(
            uscc=uscc,
            defaults={
                "name": name,
                "industry_code": code,
                "park": park,
                "township": "荣家湾镇",
                "land_area_mu": land,
                "is_sample": True,
                "region": region,
            },
        )
    for body, (base, last) in DATA.items():
        enterprise = Enterprise.objects.filter(uscc__startswith=body).first()
        if enterprise is None:
            continue
        for y, values in ((base_year, base), (year, last)):
            va, tax, employees, rd, revenue, e_eq, e_ev, co2, pollutant = values
            AnnualData.objects.update_or_create(
                enterprise=enterprise,
                year=y,
                defaults={
                    "value_added_10k_yuan": va,
                    "output_value_10k_yuan": revenue,
                    "revenue_10k_yuan": revenue,
                    "tax_10k_yuan": tax,
                    "employees": employees,
                    "rd_10k_yuan": rd,
                    "land_area_mu": float(enterprise.land_area_mu) if enterprise.land_area_mu else None,
                    "energy_tce_equivalent": e_eq,
                    "energy_tce_equal_value": e_ev,
                    "co2_t": co2,
                    "pollutant_t": pollutant,
                    "is_sample": True,
                },
            )
    services.compute_grades(region=region, year=year, user=None)
    services.compute_mu(region=region, year=year, user=None, preset_code="HUANGYAN_2022")
    first = Enterprise.objects.filter(uscc__startswith="91430621MA4L5E3U4").first()
    if first is not None and not Disclosure.objects.filter(enterprise=first, year=year).exists():
        disclosure = Disclosure.objects.create(
            enterprise=first,
            year=year,
            status=Disclosure.Status.APPROVED,
            co2_t=80500,
            prior_year_co2_t=83000,
            accounting_method=Disclosure.Method.CALCULATION,
            accounting_standard="GB/T 32150-2015、GB/T 32151.8-2015（水泥）",
            is_sample=True,
            submitted_at=timezone.now(),
            reviewed_at=timezone.now(),
        )
        DisclosureFacility.objects.create(
            disclosure=disclosure,
            name="2500t/d 熟料生产线回转窑",
            facility_type="工业窑炉",
            fuel="原煤",
            co2_t=78200,
        )
        DisclosureFacility.objects.create(
            disclosure=disclosure, name="余热发电系统", facility_type="发电设施", fuel="余热", co2_t=0
        )
    stdout.write(f"企业评价示例：{len(DATA)} 家企业 {base_year}、{year} 年数据（示例数据）")
