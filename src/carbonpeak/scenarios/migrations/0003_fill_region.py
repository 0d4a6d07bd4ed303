"""Existing rows move into the installation's home region (see carbonpeak.core.migration_ops)."""

from django.db import migrations

from carbonpeak.core.migration_ops import fill_region


class Migration(migrations.Migration):
    dependencies = [
        ("scenarios", "0002_history_region_scenario_region_alter_history_name_and_more"),
        ("core", "0002_outboxmessage_region_notification"),
    ]

    operations = [
        migrations.RunPython(
            fill_region("scenarios.Scenario", "scenarios.History"), migrations.RunPython.noop
        ),
    ]
