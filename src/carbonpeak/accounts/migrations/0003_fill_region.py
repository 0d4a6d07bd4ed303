"""Existing rows move into the installation's home region (see carbonpeak.core.migration_ops)."""

from django.db import migrations

from carbonpeak.core.migration_ops import fill_region


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_region_alter_user_role"),
        ("core", "0002_outboxmessage_region_notification"),
    ]

    operations = [
        migrations.RunPython(fill_region("accounts.User"), migrations.RunPython.noop),
    ]
