"""Existing rows move into the installation's home region (see carbonpeak.core.migration_ops)."""

from django.db import migrations

from carbonpeak.core.migration_ops import fill_region


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0002_remove_notification_recipient_and_more"),
        ("core", "0002_outboxmessage_region_notification"),
    ]

    operations = [
        migrations.RunPython(
            fill_region("supervision.SupervisionNotice", "supervision.AssessmentWeights"),
            migrations.RunPython.noop,
        ),
    ]
