"""Sample projects of the sample county (示例数据，仅供演示).

Loads the four fictional projects of ``sample_data/projects/PROJECTS.xlsx`` (the same data
as :mod:`carbonpeak.projects.sample_workbook`) into the home region, with the impact
assumptions and 2030 targets of ``sample_data/projects/TARGETS.csv`` marked as samples.
Idempotent.
"""

from __future__ import annotations

from typing import Any

from carbonpeak.projects import sample_workbook as sw
from carbonpeak.projects import services
from carbonpeak.projects.models import ImpactSettings, Project

SAMPLE_NOTE = "示例数据，仅供演示"


def load(stdout: Any) -> None:
    from carbonpeak.core.regions import home_region

    region = home_region()
    if Project.objects.filter(region=region, is_sample=True).exists():
        stdout.write("项目示例数据已存在，跳过")
        return
    energy: dict[str, list[services.EnergyInput]] = {}
    for code, carrier, qty, unit, use in sw.ENERGY:
        energy.setdefault(code, []).append(
            services.EnergyInput(carrier, float(qty), unit, "feedstock" if use == "原料" else "fuel")
        )
    from carbonpeak.enterprises.models import Enterprise

    # the cement project belongs to the sample building-materials enterprise (metered by the
    # monitoring samples), so the 两高 list shows a dynamic-monitoring status
    cement_owner = Enterprise.objects.filter(is_sample=True, industry_code="C3011").first()
    for code, name, stage, industry, year, ramp, va, re_10k, process, products in sw.PROJECTS:
        project = Project(
            enterprise=cement_owner if code == "S1" else None,
            region=region,
            code=str(code),
            name=str(name),
            owner_name=sw.OWNERS[str(code)],
            industry_code=str(industry),
            stage=str(stage),
            production_year=int(year),
            ramp_up_pct=str(ramp),
            value_added_10k_yuan=float(va),
            renewable_electricity_kwh=float(re_10k) * 10_000,
            process_co2_t=float(process),
            products=str(products),
            is_sample=True,
        )
        services.save_project(user=None, project=project, energy_rows=energy[str(code)])
    ImpactSettings.objects.update_or_create(
        region=region,
        defaults={
            "gdp_growth_pct": 5.5,
            "gdp_growth_source": "示例数据：假设 2025—2030 年可比价 GDP 年均增长 5.5%（仅供演示）",
            "baseline_energy_growth_pct": 0.0,
            "end_year": 2030,
            "extra_targets": [
                {
                    "indicator": "energy_intensity",
                    "base_year": 2025,
                    "target_year": 2030,
                    "decline_pct": 13.5,
                    "cap": None,
                    "source": "示例数据：虚构的 2030 年目标，以上级下达目标为准",
                },
                {
                    "indicator": "co2_intensity",
                    "base_year": 2025,
                    "target_year": 2030,
                    "decline_pct": 17,
                    "cap": None,
                    "source": "示例数据：虚构的 2030 年目标，以上级下达目标为准",
                },
            ],
            "is_sample": True,
        },
    )
    stdout.write(f"已载入项目示例数据（{SAMPLE_NOTE}）：{len(sw.PROJECTS)} 个项目与测算参数")
