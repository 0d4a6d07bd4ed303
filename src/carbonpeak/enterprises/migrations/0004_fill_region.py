"""Existing rows move into the installation's home region (see carbonpeak.core.migration_ops)."""

from django.db import migrations

from carbonpeak.core.migration_ops import fill_region


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0003_enterprise_region"),
        ("core", "0002_outboxmessage_region_notification"),
    ]

    operations = [
        migrations.RunPython(fill_region("enterprises.Enterprise"), migrations.RunPython.noop),
    ]
