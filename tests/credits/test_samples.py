"""Sample data loads through the real services, is labelled 示例, and loads once."""

from __future__ import annotations

import io

import pytest

from carbonpeak.credits import samples
from carbonpeak.credits.models import Activity, LedgerEntry, Methodology, Partner, Reward
from carbonpeak.credits.services import ledger

pytestmark = pytest.mark.django_db


def test_samples_load_once_and_are_labelled() -> None:
    out = io.StringIO()
    samples.load(out)
    samples.load(out)
    assert "已存在，跳过" in out.getvalue()
    assert Partner.objects.count() == 1
    assert all("示例" in m.name for m in Methodology.objects.all())
    assert all("示例" in r.name for r in Reward.objects.all())
    credited = Activity.objects.filter(status="credited").count()
    assert credited > 100 and LedgerEntry.objects.count() == credited
    assert all(r.ok for r in ledger.verify())
