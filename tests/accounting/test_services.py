"""Import, recompute, delete, local factors and the read services other apps use."""

from __future__ import annotations

import pytest

from carbonpeak.accounting import services
from carbonpeak.accounting.models import Dataset, EconomyRecord, EnergyRecord, LocalFactor
from carbonpeak.core.models import AuditEntry
from carbonpeak.engine.accounting import AccountingError, AccountingResult

from .conftest import files

pytestmark = pytest.mark.django_db


def test_import_stores_rows_result_and_audit(dataset):
    assert dataset.energy_records.count() == 4
    assert dataset.economy_records.count() == 2
    assert dataset.years == [2020, 2021]
    record = dataset.energy_records.get(year=2020, carrier="原煤")
    assert record.line == 2
    assert record.energy_tce == pytest.approx(7143.0)
    assert record.co2_t == pytest.approx(18608.32908)
    assert dataset.factor_set_version.startswith("default-")
    assert "activities" not in dataset.result
    assert record.trace["kgce_factor"]["value"] == 0.7143 and record.trace["row"] == 2
    assert len(services.dataset_result(dataset, with_trace=True).activities) == 4
    entry = AuditEntry.objects.get(object_type="accounting.Dataset")
    assert entry.action == "create" and entry.username == "office"


def test_bad_file_writes_nothing(office_user):
    bad = "year,sector,carrier,quantity,unit\n2020,工业,原煤,10,吨\n2020,工业,原煤,10,桶\n"
    with pytest.raises(AccountingError) as info:
        services.import_dataset(user=office_user, name="x", **files(energy=bad))
    assert (info.value.row, info.value.column) == (3, "unit")
    assert Dataset.objects.count() == EnergyRecord.objects.count() == EconomyRecord.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_latest_result_and_yearly_summary(dataset, django_assert_num_queries):
    with django_assert_num_queries(1):
        result = services.latest_result()
    assert isinstance(result, AccountingResult)
    assert result.years[2020].energy_tce == pytest.approx(7143 + 1229)
    with django_assert_num_queries(2):
        traced = services.latest_result(with_trace=True)
    assert [a.trace["carrier"] for a in traced.activities] == ["原煤", "电力", "原煤", "电力"]
    with django_assert_num_queries(1):
        summary = services.yearly_summary()
    assert [row["year"] for row in summary] == [2020, 2021]
    row = summary[1]
    assert set(row) >= {
        "year",
        "energy_tce",
        "co2_t",
        "gdp_constant_10k_yuan",
        "population",
        "energy_intensity",
        "co2_intensity",
        "by_sector",
        "by_carrier",
        "declines",
    }
    assert row["energy_intensity"] == pytest.approx((9800 * 0.7143 + 1100 * 1.229) / 105000)
    assert row["declines"]["energy_intensity_annual_pct"] == pytest.approx(
        (1 - row["energy_intensity"] / summary[0]["energy_intensity"]) * 100
    )


def test_query_count_does_not_grow_with_rows(office_user, django_assert_num_queries):
    big = "year,sector,carrier,quantity,unit\n" + "".join(
        f"{y},行业{i},原煤,{i + 1},吨\n" for y in (2020, 2021) for i in range(200)
    )
    services.import_dataset(user=office_user, name="大", **files(energy=big))
    with django_assert_num_queries(1):
        assert len(services.yearly_summary()) == 2


def test_read_services_without_data(db):
    assert services.latest_result() is None
    assert services.yearly_summary() == []


def test_local_factor_applies_on_recompute(dataset, office_user):
    before = dataset.result["years"]["2020"]["co2_t"]
    services.save_local_factor(
        user=office_user, carrier="电力", year=2020, value=0.6, unit="tCO2/MWh", source="省厅"
    )
    services.recompute_dataset(user=office_user, dataset=dataset)
    dataset.refresh_from_db()
    after = dataset.result["years"]["2020"]["co2_t"]
    # 10 000 MWh × (0.6 − 0.5138)
    assert after - before == pytest.approx(10000 * (0.6 - 0.5138))
    assert "用户因子" in dataset.factor_set_name
    assert dataset.energy_records.count() == 4
    assert AuditEntry.objects.filter(object_type="accounting.Dataset", action="update").count() == 1


def test_invalid_local_factor_is_refused(office_user):
    with pytest.raises(AccountingError, match="未知能源品种"):
        services.save_local_factor(
            user=office_user, carrier="可燃冰", year=None, value=1, unit="tCO2/t", source="x"
        )
    with pytest.raises(AccountingError, match="unit"):
        services.save_local_factor(
            user=office_user, carrier="原煤", year=None, value=1, unit="tCO2/MWh", source="x"
        )
    assert LocalFactor.objects.count() == 0


def test_delete_dataset_and_factor_are_audited(dataset, local_factor, office_user):
    services.delete_dataset(user=office_user, dataset=dataset)
    services.delete_local_factor(user=office_user, factor=local_factor)
    assert Dataset.objects.count() == EnergyRecord.objects.count() == LocalFactor.objects.count() == 0
    assert AuditEntry.objects.filter(action="delete").count() == 2


def test_sample_loader_is_idempotent_and_labelled(db):
    import io

    from carbonpeak.accounting import samples

    samples.load(io.StringIO())
    samples.load(io.StringIO())
    # one dataset for the sample county and one for the second sample county, each labelled
    assert sorted(Dataset.objects.values_list("region__code", flat=True)) == ["430621", "430623"]
    assert all(d.is_sample and "示例数据，仅供演示" in d.name for d in Dataset.objects.all())
    ds = Dataset.objects.in_region(None).get()
    assert ds.is_sample and "示例数据，仅供演示" in ds.name
    assert ds.years == [2020, 2021, 2022, 2023, 2024]
    assert ds.result["warnings"]
