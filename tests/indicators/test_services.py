"""Indicator services: plan targets -> indicators, computed refresh, entry/review, Excel import, warnings."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from carbonpeak.core.models import AuditEntry
from carbonpeak.indicators import services
from carbonpeak.indicators.models import Indicator, Observation
from carbonpeak.plans.models import Action, Assignment, Department, Plan, Target, Task
from tests.indicators.factories import make_indicator, observe


@pytest.fixture
def plan(db, department):
    plan = Plan.objects.create(title="岳阳县碳达峰实施方案")
    action = Action.objects.create(plan=plan, number=2, title="能源绿色低碳转型行动")
    task = Task.objects.create(action=action, code="2.2", number=2, title="大力发展新能源", text="…")
    Assignment.objects.create(task=task, department=department, role="lead")
    Target.objects.create(
        plan=plan,
        task=task,
        indicator="新能源装机容量",
        value=Decimal("135.5"),
        value_text="135.5",
        unit="万千瓦",
        comparator=">=",
        year=2025,
        quote="力争到2025年,全县新能源装机容量达到135.5万千瓦以上。",
        order=1,
    )
    forestry = Department.objects.create(name="县林业局")
    Target.objects.create(
        plan=plan,
        indicator="森林覆盖率",
        value=Decimal("39.00"),
        value_text="39.00",
        unit="%",
        comparator="=",
        year=2025,
        quote="全县森林覆盖率目标值为稳定在39.00%",
        responsible=forestry,
        order=2,
    )
    Target.objects.create(
        plan=plan,
        indicator="城市生活垃圾无害化处理率",
        value=Decimal("100"),
        value_text="100",
        unit="%",
        comparator="=",
        year=2025,
        quote="到2025年,城市生活垃圾无害化处理率达到100%。",
        order=3,
    )
    return plan


def test_one_indicator_per_target_and_idempotent(plan, department, office_user):
    result = services.create_indicators_from_plan(plan=plan, user=office_user)
    assert len(result.created) == 3
    again = services.create_indicators_from_plan(plan=plan, user=office_user)
    assert again.created == [] and again.existing == 3
    assert Indicator.objects.count() == 3
    capacity = Indicator.objects.get(target__indicator="新能源装机容量")
    assert capacity.responsible == department  # lead department of the target's task
    assert (capacity.comparator, capacity.target_year, capacity.target_value) == (
        ">=",
        2025,
        Decimal("135.5"),
    )
    assert capacity.baseline_value is None
    forest = Indicator.objects.get(target__indicator="森林覆盖率")
    assert forest.comparator == "="  # 稳定在: hold the level
    assert forest.responsible.name == "县林业局"
    waste = Indicator.objects.get(target__indicator="城市生活垃圾无害化处理率")
    assert waste.comparator == ">="  # 达到100%: at least
    assert AuditEntry.objects.filter(object_type="indicators.Indicator", action="create").count() == 3


SUMMARY = [
    {
        "year": 2020,
        "energy_tce": 1_000_000,
        "co2_t": 2_400_000,
        "energy_intensity": 0.50,
        "co2_intensity": 1.2,
        "non_fossil_share_pct": 15.0,
        "declines": {"energy_intensity_cumulative_pct": 0.0, "co2_intensity_cumulative_pct": 0.0},
    },
    {
        "year": 2021,
        "energy_tce": 1_020_000,
        "co2_t": 2_420_000,
        "energy_intensity": 0.485,
        "co2_intensity": 1.15,
        "non_fossil_share_pct": 16.0,
        "declines": {"energy_intensity_cumulative_pct": 3.0, "co2_intensity_cumulative_pct": 4.2},
    },
]


def test_refresh_computed_writes_approved_values_and_derives_targets(db, office_user):
    result = services.refresh_computed(user=office_user, summary=SUMMARY)
    assert result.years == [2020, 2021]
    assert result.created == 14
    intensity = Indicator.objects.get(computed_key="energy_intensity")
    assert intensity.baseline_value == Decimal("0.5")
    assert intensity.target_value == Decimal("0.432500")  # 0.50 × (1 − 13.5 %)
    decline = Indicator.objects.get(computed_key="energy_intensity_decline_cumulative_pct")
    assert list(decline.observations.values_list("year", "value", "state")) == [
        (2020, Decimal("0"), "approved"),
        (2021, Decimal("3"), "approved"),
    ]
    # Second refresh with a revised figure updates, does not duplicate.
    revised = [SUMMARY[0], {**SUMMARY[1], "energy_tce": 1_030_000}]
    again = services.refresh_computed(user=office_user, summary=revised)
    assert (again.created, again.updated) == (0, 1)
    assert Indicator.objects.get(computed_key="energy_tce").observations.get(year=2021).value == Decimal(
        "1030000"
    )


def test_refresh_without_accounting_data_changes_nothing(db):
    result = services.refresh_computed(summary=[])
    assert result.years == [] and Observation.objects.count() == 0


def test_department_entry_waits_for_review_and_only_approved_counts(department_user, office_user, department):
    ind = make_indicator(responsible=department)
    obs = services.submit_observation(
        indicator=ind, year=2023, value="95.5", source="县发改局", user=department_user
    )
    assert obs.state == "pending"
    assert services.indicator_rows(Indicator.objects.filter(pk=ind.pk))[0].status == "待填报"
    with pytest.raises(services.IndicatorInputError):
        services.review_observation(observation=obs, approve=False, note=" ", user=office_user)
    with pytest.raises(PermissionError):
        services.review_observation(observation=obs, approve=True, user=department_user)
    services.review_observation(observation=obs, approve=True, user=office_user)
    row = services.indicator_rows(Indicator.objects.filter(pk=ind.pk))[0]
    assert row.status == "正常"  # 35.5 -> 95.5 in 3 years projects exactly 135.5
    # Correcting the value sends it back to review.
    obs = services.submit_observation(indicator=ind, year=2023, value="90", user=department_user)
    assert obs.state == "pending" and Observation.objects.count() == 1


@pytest.mark.parametrize(
    ("year", "quarter", "value", "message"),
    [
        ("20x3", None, "1", "年份"),
        ("1990", None, "1", "年份"),
        ("2023", "5", "1", "季度"),
        ("2023", None, "abc", "不是数字"),
        ("2023", None, "", "不能为空"),
    ],
)
def test_bad_input_has_a_chinese_message(office_user, year, quarter, value, message):
    ind = make_indicator()
    with pytest.raises(services.IndicatorInputError, match=message):
        services.submit_observation(indicator=ind, year=year, quarter=quarter, value=value, user=office_user)


def _xlsx(rows, header=services.HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = services.SHEET_TITLE
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_excel_import_is_all_or_nothing_with_row_errors(department_user, department):
    own = make_indicator(responsible=department)
    other = make_indicator("森林覆盖率", responsible=Department.objects.create(name="县林业局"))
    data = _xlsx(
        [
            (own.pk, "", "", 2022, None, 60, "统计年报"),
            (own.pk, "", "", 2023, 7, 70, ""),
            (other.pk, "", "", 2023, None, 39, ""),
            (own.pk, "", "", 2022, None, "abc", ""),
            (999, "", "", 2022, None, 1, ""),
        ]
    )
    with pytest.raises(services.IndicatorInputError) as exc:
        services.import_observations(data=data, filename="观测值.xlsx", user=department_user)
    errors = exc.value.errors
    assert any("第3行" in e and "E列" in e for e in errors)
    assert any("第4行" in e and "无权" in e for e in errors)
    assert any("第5行" in e and "F列" in e for e in errors)
    assert any("第6行" in e and "A列" in e for e in errors)
    assert all("观测值.xlsx" in e for e in errors)
    assert Observation.objects.count() == 0


def test_excel_import_creates_pending_rows_for_department(department_user, department):
    own = make_indicator(responsible=department)
    data = _xlsx(
        [
            (own.pk, "新能源装机容量", "万千瓦", 2022, None, 60, "统计年报"),
            (own.pk, "", "", 2023, 2, "70.5", ""),
        ]
    )
    result = services.import_observations(data=data, filename="a.xlsx", user=department_user)
    assert (result.created, result.updated) == (2, 0)
    assert set(Observation.objects.values_list("state", flat=True)) == {"pending"}


def test_excel_import_rejects_wrong_file_and_header(office_user):
    with pytest.raises(services.IndicatorInputError, match="不是有效的 Excel"):
        services.import_observations(data=b"not a zip", filename="a.xlsx", user=office_user)
    with pytest.raises(services.IndicatorInputError, match="表头"):
        services.import_observations(data=_xlsx([], header=("x", "y")), filename="a.xlsx", user=office_user)
    with pytest.raises(services.IndicatorInputError, match=".xlsx"):
        services.import_observations(data=b"", filename="a.csv", user=office_user)


def test_template_round_trip(office_user):
    ind = make_indicator()
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(services.template_workbook([ind])))
    ws = wb[services.SHEET_TITLE]
    ws.cell(2, 4, 2024)
    ws.cell(2, 6, 120)
    buf = io.BytesIO()
    wb.save(buf)
    result = services.import_observations(data=buf.getvalue(), filename="模板.xlsx", user=office_user)
    assert result.created == 1
    assert Observation.objects.get().state == "approved"  # the office's own entry


def test_warnings_and_target_levels(plan, office_user):
    services.create_indicators_from_plan(plan=plan, user=office_user)
    capacity = Indicator.objects.get(target__indicator="新能源装机容量")
    capacity.baseline_value = Decimal("35.5")
    capacity.save()
    observe(capacity, 2024, 45)  # projects to 47.4: far below 135.5 -> 滞后 / red
    forest = Indicator.objects.get(target__indicator="森林覆盖率")
    observe(forest, 2024, 38.6)  # projects 38.5: 1.3 % short -> 有风险 / yellow
    warnings = services.active_warnings()
    assert [(w.name, w.level) for w in warnings] == [("新能源装机容量", "red"), ("森林覆盖率", "yellow")]
    assert "2025年预计" in warnings[0].message
    levels = {t.target_id: t.level for t in services.target_levels(plan)}
    assert levels == {capacity.target_id: "red", forest.target_id: "yellow"}


def test_warning_notifications_go_once_per_month(department_user, office_user, department):
    from carbonpeak.core.models import Notification

    ind = make_indicator(responsible=department)
    observe(ind, 2024, 45)  # 滞后
    first = services.notify_warnings()
    assert first == 2  # the department's reporter and the office
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"dept", "office"}
    assert services.notify_warnings() == 0


def test_office_sets_baseline_and_target_with_audit(office_client, department):
    ind = make_indicator(responsible=department, baseline_value=None)
    data = {
        "name": ind.name,
        "unit": "万千瓦",
        "comparator": ">=",
        "baseline_year": 2020,
        "baseline_value": "40",
        "target_year": 2025,
        "target_value": "140",
        "responsible": department.pk,
        "note": "",
    }
    response = office_client.post(f"/indicators/{ind.pk}/edit/", data)
    assert response.status_code == 302
    ind.refresh_from_db()
    assert (ind.baseline_value, ind.target_value) == (Decimal("40"), Decimal("140"))
    assert AuditEntry.objects.filter(object_type="indicators.Indicator", action="update").count() == 1
    bad = office_client.post(f"/indicators/{ind.pk}/edit/", {**data, "target_year": 2019})
    assert bad.status_code == 200 and "目标年份必须晚于基准年份" in bad.content.decode()
    ind.refresh_from_db()
    assert ind.target_year == 2025
