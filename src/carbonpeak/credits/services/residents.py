"""Resident accounts: phone number verified by a one-time SMS code, consent, withdrawal.

Phone numbers are minimised: a keyed hash finds the account, a masked copy is shown;
the number itself is only in the SMS request. One-time codes are stored as hashes,
valid for :data:`CODE_TTL`, at most :data:`MAX_ATTEMPTS` tries, one per phone every
:data:`RESEND_INTERVAL`.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from carbonpeak.core import audit
from carbonpeak.core.errors import UserError
from carbonpeak.credits import sms
from carbonpeak.credits.models import OneTimeCode, Resident
from carbonpeak.credits.services.keys import keyed_hash

CODE_TTL = dt.timedelta(minutes=5)
RESEND_INTERVAL = dt.timedelta(seconds=60)
MAX_ATTEMPTS = 5

#: Version and text of the consent a resident gives (个人信息保护法 art. 14, 17).
CONSENT_VERSION = "2026-1"
CONSENT_PURPOSE = (
    "为核算您的绿色出行、节约用电等低碳行为产生的碳减排量并发放碳普惠积分，"
    "本平台处理您的手机号码（仅保存不可逆摘要和脱敏号码）、所在乡镇（街道）和社区（村），"
    "以及合作方（公交、共享单车、电网等）按您的手机号码上报的低碳活动记录。"
)
CONSENT_RETENTION = (
    "个人信息保存至您撤回同意或注销账户为止；撤回后删除手机号摘要、脱敏号码、昵称和社区，"
    "已入账的减排量和积分以匿名方式保留，用于全县碳普惠统计，不能再识别到您本人。"
)

_PHONE = re.compile(r"^1[3-9]\d{9}$")


def normalise_phone(raw: str) -> str:
    """Mainland mobile number, 11 digits (``+86``/``86`` prefix, spaces and dashes removed)."""
    phone = re.sub(r"[\s\-]", "", str(raw or ""))
    if phone.startswith("+86"):
        phone = phone[3:]
    elif phone.startswith("86") and len(phone) == 13:
        phone = phone[2:]
    if not _PHONE.match(phone):
        raise UserError("请输入11位中国大陆手机号码")
    return phone


def phone_hash(phone: str) -> str:
    return keyed_hash("phone", phone)


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}"


def send_code(*, phone: str, now: dt.datetime | None = None) -> None:
    """Send a 6-digit login code by SMS. Side effects: one OneTimeCode row, one SMS."""
    phone = normalise_phone(phone)
    now = now or timezone.now()
    h = phone_hash(phone)
    if OneTimeCode.objects.filter(phone_hash=h, created_at__gt=now - RESEND_INTERVAL).exists():
        raise UserError("验证码发送过于频繁，请60秒后再试")
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        OneTimeCode.objects.filter(phone_hash=h, used_at__isnull=True).update(used_at=now)
        OneTimeCode.objects.create(
            phone_hash=h, code_hash=keyed_hash("otp:" + h, code), expires_at=now + CODE_TTL, created_at=now
        )
    sms.get_backend().send(phone, f"【碳普惠】您的验证码为 {code}，5分钟内有效。如非本人操作请忽略。")


def check_code(*, phone: str, code: str, now: dt.datetime | None = None) -> str:
    """Consume a valid code; returns the phone hash. Raises UserError otherwise."""
    phone = normalise_phone(phone)
    now = now or timezone.now()
    h = phone_hash(phone)
    error = ""
    with transaction.atomic():
        otp = (
            OneTimeCode.objects.select_for_update()
            .filter(phone_hash=h, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if otp is None:
            error = "验证码已失效，请重新获取"
        elif otp.attempts >= MAX_ATTEMPTS:
            error = "验证码错误次数过多，请重新获取"
        elif not secrets.compare_digest(otp.code_hash, keyed_hash("otp:" + h, str(code).strip())):
            # counted (committed) before the error is raised
            OneTimeCode.objects.filter(pk=otp.pk).update(attempts=otp.attempts + 1)
            error = "验证码不正确"
        else:
            OneTimeCode.objects.filter(pk=otp.pk).update(used_at=now)
    if error:
        raise UserError(error)
    return h


def find_resident(*, phone_hash_value: str) -> Resident | None:
    return Resident.objects.filter(phone_hash=phone_hash_value, withdrawn_at__isnull=True).first()


def register(
    *,
    region: Any,
    phone: str,
    consent: bool,
    township: str,
    community: str = "",
    nickname: str = "",
    now: dt.datetime | None = None,
) -> Resident:
    """Open an account for a verified phone number (consent required).

    Side effects: one Resident row.
    """
    if not consent:
        raise UserError("需要您阅读并同意个人信息处理规则后才能开通碳普惠账户")
    township = township.strip()
    if not township:
        raise UserError("请填写所在乡镇（街道）")
    phone = normalise_phone(phone)
    h = phone_hash(phone)
    with transaction.atomic():
        if Resident.objects.filter(phone_hash=h).exists():
            raise UserError("该手机号已开通碳普惠账户，请直接登录")
        return Resident.objects.create(
            region=region,
            phone_hash=h,
            phone_masked=mask_phone(phone),
            township=township[:50],
            community=community.strip()[:50],
            nickname=nickname.strip()[:30],
            consent_version=CONSENT_VERSION,
            consent_at=now or timezone.now(),
        )


def withdraw_consent(*, resident: Resident, now: dt.datetime | None = None) -> None:
    """Withdraw consent: delete personal data, keep anonymised ledger totals.

    Deleted: phone hash and masked number, nickname, community, pending login codes,
    and the evidence partners sent with the activities. Kept (anonymous): the account
    id with its township, the activities' type, time and quantity, and the ledger.
    Side effects: the updates above and one audit entry (no personal data in it).
    """
    from carbonpeak.credits.models import Activity

    now = now or timezone.now()
    with transaction.atomic():
        r = Resident.objects.select_for_update().get(pk=resident.pk)
        if r.withdrawn_at is not None:
            return
        if r.phone_hash:
            OneTimeCode.objects.filter(phone_hash=r.phone_hash).delete()
        Activity.objects.filter(resident=r).update(evidence={})
        r.phone_hash = None
        r.phone_masked = ""
        r.nickname = ""
        r.community = ""
        r.real_name_verified = False
        r.withdrawn_at = now
        r.save()
        audit.record(
            user=None,
            action="update",
            instance=r,
            after={"withdrawn_at": now},
            note="居民撤回个人信息处理同意",
        )
