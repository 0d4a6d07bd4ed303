"""``carbonpeak generate_county_dataset [--scale N] [--seed S]``: a realistic full county dataset.

For benchmarks and demonstrations. Everything it writes is marked as illustrative
(示例数据，仅供演示). At ``--scale 1``:

- the plan's 38 tasks (the sample plan is imported through the plans service if no plan exists);
- ≥ 20 indicators (one per plan target, the computed ones, topped up with clearly named
  illustrative indicators) × 10 years of approved observations;
- 200 enterprises, each with an electricity meter (and every third a gas meter) and
  5 years of monthly meter readings in the monitoring store;
- an accounting dataset with 10 years of statistics by sector and carrier, from which
  the computed indicators are refreshed.

``--scale 2`` doubles the indicators, enterprises and readings. Parts whose app is
absent are skipped with a note. Re-running adds nothing that already exists.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from decimal import Decimal
from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from carbonpeak.indicators import services
from carbonpeak.indicators.models import Indicator, Observation

SAMPLE_NOTE = "示例数据，仅供演示"
REPO_ROOT = Path(__file__).resolve().parents[5]
PLAN_FILE = REPO_ROOT / "sample_data" / "yueyang-county-carbon-peak-plan.txt"
ACCOUNTING_DIR = REPO_ROOT / "sample_data" / "accounting"
DATASET_NAME = "县域全量数据集（示例数据，仅供演示）"

INDUSTRIES = [
    ("C30", "非金属矿物制品业"),
    ("C26", "化学原料和化学制品制造业"),
    ("C13", "农副食品加工业"),
    ("C33", "金属制品业"),
    ("C22", "造纸和纸制品业"),
    ("D44", "电力、热力生产和供应业"),
    ("C39", "计算机、通信和其他电子设备制造业"),
    ("C27", "医药制造业"),
]
PARKS = ["岳阳县经济开发区", "岳阳高新技术产业园区", "新墙河工业集中区", ""]
TOWNS = [
    "荣家湾镇",
    "黄沙街镇",
    "新墙镇",
    "柏祥镇",
    "筻口镇",
    "公田镇",
    "毛田镇",
    "月田镇",
    "张谷英镇",
    "杨林街镇",
]


class Command(BaseCommand):
    help = (
        "生成县域全量示例数据集（方案38项任务、指标×10年观测值、200家企业、5年月度能耗），用于性能测试与演示"
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="数据规模倍数（默认 1）")
        parser.add_argument("--seed", type=int, default=2030, help="随机数种子（默认 2030）")
        parser.add_argument(
            "--no-readings",
            action="store_true",
            help="不写入在线监测月度读数（驾驶舱不读取读数；用于快速测试）",
        )

    def handle(self, *args, scale: float, seed: int, no_readings: bool = False, **options):
        if not (0 < scale <= 20):
            raise CommandError("--scale 必须大于 0 且不超过 20", returncode=2)
        rng = np.random.default_rng(seed)
        today = timezone.localdate()
        last_year = today.year - 1
        years = list(range(last_year - 9, last_year + 1))
        plan = self._plan()
        self._enterprises(rng, int(round(200 * scale)), today, readings=not no_readings)
        self._accounting(rng, years)
        self._indicators(rng, plan, int(round(20 * scale)), years)
        self.stdout.write(self.style.SUCCESS(f"完成（规模 {scale:g}，种子 {seed}）。全部为{SAMPLE_NOTE}。"))

    # ------------------------------------------------------------------ plan

    def _plan(self):
        from carbonpeak.plans.models import Plan, Task

        plan = Plan.objects.order_by("-issued_on", "-id").first()
        if plan is None:
            try:
                from carbonpeak.plans import services as plan_services

                parsed, text = plan_services.parse_file(PLAN_FILE)
                plan = plan_services.import_plan(parsed, source_text=text).plan
            except Exception as exc:  # the plans app reports its own parse errors in Chinese
                self.stdout.write(f"未能导入示例方案（{exc}），跳过任务部分")
                return None
        count = Task.objects.filter(action__plan=plan).count()
        self.stdout.write(f"实施方案：{plan.title}（{count} 项任务）")
        return plan

    # ------------------------------------------------------------------ enterprises + monthly energy

    def _enterprises(self, rng, n: int, today: dt.date, *, readings: bool = True) -> None:
        try:
            from carbonpeak.enterprises.models import Enterprise
            from carbonpeak.monitoring import services as mon
            from carbonpeak.monitoring.models import IngestBatch, Meter
        except ImportError as exc:
            self.stdout.write(f"企业或在线监测模块不可用（{exc}），跳过企业与月度能耗")
            return
        from carbonpeak.engine.uscc import check_character

        existing = Enterprise.objects.filter(is_sample=True, uscc__startswith="91430621GD").count()
        if existing >= n:
            self.stdout.write(f"企业：已有 {existing} 家示例企业，跳过")
            return
        months = []
        y, m = today.year - 5, today.month
        for _ in range(60):
            months.append(dt.datetime(y, m, 1, tzinfo=mon.SHANGHAI))
            m += 1
            if m == 13:
                y, m = y + 1, 1
        ts_us = np.array([int(t.timestamp() * 1_000_000) for t in months], dtype=np.int64)
        seasonal = 1 + 0.12 * np.cos((np.array([t.month for t in months]) - 1) / 12 * 2 * np.pi)
        store = mon.get_store()
        all_m, all_e, all_t, all_v = [], [], [], []
        with transaction.atomic():
            batch = (
                IngestBatch.objects.create(
                    id=uuid.uuid4(), source=IngestBatch.Source.SAMPLE, filename=DATASET_NAME, enterprise=None
                )
                if _nullable_enterprise(IngestBatch)
                else None
            )
            for k in range(existing, n):
                body = f"91430621GD{k:07d}"
                code, industry = INDUSTRIES[k % len(INDUSTRIES)]
                annual_tce = float(np.exp(rng.normal(math.log(6000), 1.0)))
                ent = Enterprise.objects.create(
                    name=f"示例企业{k + 1:03d}（{industry}）",
                    uscc=body + check_character(body),
                    industry_code=code,
                    park=PARKS[k % len(PARKS)],
                    township=TOWNS[k % len(TOWNS)],
                    land_area_mu=Decimal(str(round(float(rng.uniform(20, 400)), 2))),
                    energy_budget_tce=Decimal(str(round(annual_tce * 1.05, 2))),
                    annual_energy_tce=Decimal(str(round(annual_tce, 2))),
                    annual_energy_year=today.year - 1,
                    designated=annual_tce >= 5000,
                    is_sample=True,
                    contact_name="示例联系人",
                )
                if batch is None:
                    ent_batch = IngestBatch.objects.create(
                        id=uuid.uuid4(),
                        enterprise=ent,
                        source=IngestBatch.Source.SAMPLE,
                        filename=DATASET_NAME,
                    )
                else:
                    ent_batch = batch
                # Electricity: 70 % of the energy, 0.1229 kgce/kWh (当量值) -> kWh per month.
                kwh_month = annual_tce * 0.7 / 0.0001229 / 12
                meters = [("E1", "总电表", "电力", "kWh", kwh_month)]
                if k % 3 == 0:
                    meters.append(("G1", "天然气总表", "天然气", "m3", annual_tce * 0.3 / 0.00133 / 12))
                for mcode, mname, carrier, unit, per_month in meters if readings else []:
                    meter = Meter.objects.create(
                        enterprise=ent, code=mcode, name=mname, carrier=carrier, unit=unit, kind="cumulative"
                    )
                    use = per_month * seasonal * rng.normal(1.0, 0.06, len(months)).clip(0.7, 1.3)
                    values = np.round(1000.0 + np.cumsum(use), 3)
                    all_m.append(np.full(len(months), meter.pk, dtype=np.int64))
                    all_e.append(np.full(len(months), ent.pk, dtype=np.int64))
                    all_t.append(ts_us)
                    all_v.append(values)
                ent_batch.accepted = ent_batch.received = len(meters) * len(months)
                ent_batch.save()
            if all_m:
                store.write(
                    meter_id=np.concatenate(all_m),
                    enterprise_id=np.concatenate(all_e),
                    ts_us=np.concatenate(all_t),
                    value=np.concatenate(all_v),
                    batch_id=str(batch.id) if batch is not None else str(uuid.uuid4()),
                    source=IngestBatch.Source.SAMPLE,
                )
        self.stdout.write(f"企业：新建 {n - existing} 家示例企业，{sum(len(a) for a in all_m)} 条月度读数")

    # ------------------------------------------------------------------ accounting

    def _accounting(self, rng, years: list[int]) -> None:
        try:
            from carbonpeak.accounting import services as acc
            from carbonpeak.accounting.models import Dataset
        except ImportError as exc:
            self.stdout.write(f"核算模块不可用（{exc}），跳过核算数据")
            return
        if Dataset.objects.filter(name=DATASET_NAME).exists():
            self.stdout.write("核算：数据集已存在，跳过")
            return
        energy_lines = (ACCOUNTING_DIR / "ENERGY.csv").read_text(encoding="utf-8").splitlines()
        economy_lines = (ACCOUNTING_DIR / "ECONOMY.csv").read_text(encoding="utf-8").splitlines()
        base_rows = [line.split(",") for line in energy_lines if line.startswith("2020,")]
        econ_2020 = next(line.split(",") for line in economy_lines if line.startswith("2020,"))
        gdp0, pop0 = float(econ_2020[2]), float(econ_2020[3])
        energy = ["year,sector,carrier,quantity,unit"]
        economy = ["year,gdp_10k_yuan,gdp_constant_10k_yuan,population,thermal_power_coal_rate_gce_per_kwh"]
        for year in years:
            k = year - 2020
            gdp = gdp0 * 1.062**k
            economy.append(f"{year},{gdp * 1.02**k:.0f},{gdp:.0f},{pop0 * 0.995**k:.0f},")
            for _, sector, carrier, qty, unit in base_rows:
                # Fossil fuels fall 2.5 %/a relative to GDP, electricity grows with the economy.
                growth = 1.045 if carrier == "电力" else 1.028
                q = float(qty) * growth**k * float(rng.normal(1.0, 0.01))
                energy.append(f"{year},{sector},{carrier},{q:.1f},{unit}")
        targets = ACCOUNTING_DIR / "TARGETS.csv"
        acc.import_dataset(
            user=None,
            name=DATASET_NAME,
            energy_file=acc.UploadedFile("ENERGY.csv", "\n".join(energy).encode("utf-8")),
            economy_file=acc.UploadedFile("ECONOMY.csv", "\n".join(economy).encode("utf-8")),
            targets_file=acc.UploadedFile("TARGETS.csv", targets.read_bytes()) if targets.exists() else None,
            region="湖南省",
            base_year=2020,
            is_sample=True,
            note=f"{SAMPLE_NOTE}：由 generate_county_dataset 生成的虚构统计。",
        )
        self.stdout.write(f"核算：{len(years)} 年 × {len(base_rows)} 行分行业分品种能源消费")

    # ------------------------------------------------------------------ indicators

    def _indicators(self, rng, plan, wanted: int, years: list[int]) -> None:
        if plan is not None:
            services.create_indicators_from_plan(plan=plan)
        services.ensure_computed_indicators(plan=plan)
        refreshed = services.refresh_computed(illustrative=True)
        total = Indicator.objects.count()
        for n in range(total, wanted):
            Indicator.objects.create(
                plan=plan,
                name=f"示例指标{n + 1:02d}（{SAMPLE_NOTE}）",
                unit="%",
                comparator=">=",
                baseline_year=2020,
                target_year=2030,
                target_value=Decimal(str(round(float(rng.uniform(40, 90)), 1))),
                order=1000 + n,
                note=f"{SAMPLE_NOTE}：用于性能测试的补充指标，不是方案目标。",
            )
        have = set(Observation.objects.values_list("indicator_id", "year"))
        new = []
        now = timezone.now()
        for ind in Indicator.objects.filter(kind=Indicator.Kind.MANUAL).order_by("id"):
            target = float(ind.target_value) if ind.target_value is not None else 100.0
            target_year = ind.target_year or 2030
            if ind.comparator == "=":
                start = target
            elif ind.comparator == "<=":
                start = target * 1.25
            else:
                start = target * (0.85 if ind.unit == "%" and target >= 95 else 0.55)
            if ind.baseline_value is None:
                ind.baseline_value = Decimal(str(round(start, 4)))
                ind.save(update_fields=["baseline_value"])
            pace = float(rng.choice([1.1, 1.0, 0.95, 0.85, 0.6]))
            span = max(target_year - 2020, 1)
            for year in years:
                if (ind.pk, year) in have:
                    continue
                frac = (year - 2020) / span
                value = start + (target - start) * frac * pace
                if ind.comparator == "=":
                    value = target * (1 - 0.004 * max(year - 2020, 0) * (pace < 0.9))
                value *= float(rng.normal(1.0, 0.01))
                if ind.unit == "%":
                    value = min(value, 100.0)
                new.append(
                    Observation(
                        indicator=ind,
                        year=year,
                        value=Decimal(str(round(value, 4))),
                        source=SAMPLE_NOTE,
                        illustrative=True,
                        state=Observation.State.APPROVED,
                        reviewed_at=now,
                    )
                )
        Observation.objects.bulk_create(new, batch_size=500)
        self.stdout.write(
            f"指标：{Indicator.objects.count()} 个；新增观测值 {len(new)} 条；核算指标刷新 {refreshed.created} 条"
        )


def _nullable_enterprise(model) -> bool:
    field = model._meta.get_field("enterprise")
    return bool(field.null)
