"""Target attainment from the indicators app, and reminders when the mail server fails."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command

from carbonpeak.core.models import Notification, OutboxMessage
from carbonpeak.supervision import indicator_link, services
from carbonpeak.supervision.models import ReminderLog

pytestmark = pytest.mark.django_db


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


@dataclass
class Level:
    target_id: int
    level: str


def test_target_levels_feed_status_and_assessment(plan, department, monkeypatch):
    from carbonpeak.plans.models import Target

    red = Target.objects.create(
        plan=plan,
        task=plan.t1,
        indicator="新能源装机",
        value=Decimal(10),
        value_text="10",
        comparator=">=",
        quote="…",
        responsible=department,
    )
    green = Target.objects.create(
        plan=plan,
        task=plan.t3,
        indicator="森林覆盖率",
        value=Decimal(50),
        value_text="50",
        comparator=">=",
        quote="…",
        responsible=department,
    )
    monkeypatch.setattr(
        indicator_link, "indicator_target_levels", lambda p: [Level(red.pk, "red"), Level(green.pk, "green")]
    )
    t1, t3 = services.task_progress([plan.t1, plan.t3])
    assert t1.status == "lagging" and "关联指标处于红色预警" in t1.derived.reasons
    assert t3.status == "not_started"
    a = services.assess(plan=plan)
    assert a.targets_available
    row = next(r for r in a.rows if r.department == department)
    assert row.score.targets == 50  # one red (0) and one green (100)
    other = next(r for r in a.rows if r.department == plan.industry)
    assert other.score.targets is None  # no targets: component left out, not zero


def test_without_indicator_data_the_page_says_so(office_client, plan):
    # No target of the plan has an assessed indicator yet.
    assert not services.assess(plan=plan).targets_available
    assert "指标监测数据尚未接入" in office_client.get("/supervision/assessment/").content.decode()


def test_mail_outage_loses_no_reminder(
    plan, period, department_user, settings, django_capture_on_commit_callbacks
):
    """A mail outage neither blocks nor loses a reminder: it waits in the outbox and goes out later."""
    department_user.email = "fgj@example.cn"
    department_user.save()
    settings.EMAIL_BACKEND = "tests.supervision.test_links.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind")
    assert ReminderLog.objects.filter(recipient=department_user).exists()
    assert Notification.objects.filter(recipient=department_user).exists()
    pending = OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING, to=["fgj@example.cn"])
    assert pending.exists() and "mail server down" in pending.first().last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    OutboxMessage.objects.update(next_attempt_at=None)  # the retry delay has passed
    call_command("outbox")
    assert [m.to for m in mail.outbox] == [["fgj@example.cn"]] * ReminderLog.objects.filter(
        recipient=department_user
    ).count()
    assert not OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING).exists()
    call_command("remind")  # nothing is sent twice
    assert len(mail.outbox) == ReminderLog.objects.filter(recipient=department_user).count()
