"""Sample enterprises, meters and readings (示例数据，仅供演示); idempotent.

Three fictitious enterprises of the sample county with 15-minute readings from
1 January of this year to yesterday, including a few faults on purpose (a spike,
a gap, a meter that stopped reporting) so that the alarm pages have something to show.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import NotRequired, TypedDict

import numpy as np
from django.db import transaction
from django.utils import timezone

from carbonpeak.engine.meters import INTERVAL_MS
from carbonpeak.engine.uscc import check_character
from carbonpeak.enterprises.models import Enterprise
from carbonpeak.monitoring import services
from carbonpeak.monitoring.models import IngestBatch, Meter, ReportedStatistic

#: code, name, carrier, unit, multiplier, kind, register maximum (None: no rollover),
#: mean use per 15-minute interval
SampleMeter = tuple[str, str, str, str, float, str, float | None, float]


class SampleEnterprise(TypedDict):
    name: str
    body: str  # USCC without its check character
    industry_code: str
    park: str
    township: str
    land_area_mu: str
    energy_budget_tce: str
    annual_energy_tce: str
    designated: NotRequired[bool]
    meters: list[SampleMeter]


SAMPLES: list[SampleEnterprise] = [
    {
        "name": "岳阳县示例纸业有限公司（示例）",
        "body": "91430621MA4L2K0P0",
        "industry_code": "C2221",
        "park": "示例工业园",
        "township": "荣家湾镇",
        "land_area_mu": "320",
        "energy_budget_tce": "30000",
        "annual_energy_tce": "26800",
        "meters": [
            ("P-01", "总进线（110kV）", "电力", "kWh", 1000.0, "cumulative", 99999999.0, 11_000.0),
            ("P-02", "生产线二回路", "电力", "kWh", 200.0, "cumulative", None, 2_500.0),
            ("P-G1", "天然气总表", "天然气", "m3", 1.0, "cumulative", None, 1_500.0),
        ],
    },
    {
        "name": "岳阳县示例建材有限公司（示例）",
        "body": "91430621MA4L3C1R2",
        "industry_code": "C3011",
        "park": "示例工业园",
        "township": "新墙镇",
        "land_area_mu": "410",
        "energy_budget_tce": "14000",
        "annual_energy_tce": "12500",
        "meters": [
            ("J-01", "总进线", "电力", "kWh", 500.0, "cumulative", None, 6_000.0),
            ("J-C1", "原煤皮带秤", "原煤", "t", 1.0, "interval", None, 1.2),
        ],
    },
    {
        "name": "岳阳县示例食品有限公司（示例）",
        "body": "91430621MA4L4D2T3",
        "industry_code": "C1391",
        "park": "",
        "township": "黄沙街镇",
        "land_area_mu": "95",
        "energy_budget_tce": "6500",
        "annual_energy_tce": "6100",
        "designated": True,
        "meters": [
            ("F-01", "总进线", "电力", "kWh", 100.0, "cumulative", None, 2_200.0),
            ("F-G1", "锅炉天然气", "天然气", "m3", 1.0, "cumulative", None, 380.0),
        ],
    },
]


def _uscc(body: str) -> str:
    return body + check_character(body)


def load(stdout) -> None:
    if Enterprise.objects.filter(is_sample=True, ingest_batches__source=IngestBatch.Source.SAMPLE).exists():
        stdout.write("在线监测示例数据已存在，跳过")
        return
    rng = np.random.default_rng(2030)
    tz = services.SHANGHAI
    today = timezone.localdate()
    start = dt.datetime(today.year, 1, 1, tzinfo=tz)
    if today.month == 1 and today.day < 15:
        start = dt.datetime(today.year - 1, 12, 1, tzinfo=tz)
    end = dt.datetime.combine(today, dt.time(), tzinfo=tz) - dt.timedelta(minutes=15)
    start_ms = int(start.timestamp() * 1000)
    n = int((end.timestamp() * 1000 - start_ms) // INTERVAL_MS) + 1
    ts_ms = start_ms + np.arange(n, dtype=np.int64) * INTERVAL_MS
    hours = ((ts_ms // 3_600_000) + 8) % 24
    profile = 0.75 + 0.35 * np.sin((hours - 8) / 24 * 2 * np.pi) + 0.1 * (hours >= 8) * (hours < 20)
    with transaction.atomic():
        for spec in SAMPLES:
            ent, _ = Enterprise.objects.update_or_create(
                uscc=_uscc(spec["body"]),
                defaults={
                    "name": spec["name"],
                    "industry_code": spec["industry_code"],
                    "park": spec["park"],
                    "township": spec["township"],
                    "land_area_mu": Decimal(spec["land_area_mu"]),
                    "energy_budget_tce": Decimal(spec["energy_budget_tce"]),
                    "annual_energy_tce": Decimal(spec["annual_energy_tce"]),
                    "annual_energy_year": today.year - 1,
                    "designated": spec.get("designated", False),
                    "is_sample": True,
                    "contact_name": "示例联系人",
                },
            )
            batch = IngestBatch.objects.create(
                id=uuid.uuid4(), enterprise=ent, source=IngestBatch.Source.SAMPLE, filename="示例数据"
            )
            all_m, all_t, all_v = [], [], []
            for code, name, carrier, unit, mult, kind, reg_max, per_interval in spec["meters"]:
                meter, _ = Meter.objects.update_or_create(
                    enterprise=ent,
                    code=code,
                    defaults={
                        "name": name,
                        "carrier": carrier,
                        "unit": unit,
                        "multiplier": mult,
                        "kind": kind,
                        "register_max": reg_max,
                    },
                )
                use = 0.28 * per_interval * profile * rng.normal(1.0, 0.05, n).clip(0.7, 1.3)
                if kind == "cumulative":
                    values = np.round(1000.0 + np.cumsum(use / mult), 3)
                    if reg_max:
                        values = np.mod(values + reg_max - values[-1] // 2 - 1000.0, reg_max)
                else:
                    values = np.round(use, 4)
                keep = np.ones(n, dtype=bool)
                if code.endswith("-02"):
                    keep[n - 2 * 96 :] = False  # stopped reporting two days ago
                if code.endswith("G1"):
                    keep[n - 96 - 30 : n - 96 - 10] = False  # a 5-hour gap yesterday
                if code in ("J-C1",):
                    values = values.copy()
                    values[n - 50] = values[n - 50] * 40  # one spike yesterday
                all_m.append(np.full(int(keep.sum()), meter.pk, dtype=np.int64))
                all_t.append(ts_ms[keep] * 1000)
                all_v.append(values[keep])
                batch.accepted += int(keep.sum())
            m = np.concatenate(all_m)
            services.get_store().write(
                meter_id=m,
                enterprise_id=np.full(len(m), ent.pk, dtype=np.int64),
                ts_us=np.concatenate(all_t),
                value=np.concatenate(all_v),
                batch_id=str(batch.id),
                source=IngestBatch.Source.SAMPLE,
            )
            batch.received = batch.accepted
            batch.save()
            stdout.write(f"示例企业“{ent.name}”：{len(spec['meters'])} 个计量点，{batch.accepted} 条读数")
    # Reported statistics for last month, one of them off by more than 5 %.
    last_month = dt.date(today.year, today.month, 1) - dt.timedelta(days=1)
    for ent in Enterprise.objects.filter(is_sample=True):
        for row in services.enterprise_monthly(enterprise=ent, year=last_month.year):
            if row.month == last_month.strftime("%Y-%m"):
                factor = 1.08 if row.carrier == "天然气" and "纸业" in ent.name else 1.01
                ReportedStatistic.objects.update_or_create(
                    enterprise=ent,
                    carrier=row.carrier,
                    year=last_month.year,
                    month=last_month.month,
                    defaults={"quantity": round(row.quantity * factor, 1), "unit": row.unit},
                )
    created = services.run_checks()
    stdout.write(f"在线监测示例告警：{sum(created.values())} 条")
