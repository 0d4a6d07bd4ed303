"""Existing rows move into the installation's home region (see carbonpeak.core.migration_ops)."""

from django.db import migrations

from carbonpeak.core.migration_ops import fill_region


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0003_remove_indicator_uniq_indicator_computed_key_and_more"),
        ("core", "0002_outboxmessage_region_notification"),
    ]

    operations = [
        migrations.RunPython(fill_region("indicators.Indicator"), migrations.RunPython.noop),
    ]
