"""Computed indicators' targets from the latest accounting dataset's TARGETS, and their source."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.test import Client

from carbonpeak.accounting import services as accounting
from carbonpeak.core.models import AuditEntry
from carbonpeak.indicators import services
from carbonpeak.indicators.models import Indicator
from carbonpeak.plans.models import Plan, Target
from tests.indicators.factories import make_indicator

Source = Indicator.TargetSource

ENERGY = (
    "year,sector,carrier,quantity,unit\n"
    "2020,工业,原煤,10000,吨\n2020,居民生活,电力,1000,万千瓦时\n"
    "2021,工业,原煤,9800,吨\n2021,居民生活,电力,1100,万千瓦时\n"
)
ECONOMY = (
    "year,gdp_10k_yuan,gdp_constant_10k_yuan,population\n2020,100000,100000,5000\n2021,110000,105000,5000\n"
)
HEADER = "indicator,base_year,target_year,decline_pct,cap\n"
TARGETS = (
    HEADER + "energy_intensity,2020,2025,14,\n"
    "co2_intensity,2020,2025,19,\n"
    "energy_total,2020,2025,,1150000\n"
    "co2_total,2020,2030,,2600000\n"
)
Q = Decimal("0.000001")


def import_dataset(user, name: str, targets: str | None = TARGETS):
    files = {
        "energy_file": accounting.UploadedFile(name="ENERGY.csv", data=ENERGY.encode()),
        "economy_file": accounting.UploadedFile(name="ECONOMY.csv", data=ECONOMY.encode()),
    }
    if targets is not None:
        files["targets_file"] = accounting.UploadedFile(name="TARGETS.csv", data=targets.encode())
    return accounting.import_dataset(user=user, name=name, **files)


def computed(key: str) -> Indicator:
    return Indicator.objects.get(computed_key=key)


def test_targets_set_the_six_computed_indicators(office_user):
    import_dataset(office_user, "2024年县统计数据")
    result = services.refresh_computed(user=office_user)
    assert len(result.targets_applied) == 6 and result.targets_skipped == []

    decline = computed("energy_intensity_decline_cumulative_pct")
    assert (decline.target_value, decline.target_year, decline.target_source) == (
        Decimal("14"),
        2025,
        Source.ACCOUNTING,
    )
    assert "核算数据集“2024年县统计数据”的 TARGETS：2020—2025年下降14%" in decline.note
    co2_decline = computed("co2_intensity_decline_cumulative_pct")
    assert (co2_decline.target_value, co2_decline.target_source) == (Decimal("19"), Source.ACCOUNTING)

    for key, d in (("energy_intensity", "0.86"), ("co2_intensity", "0.81")):
        level = computed(key)
        assert level.baseline_value is not None and level.baseline_value > 0
        assert level.target_value == (level.baseline_value * Decimal(d)).quantize(Q)
        assert (level.target_year, level.target_source) == (2025, Source.ACCOUNTING)

    energy, co2 = computed("energy_tce"), computed("co2_t")
    assert (energy.target_value, energy.target_year, energy.comparator) == (Decimal("1150000"), 2025, "<=")
    assert (co2.target_value, co2.target_year, co2.target_source) == (
        Decimal("2600000"),
        2030,
        Source.ACCOUNTING,
    )
    assert "2025年不超过1150000吨标准煤" in energy.note
    # Not in TARGETS: the national default stays.
    share = computed("non_fossil_share_pct")
    assert (share.target_value, share.target_source) == (Decimal("20"), Source.NATIONAL)


def test_targets_are_audited_once(office_user):
    import_dataset(office_user, "数据集甲")
    services.refresh_computed(user=office_user)
    decline = computed("energy_intensity_decline_cumulative_pct")
    entries = AuditEntry.objects.filter(
        object_type="indicators.Indicator", object_id=str(decline.pk), note__contains="TARGETS"
    )
    entry = entries.get()
    assert entry.note == "按核算数据集“数据集甲”的 TARGETS 设定目标"
    assert entry.before["target_source"] == "national" and entry.after["target_source"] == "accounting"
    assert Decimal(entry.before["target_value"]) == Decimal("13.5")
    assert Decimal(entry.after["target_value"]) == Decimal("14")
    assert entry.user == office_user
    # Refreshing again with the same TARGETS changes nothing and records nothing more.
    again = services.refresh_computed(user=office_user)
    assert again.targets_applied == [] and entries.count() == 1


def test_newer_dataset_with_other_targets_moves_accounting_targets(office_user):
    import_dataset(office_user, "旧数据集")
    services.refresh_computed(user=office_user)
    import_dataset(office_user, "新数据集", TARGETS.replace(",14,", ",16,").replace("1150000", "1200000"))
    services.refresh_computed(user=office_user)
    decline = computed("energy_intensity_decline_cumulative_pct")
    assert decline.target_value == Decimal("16") and "“新数据集”" in decline.note
    level = computed("energy_intensity")
    assert level.target_value == (level.baseline_value * Decimal("0.84")).quantize(Q)
    assert computed("energy_tce").target_value == Decimal("1200000")
    # A still newer dataset without TARGETS leaves them as they are.
    import_dataset(office_user, "无目标数据集", None)
    result = services.refresh_computed(user=office_user)
    assert result.targets_applied == []
    assert computed("energy_intensity_decline_cumulative_pct").target_value == Decimal("16")
    assert computed("energy_intensity_decline_cumulative_pct").target_source == Source.ACCOUNTING


def test_without_targets_the_national_defaults_stay(office_user):
    import_dataset(office_user, "无目标数据集", None)
    result = services.refresh_computed(user=office_user)
    assert result.years == [2020, 2021] and result.targets_applied == []
    decline = computed("energy_intensity_decline_cumulative_pct")
    assert (decline.target_value, decline.target_source) == (Decimal("13.5"), Source.NATIONAL)
    level = computed("energy_intensity")
    assert level.target_value == (level.baseline_value * Decimal("0.865")).quantize(Q)
    assert level.target_source == Source.NATIONAL
    assert computed("energy_tce").target_value is None


def test_base_year_mismatch_is_not_applied_and_says_why(office_user):
    import_dataset(
        office_user, "基准年不同", HEADER + "energy_intensity,2021,2025,14,\nenergy_total,2021,2025,,1\n"
    )
    result = services.refresh_computed(user=office_user)
    assert result.targets_applied == []
    assert len(result.targets_skipped) == 3  # decline rate, level, total
    assert all(
        "基准年为2021年" in reason and "与指标基准年2020年不一致" in reason
        for reason in result.targets_skipped
    )
    decline = computed("energy_intensity_decline_cumulative_pct")
    assert (decline.target_value, decline.target_source) == (Decimal("13.5"), Source.NATIONAL)
    assert computed("energy_tce").target_value is None


def test_refresh_view_reports_skipped_targets(office_user, office_client):
    import_dataset(office_user, "基准年不同", HEADER + "energy_total,2021,2025,,1\n")
    response = office_client.post("/indicators/refresh/", follow=True)
    assert "与指标基准年2020年不一致" in response.content.decode()


def _edit_data(ind: Indicator, **changes) -> dict:
    return {
        "name": ind.name,
        "unit": ind.unit,
        "comparator": ind.comparator,
        "baseline_year": ind.baseline_year,
        "baseline_value": ind.baseline_value if ind.baseline_value is not None else "",
        "target_year": ind.target_year or "",
        "target_value": ind.target_value if ind.target_value is not None else "",
        "responsible": ind.responsible_id or "",
        "note": ind.note,
        **changes,
    }


def test_office_edit_on_the_site_is_kept_on_refresh(office_user, office_client):
    import_dataset(office_user, "数据集甲")
    services.refresh_computed(user=office_user)
    decline = computed("energy_intensity_decline_cumulative_pct")
    # Saving without touching the target keeps following the accounting.
    same = office_client.post(f"/indicators/{decline.pk}/edit/", _edit_data(decline, note="补充说明"))
    assert same.status_code == 302
    assert computed("energy_intensity_decline_cumulative_pct").target_source == Source.ACCOUNTING

    response = office_client.post(f"/indicators/{decline.pk}/edit/", _edit_data(decline, target_value="15"))
    assert response.status_code == 302
    assert computed("energy_intensity_decline_cumulative_pct").target_source == Source.OFFICE
    import_dataset(office_user, "数据集乙", TARGETS.replace(",14,", ",16,").replace(",19,", ",20,"))
    services.refresh_computed(user=office_user)
    kept = computed("energy_intensity_decline_cumulative_pct")
    assert (kept.target_value, kept.target_source) == (Decimal("15"), Source.OFFICE)
    assert computed("co2_intensity_decline_cumulative_pct").target_value == Decimal("20")
    page = office_client.get(f"/indicators/{decline.pk}/").content.decode()
    assert "目标来源：碳达峰办设定" in page


def _admin_data(ind: Indicator, **changes) -> dict:
    return {
        "plan": ind.plan_id or "",
        "target": ind.target_id or "",
        "value_kind": ind.value_kind,
        "kind": ind.kind,
        "computed_key": ind.computed_key,
        "order": ind.order,
        **_edit_data(ind),
        **changes,
    }


def test_office_edit_in_the_admin_is_kept_on_refresh(office_user):
    office_user.is_staff = office_user.is_superuser = True
    office_user.save()
    client = Client()
    client.force_login(office_user)
    import_dataset(office_user, "数据集甲")
    services.refresh_computed(user=office_user)
    energy = computed("energy_tce")
    url = f"/admin/indicators/indicator/{energy.pk}/change/"
    untouched = client.post(url, _admin_data(energy, note="只改说明"))
    assert untouched.status_code == 302, untouched.content.decode()[:2000]
    assert computed("energy_tce").target_source == Source.ACCOUNTING

    changed = client.post(url, _admin_data(energy, target_year="2026"))
    assert changed.status_code == 302, changed.content.decode()[:2000]
    assert computed("energy_tce").target_source == Source.OFFICE
    import_dataset(office_user, "数据集乙", TARGETS.replace("1150000", "1200000"))
    services.refresh_computed(user=office_user)
    kept = computed("energy_tce")
    assert (kept.target_value, kept.target_year, kept.target_source) == (
        Decimal("1150000"),
        2026,
        Source.OFFICE,
    )


def test_plan_indicators_are_plan_sourced_and_never_follow_targets(office_user):
    plan = Plan.objects.create(title="方案")
    target = Target.objects.create(
        plan=plan,
        indicator="新能源装机容量",
        value=Decimal("135.5"),
        unit="万千瓦",
        comparator=">=",
        year=2025,
    )
    services.create_indicators_from_plan(plan=plan, user=office_user)
    assert Indicator.objects.get(target=target).target_source == Source.PLAN
    services.ensure_computed_indicators(user=office_user)
    assert set(Indicator.objects.exclude(computed_key="").values_list("target_source", flat=True)) == {
        Source.NATIONAL
    }


def test_migration_sets_sources_of_existing_indicators(db):
    migration = importlib.import_module("carbonpeak.indicators.migrations.0002_indicator_target_source")
    plan = Plan.objects.create(title="方案")
    target = Target.objects.create(
        plan=plan, indicator="森林覆盖率", value=Decimal("39"), unit="%", comparator="=", year=2025
    )
    computed_one = make_indicator("能源消费总量", kind="computed", computed_key="energy_tce")
    from_plan = make_indicator("森林覆盖率", target=target)
    by_hand = make_indicator("自设指标")
    Indicator.objects.update(target_source=Source.ACCOUNTING)

    migration.set_target_source(apps, None)

    sources = dict(Indicator.objects.values_list("pk", "target_source"))
    assert sources == {
        computed_one.pk: Source.NATIONAL,
        from_plan.pk: Source.PLAN,
        by_hand.pk: Source.OFFICE,
    }


@pytest.mark.parametrize("target_value", [Decimal("20"), None])
def test_export_has_the_target_source(office_client, target_value):
    make_indicator("自设指标", target_value=target_value)
    from io import BytesIO

    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(office_client.get("/indicators/export.xlsx").content))["指标"]
    header = [c.value for c in ws[1]]
    column = header.index("目标来源")
    assert ws[2][column].value == ("碳达峰办设定" if target_value is not None else None)
