"""One official outlook chosen by the office, and one emission history (issue 16)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from carbonpeak.scenarios import services
from carbonpeak.scenarios.models import Scenario

pytestmark = pytest.mark.django_db


def test_office_marks_one_scenario_as_the_official_outlook(samples, office_client, leader_client):
    policy, enhanced = samples["policy"], samples["enhanced"]
    card = leader_client.get("/dashboard/").content.decode().split('id="card-peak"', 1)[1]
    assert "未指定官方展望" in card.split("</a>", 1)[0]

    response = office_client.post(reverse("scenarios:set_official", args=[enhanced.pk]))
    assert response.status_code == 302
    enhanced.refresh_from_db()
    assert enhanced.official
    card = leader_client.get("/dashboard/").content.decode().split('id="card-peak"', 1)[1]
    assert f"官方达峰展望：{enhanced.name}" in card.split("</a>", 1)[0]

    office_client.post(reverse("scenarios:set_official", args=[policy.pk]))
    assert list(Scenario.objects.filter(official=True).values_list("pk", flat=True)) == [policy.pk]
    assert services.peak_outlook()["scenario_name"] == policy.name
    page = office_client.get(reverse("scenarios:index")).content.decode()
    assert page.count("官方展望</span>") == 1


def test_uploading_a_newer_scenario_does_not_change_the_official_outlook(samples, office_user):
    services.set_official(user=office_user, scenario=samples["baseline"])
    assert services.peak_outlook()["scenario_name"] == samples["baseline"].name
    assert services.peak_outlook()["official"] is True


def test_only_office_may_choose_and_only_computed_scenarios(samples, leader_client, office_user):
    assert (
        leader_client.post(reverse("scenarios:set_official", args=[samples["policy"].pk])).status_code == 403
    )
    assert not Scenario.objects.filter(official=True).exists()
    samples["policy"].versions.update(results=None)
    with pytest.raises(services.SpecError):
        services.set_official(user=office_user, scenario=samples["policy"])


def test_sample_scenarios_start_from_the_accounting_results(db):
    """With accounting data loaded first (as load_samples does), the scenarios' base year is the
    accounted one: the dashboard's history and outlook agree for 2020, and the page says so."""
    from carbonpeak.accounting import samples as accounting_samples
    from carbonpeak.accounting.services import yearly_summary
    from carbonpeak.scenarios import samples as scenario_samples

    accounting_samples.load(io.StringIO())
    scenario_samples.load(io.StringIO(), draws=200)
    row = next(r for r in yearly_summary() if int(r["year"]) == 2020)
    policy = Scenario.objects.get(kind="policy")
    version = policy.current
    assert version.assumptions["scenario"]["history"] == "accounting"
    assert version.assumptions["base"]["population"]["value"] == row["population"]
    accounted = sum(s["co2_t"] for s in row["by_sector"].values())
    assert version.results["path"]["2020"] == pytest.approx(accounted, rel=1e-3)
    assert "核算结果" in services.history_note(version)
    assert "核算结果" in services.peak_outlook()["history_note"]
