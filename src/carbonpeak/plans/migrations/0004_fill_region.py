"""Existing rows move into the installation's home region (see carbonpeak.core.migration_ops)."""

from django.db import migrations

from carbonpeak.core.migration_ops import fill_region


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0003_department_region_departmentalias_region_and_more"),
        ("core", "0002_outboxmessage_region_notification"),
    ]

    operations = [
        migrations.RunPython(
            fill_region("plans.Department", "plans.DepartmentAlias", "plans.Plan"), migrations.RunPython.noop
        ),
    ]
