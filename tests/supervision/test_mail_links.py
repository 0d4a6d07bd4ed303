"""Notification e-mails link absolutely to the configured site, from the configured sender (issue 16)."""

from __future__ import annotations

import pytest
from django.core import mail

from carbonpeak.core.links import absolute_url
from carbonpeak.supervision import services

pytestmark = pytest.mark.django_db


def test_notification_mail_has_an_absolute_link_and_the_configured_sender(settings, make_user):
    settings.SITE_URL = "https://tanfeng.example.gov.cn"
    settings.DEFAULT_FROM_EMAIL = "岳阳县碳达峰办 <tanfeng@example.gov.cn>"
    user = make_user("mailer", email="fgj@example.cn")
    mail.outbox.clear()
    services.notify(
        users=[user], kind="test", title="任务即将到期", body="请按时填报。", url="/supervision/tasks/3/"
    )
    message = mail.outbox[0]
    assert "查看详情：https://tanfeng.example.gov.cn/supervision/tasks/3/" in message.body
    assert message.from_email == "岳阳县碳达峰办 <tanfeng@example.gov.cn>"


def test_default_sender_is_not_localhost(settings):
    assert "localhost" not in settings.DEFAULT_FROM_EMAIL


def test_absolute_url(settings):
    settings.SITE_URL = "http://10.1.2.3:8080"
    assert absolute_url("/a/b/") == "http://10.1.2.3:8080/a/b/"
    assert absolute_url("https://x.cn/y") == "https://x.cn/y"
    assert absolute_url("") == ""
