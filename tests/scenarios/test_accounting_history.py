"""The county's own accounting data feeds the scenarios: base year and decomposition."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from carbonpeak.scenarios import services, spec

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data" / "scenarios"


@pytest.fixture
def accounting(db):
    from carbonpeak.accounting import samples

    samples.load(io.StringIO())
    from carbonpeak.accounting.services import yearly_summary

    return yearly_summary()


def test_base_year_comes_from_accounting(accounting):
    data = services.fill_from_accounting(spec.load_toml(SAMPLES / "policy-from-accounting.toml"))
    row = next(r for r in accounting if r["year"] == 2020)
    assert data["base"]["population"]["value"] == row["population"]
    assert "能耗与碳排放核算" in data["base"]["population"]["source"]
    industry = next(s for s in data["sectors"] if s["code"] == "industry")
    assert industry["energy_tce"]["value"] == pytest.approx(row["by_sector"]["工业"]["energy_tce"])
    result = spec.run_scenario(data, draws=100)
    # the calibrated factors reproduce the accounted base-year CO2 of the mapped sectors
    mapped = sum(row["by_sector"][s["accounting_sector"]]["co2_t"] for s in data["sectors"])
    assert result["path"]["2020"] == pytest.approx(mapped, rel=1e-3)


def test_cli_without_accounting_data_says_so(db):
    with pytest.raises(CommandError) as exc:
        call_command("scenario", "run", str(SAMPLES / "policy-from-accounting.toml"), "--draws", "10")
    assert exc.value.returncode == 2 and "核算数据中没有基准年" in str(exc.value)


def test_decomposition_uses_accounting_by_carrier(accounting, leader_client):
    hist = services.history()
    assert hist is not None
    years, meta = hist
    assert meta["by_carrier_only"] and [h.year for h in years] == [r["year"] for r in accounting]
    result = services.decomposition(years, years[0].year, years[-1].year)
    assert result.effects["structure"] == 0.0
    assert abs(sum(result.effects.values()) - result.total_change_t) < 1e-6
    page = leader_client.get(reverse("scenarios:decomposition")).content.decode()
    assert "产业结构效应无法分离" in page
    # STIRPAT on five accounted years is refused, with the reason
    page = leader_client.get(reverse("scenarios:stirpat")).content.decode()
    assert "至少需要 8 年" in page


def test_pages_can_switch_to_the_long_history(accounting, samples, leader_client):
    page = leader_client.get(reverse("scenarios:stirpat") + "?source=sample").content.decode()
    assert "Durbin" in page and "示例数据" in page
    page = leader_client.get(
        reverse("scenarios:decomposition") + "?source=sample&from=2012&to=2023"
    ).content.decode()
    assert "产业结构效应" in page and "产业结构效应无法分离" not in page
