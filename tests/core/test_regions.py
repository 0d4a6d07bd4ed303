"""Regions: codes, the migration of a single-county database, the regions command."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from carbonpeak.core.models import Region
from carbonpeak.engine import region_codes


def test_level_and_parent_follow_the_code():
    assert region_codes.level_of("430000") == "province"
    assert region_codes.level_of("430600") == "city"
    assert region_codes.level_of("430621") == "county"
    assert region_codes.parent_code_of("430621") == "430600"
    assert region_codes.parent_code_of("430600") == "430000"
    assert region_codes.parent_code_of("430000") is None
    with pytest.raises(ValueError, match="6 位数字"):
        region_codes.level_of("43062")


@pytest.mark.django_db
def test_regions_import_checks_the_whole_file_first(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name\n431000,郴州市\n4310xx,坏代码\n431002,北湖区\n", encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("regions", "import", str(bad))
    assert exc.value.returncode == 2 and "第3行" in str(exc.value)
    assert not Region.objects.filter(code="431000").exists()
    good = tmp_path / "good.csv"
    good.write_text("code,name\n430000,湖南省\n431000,郴州市\n431002,北湖区\n", encoding="gb18030")
    call_command("regions", "import", str(good))
    county = Region.objects.get(code="431002")
    assert (
        county.level == "county" and county.parent.code == "431000" and county.path == "430000/431000/431002/"
    )


@pytest.mark.django_db(transaction=True)
def test_single_county_database_migrates_into_the_home_region():
    """Today's schema (before regions) with a plan, department, user and dataset migrates
    forward into the home region without losing a row."""
    before = [
        ("core", "0001_initial"),
        ("accounts", "0001_initial"),
        ("plans", "0002_task_due_text"),
        ("enterprises", "0002_enterprise_annual_energy_tce_and_more"),
        ("accounting", "0002_energyrecord_trace"),
        ("indicators", "0002_indicator_target_source"),
        ("scenarios", "0001_initial"),
        ("supervision", "0001_initial"),
    ]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Department = old.get_model("plans", "Department")
    Plan = old.get_model("plans", "Plan")
    Dataset = old.get_model("accounting", "Dataset")
    User = old.get_model("accounts", "User")
    dept = Department.objects.create(name="县发展和改革局")
    plan = Plan.objects.create(title="岳阳县碳达峰实施方案", region="湖南省")
    ds = Dataset.objects.create(name="统计", region="湖南省")
    user = User.objects.create(username="old-office", role="office", department=None)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    new = executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps
    home = new.get_model("core", "Region").objects.get(code="430621")
    assert home.name == "岳阳县" and home.parent.code == "430600"
    plan2 = new.get_model("plans", "Plan").objects.get(pk=plan.pk)
    assert plan2.region_id == home.pk and plan2.province == "湖南省" and plan2.title == "岳阳县碳达峰实施方案"
    assert new.get_model("plans", "Department").objects.get(pk=dept.pk).region_id == home.pk
    ds2 = new.get_model("accounting", "Dataset").objects.get(pk=ds.pk)
    assert ds2.region_id == home.pk and ds2.province == "湖南省"
    assert new.get_model("accounts", "User").objects.get(pk=user.pk).region_id == home.pk
