"""Versions, measures, comparison, decomposition and STIRPAT pages, as the office uses them."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from carbonpeak.core.models import AuditEntry
from carbonpeak.scenarios import forms, services
from carbonpeak.scenarios.models import Measure


def _post_for(version, **changes):
    rows = forms.entries(version.assumptions)
    data = {"note": "调整假设"}
    for i, e in enumerate(rows):
        data[f"value_{i}"] = e.value_text
        data[f"source_{i}"] = e.source
    for i, e in enumerate(rows):
        key = ".".join(str(p) for p in e.path)
        if key in changes:
            data[f"value_{i}"], data[f"source_{i}"] = changes[key]
    return data


def test_edit_creates_a_new_version_and_keeps_the_old(office_client, samples):
    s = samples["baseline"]
    v1 = s.current
    data = _post_for(
        v1, **{"assumptions.gdp_growth": ("2021-2030: 0.03; 2031-2060: 0.01", "县发改局测算（测试）")}
    )
    response = office_client.post(reverse("scenarios:edit", args=[s.pk]), data)
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.versions.count() == 2
    v2 = s.current
    assert v2.number == 2 and v2.note == "调整假设"
    assert v2.assumptions["assumptions"]["gdp_growth"]["source"] == "县发改局测算（测试）"
    assert v2.results["path"]["2040"] < v1.results["path"]["2040"]  # slower growth, lower emissions
    # the old version is still viewable
    page = office_client.get(reverse("scenarios:detail", args=[s.pk]) + "?v=1").content.decode()
    assert "历史版本" in page
    assert AuditEntry.objects.filter(object_type="scenarios.Scenario", action="update").exists()


def test_missing_source_is_refused_without_a_new_version(office_client, samples):
    s = samples["baseline"]
    data = _post_for(s.current, **{"base.population": ("700000", "")})
    response = office_client.post(reverse("scenarios:edit", args=[s.pk]), data)
    assert response.status_code == 200
    assert "请填写来源" in response.content.decode()
    assert s.versions.count() == 1


def test_invalid_value_is_explained(office_client, samples):
    s = samples["baseline"]
    data = _post_for(s.current, **{"assumptions.gdp_growth": ("2021-2025: 0.05", "测试")})
    response = office_client.post(reverse("scenarios:edit", args=[s.pk]), data)
    assert response.status_code == 200
    assert "没有给出取值" in response.content.decode()
    assert s.versions.count() == 1


def test_measures_link_tasks_and_feed_the_wedges(office_client, samples):
    s = samples["policy"]
    url = reverse("scenarios:measure_new", args=[s.pk])
    response = office_client.post(
        url,
        {
            "name": "屋顶分布式光伏",
            "task": "5.3",
            "kind": "renewable",
            "start_year": 2023,
            "full_year": 2026,
            "parameters": "capacity_10k_kw: 10; utilisation_hours: 950",
            "source": "县住建局摸底（测试）",
        },
    )
    assert response.status_code == 302
    m = Measure.objects.get(scenario=s, name="屋顶分布式光伏")
    assert m.abatement_2030_t == pytest.approx(
        10 * 1e4 * 950 / 1000 * float(s.current.results["grid_factor_path"]["2030"]), rel=1e-6
    )
    w = services.wedge_data(s)
    assert "屋顶分布式光伏" in w["measures"]
    for k in range(len(w["years"])):
        total = sum(path[k] for path in w["measures"].values()) + w["remainder_t"][k]
        assert total == pytest.approx(w["gap_t"][k], abs=1e-6)
    # delete with confirmation
    delete_url = reverse("scenarios:measure_delete", args=[s.pk, m.pk])
    assert "确认删除" in office_client.get(delete_url).content.decode()
    assert office_client.post(delete_url).status_code == 302
    assert not Measure.objects.filter(pk=m.pk).exists()
    assert AuditEntry.objects.filter(object_type="scenarios.Measure", action="delete").exists()


def test_bad_measure_parameters_are_explained(office_client, samples):
    s = samples["policy"]
    response = office_client.post(
        reverse("scenarios:measure_new", args=[s.pk]),
        {
            "name": "x",
            "kind": "electric_bus",
            "start_year": 2022,
            "full_year": 2025,
            "parameters": "vehicles: 10",
            "source": "测试",
        },
    )
    assert response.status_code == 200
    assert "km_per_year" in response.content.decode()


def test_upload_creates_a_scenario_and_rejects_a_bad_file(office_client, samples):
    from django.core.files.uploadedfile import SimpleUploadedFile

    toml = office_client.get(reverse("scenarios:toml", args=[samples["enhanced"].pk])).content.decode()
    toml = toml.replace("强化情景（示例）", "强化情景（复制）")
    response = office_client.post(
        reverse("scenarios:upload"), {"file": SimpleUploadedFile("s.toml", toml.encode())}
    )
    assert response.status_code == 302
    from carbonpeak.scenarios.models import Scenario

    copy = Scenario.objects.get(name="强化情景（复制）")
    assert copy.measures.count() == samples["enhanced"].measures.count()
    assert copy.current.results["path"] == samples["enhanced"].current.results["path"]
    bad = SimpleUploadedFile("bad.toml", b"[scenario]\nname = 1\n")
    response = office_client.post(reverse("scenarios:upload"), {"file": bad})
    assert response.status_code == 200 and "scenario.name" in response.content.decode()


def test_detail_shows_peak_probability_sources_and_charts(leader_client, samples):
    s = samples["policy"]
    page = leader_client.get(reverse("scenarios:detail", args=[s.pk])).content.decode()
    assert "达峰年份" in page and "2030年前达峰概率" in page
    assert "示例数据，仅供演示" in page
    assert "生态环境部、国家统计局公告2024年第12号" in page  # grid factor source
    assert 'id="chart-fan"' in page and 'id="chart-wedge"' in page
    assert "vendor/echarts.min.js" in page and "cdn" not in page.lower()


def test_excel_exports(leader_client, samples):
    s = samples["policy"]
    wb = load_workbook(io.BytesIO(leader_client.get(reverse("scenarios:export", args=[s.pk])).content))
    ws = wb.active
    assert "示例数据" in ws["A2"].value
    years = [row[0] for row in ws.iter_rows(min_row=4, values_only=True)]
    assert years[0] == 2020 and years[-1] == 2060
    assert wb.sheetnames == ["情景排放路径", "假设及来源", "减排措施", "版本历史"]
    sources = [row[3] for row in wb["假设及来源"].iter_rows(min_row=2, values_only=True)]
    assert sources and all(sources)
    assert wb["减排措施"].max_row == 1 + s.measures.count()
    wb = load_workbook(io.BytesIO(leader_client.get(reverse("scenarios:compare_export")).content))
    assert wb.active.max_row == 3 + 41


def test_comparison_page(leader_client, samples):
    ids = [samples["baseline"].current.pk, samples["policy"].current.pk]
    page = leader_client.get(reverse("scenarios:compare") + f"?v={ids[0]}&v={ids[1]}").content.decode()
    assert "基准情景（示例）" in page and "政策情景（示例）" in page and "强化情景（示例）</a>" not in page


def test_decomposition_page_sums_exactly(department_client, samples):
    page = department_client.get(reverse("scenarios:decomposition") + "?from=2015&to=2023").content.decode()
    assert "人口规模效应" in page and "排放因子效应" in page and "示例数据" in page
    years, _ = services.history("sample")
    result = services.decomposition(years, 2015, 2023)
    assert abs(sum(result.effects.values()) - result.total_change_t) < 1e-6
    bad = department_client.get(reverse("scenarios:decomposition") + "?from=2015&to=2015")
    assert bad.status_code == 200 and "两个不同的年份" in bad.content.decode()
    wb = load_workbook(
        io.BytesIO(
            department_client.get(reverse("scenarios:decomposition_export") + "?from=2015&to=2023").content
        )
    )
    assert wb.active.cell(4, 1).value is not None


def test_stirpat_page(leader_client, samples):
    page = leader_client.get(reverse("scenarios:stirpat")).content.decode()
    assert "Durbin" in page and "VIF" in page and "调整后 R²" in page
    wb = load_workbook(io.BytesIO(leader_client.get(reverse("scenarios:stirpat_export")).content))
    assert wb.sheetnames == ["STIRPAT回归", "历史与拟合", "外推对照"]
    assert wb["外推对照"].max_row == 1 + 41


def test_stirpat_refuses_short_history(leader_client, samples):
    years, _ = services.history("sample")
    out = services.stirpat_view(years[:5], None)
    assert "至少需要 8 年" in out["error"]


def test_peak_outlook_for_the_dashboard(samples):
    out = services.peak_outlook()
    assert out["scenario_name"] == "政策情景（示例）"
    assert out["peak_year"] is not None and 0 <= out["p_peak_by_2030"] <= 1


def test_samples_are_idempotent(samples):
    from carbonpeak.scenarios import samples as mod
    from carbonpeak.scenarios.models import History, Scenario, ScenarioVersion

    mod.load(io.StringIO(), draws=100)
    assert (
        Scenario.objects.count() == 3
        and ScenarioVersion.objects.count() == 3
        and History.objects.count() == 1
    )


def test_empty_states(office_client, db):
    assert "还没有情景" in office_client.get(reverse("scenarios:index")).content.decode()
    assert "没有历史数据" in office_client.get(reverse("scenarios:decomposition")).content.decode()
    assert office_client.get(reverse("scenarios:stirpat")).status_code == 200


def test_office_chooses_the_wedge_baseline(office_client, samples):
    s = samples["enhanced"]
    url = reverse("scenarios:set_baseline", args=[s.pk])
    assert office_client.post(url, {"baseline": samples["policy"].pk}).status_code == 302
    s.refresh_from_db()
    assert s.baseline == samples["policy"]
    assert services.wedge_data(s)["baseline"] == "政策情景（示例）"
    office_client.post(url, {"baseline": s.pk})  # itself: refused
    s.refresh_from_db()
    assert s.baseline == samples["policy"]
    office_client.post(url, {"baseline": ""})
    s.refresh_from_db()
    assert s.baseline is None and services.wedge_data(s) is None
