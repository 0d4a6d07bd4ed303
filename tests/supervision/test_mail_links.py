"""Notification e-mails link absolutely to the configured site, from the configured sender (issue 16)."""

from __future__ import annotations

import pytest
from django.core import mail

from carbonpeak.core import notify
from carbonpeak.core.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_notification_mail_has_an_absolute_link_and_the_configured_sender(settings, make_user):
    settings.CARBONPEAK_SITE_URL = "https://tanfeng.example.gov.cn"
    settings.DEFAULT_FROM_EMAIL = "岳阳县碳达峰办 <tanfeng@example.gov.cn>"
    user = make_user("mailer", email="fgj@example.cn")
    mail.outbox.clear()
    notify.notify(
        users=[user], kind="test", title="任务即将到期", body="请按时填报。", url="/supervision/tasks/3/"
    )
    assert "https://tanfeng.example.gov.cn/supervision/tasks/3/" in OutboxMessage.objects.get().body
    notify.deliver_pending()
    message = mail.outbox[0]
    assert "https://tanfeng.example.gov.cn/supervision/tasks/3/" in message.body
    assert message.from_email == "岳阳县碳达峰办 <tanfeng@example.gov.cn>"


def test_site_url_has_a_default_so_links_are_never_relative(settings):
    assert settings.CARBONPEAK_SITE_URL.startswith("http")
    assert notify.absolute_url("/a/").startswith("http")


def test_default_sender_is_not_localhost(settings):
    assert "localhost" not in settings.DEFAULT_FROM_EMAIL
