"""Sample carbon-inclusive data (示例数据，仅供演示); idempotent.

In the home region: two methodologies with factors from the reference table (Beijing
programme display values, secondary_single: a demonstration, not an adopted
methodology), a sample bus company as data partner, six sample residents, a month of
bus and cycling trips posted through the partner ingest service, two sample rewards.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from carbonpeak.core.regions import home_region
from carbonpeak.credits.models import Methodology, Partner
from carbonpeak.credits.services import ingest, methodologies, residents, rewards
from carbonpeak.engine.carbon_inclusive import BEIJING

SAMPLE_PARTNER = "示例公交公司（示例数据）"
#: Sample residents: (phone placeholder, township, community). No SMS is ever sent to them.
SAMPLE_RESIDENTS = [
    ("19900000001", "荣家湾镇", "示例城东社区"),
    ("19900000002", "荣家湾镇", "示例城西社区"),
    ("19900000003", "新墙镇", "示例新墙村"),
    ("19900000004", "新墙镇", "示例清水村"),
    ("19900000005", "筻口镇", "示例筻口社区"),
    ("19900000006", "月田镇", "示例月田社区"),
]


def _version(m: Methodology, *, kg: float, source: str) -> None:
    methodologies.add_version(
        methodology=m,
        user=None,
        version="示例v1",
        valid_from=dt.datetime(2025, 1, 1, tzinfo=BEIJING),
        valid_to=None,
        reduction_kg_per_unit=kg,
        reduction_source=source,
        baseline_kg_per_unit=None,
        baseline_source="",
        project_kg_per_unit=None,
        project_source="",
        daily_cap_units=6,
        points_per_kg=1000,
    )


def load(stdout) -> None:
    region = home_region()
    if Partner.objects.filter(region=region, name=SAMPLE_PARTNER).exists():
        stdout.write("碳普惠示例数据已存在，跳过")
        return
    with transaction.atomic():
        bus = Methodology.objects.create(
            region=region,
            code="示例-BUS",
            name="公交出行（示例）",
            activity_type="bus",
            unit="trip",
            description="示例数据：单位减排量取北京绿色生活季展示值（下限），仅供演示，正式使用须采用经核实的方法学。",
        )
        _version(
            bus,
            kg=0.080,
            source="CI_BUS_BJ_MIN 北京绿色生活季公交出行减排量(≥80 g/次)，secondary_single，示例",
        )
        bike = Methodology.objects.create(
            region=region,
            code="示例-BIKE",
            name="骑行（示例）",
            activity_type="cycling",
            unit="trip",
            description="示例数据：单位减排量取北京绿色生活季展示值（下限），仅供演示。",
        )
        _version(
            bike,
            kg=0.052,
            source="CI_BIKE_BJ_MIN 北京绿色生活季骑车出行减排量(≥52 g/次)，secondary_single，示例",
        )
        partner, _secret = ingest.create_partner(
            region=region, name=SAMPLE_PARTNER, kind="bus", activity_types=["bus", "cycling"], user=None
        )
        for phone, township, community in SAMPLE_RESIDENTS:
            residents.register(
                region=region,
                phone=phone,
                consent=True,
                township=township,
                community=community,
                nickname="示例居民",
            )
        today = timezone.localdate()
        records = []
        for d in range(30, 0, -1):
            day = today - dt.timedelta(days=d)
            for i, (phone, _t, _c) in enumerate(SAMPLE_RESIDENTS):
                if (d + i) % 3 == 0:
                    continue
                for k, (hour, kind) in enumerate(((7, "bus"), (18, "bus" if i % 2 else "cycling"))):
                    start = dt.datetime.combine(day, dt.time(hour, 10 * i % 60), tzinfo=BEIJING)
                    records.append(
                        {
                            "record_id": f"SAMPLE-{day:%Y%m%d}-{i}-{k}",
                            "phone": phone,
                            "activity_type": kind,
                            "start": start.isoformat(),
                            "end": (start + dt.timedelta(minutes=25)).isoformat(),
                            "quantity": 1,
                        }
                    )
        result = ingest.ingest(partner=partner, rows=records)
        rewards.save_reward(
            region=region,
            user=None,
            name="公交乘车券1次（示例）",
            provider="government",
            provider_name="示例县交通运输局",
            points_cost=400,
            stock=100,
            description="示例数据",
            active=True,
        )
        rewards.save_reward(
            region=region,
            user=None,
            name="环保购物袋（示例）",
            provider="merchant",
            provider_name="示例超市",
            points_cost=800,
            stock=50,
            description="示例数据",
            active=True,
        )
    stdout.write(
        f"碳普惠示例数据：{len(SAMPLE_RESIDENTS)} 位示例居民，{result.credited} 条出行已入账（示例数据）"
    )
