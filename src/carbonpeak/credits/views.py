"""Carbon-inclusive pages: the office's (signed-in staff) and the residents' (phone session).

Views fetch, check permissions and render; the work is in :mod:`carbonpeak.credits.services`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from carbonpeak.accounts.typing import AuthenticatedHttpRequest
from carbonpeak.core.errors import UserError
from carbonpeak.core.excel import xlsx_response
from carbonpeak.core.models import Region
from carbonpeak.core.permissions import can, rule_required
from carbonpeak.credits import tables
from carbonpeak.credits.forms import (
    CodeForm,
    MethodologyForm,
    PartnerForm,
    PhoneForm,
    ReasonForm,
    RewardForm,
    VerifyForm,
    VersionForm,
)
from carbonpeak.credits.models import (
    Activity,
    LedgerEntry,
    Methodology,
    Partner,
    PartnerAlarm,
    Redemption,
    Resident,
    Reward,
)
from carbonpeak.credits.services import ingest, ledger, methodologies, reports, residents, rewards
from carbonpeak.engine.carbon_inclusive import UNITS

SESSION_KEY = "credits_resident"


class OfficeRequest(AuthenticatedHttpRequest):
    """A signed-in staff request; ``region`` is the region being viewed (RegionMiddleware)."""

    region: Region | None


def _scoped(model: Any, request: OfficeRequest) -> Any:
    """Rows the user may see, of the region being viewed and the regions below it."""
    return model.objects.visible_to(request.user).within(getattr(request, "region", None))


# ============================================================================ office
def _methodology(request: HttpRequest, pk: int, **_: Any) -> Methodology:
    return get_object_or_404(Methodology.objects.visible_to(request.user), pk=pk)


def _partner(request: HttpRequest, pk: int, **_: Any) -> Partner:
    return get_object_or_404(Partner.objects.visible_to(request.user), pk=pk)


def _reward(request: HttpRequest, pk: int, **_: Any) -> Reward:
    return get_object_or_404(Reward.objects.visible_to(request.user), pk=pk)


def _redemption(request: HttpRequest, pk: int, **_: Any) -> Redemption:
    return get_object_or_404(Redemption.objects.visible_to(request.user).select_related("reward"), pk=pk)


def _activity(request: HttpRequest, pk: int, **_: Any) -> Activity:
    return get_object_or_404(Activity.objects.visible_to(request.user), pk=pk)


def _alarm(request: HttpRequest, pk: int, **_: Any) -> PartnerAlarm:
    return get_object_or_404(PartnerAlarm.objects.visible_to(request.user).select_related("partner"), pk=pk)


def _year(request: HttpRequest) -> int | None:
    y = request.GET.get("year", "")
    return int(y) if y.isdigit() and 2000 <= int(y) <= 2100 else None


@rule_required("credits.view")
def office(request: OfficeRequest) -> HttpResponse:
    entries = _scoped(LedgerEntry, request)
    year = _year(request)
    return render(
        request,
        "credits/office.html",
        {
            "summary": reports.summary(entries),
            "totals": reports.totals(entries, year=year),
            "year": year or "",
            "townships": reports.leaderboard(entries, by="township"),
            "alarms": _scoped(PartnerAlarm, request)
            .filter(closed_at__isnull=True)
            .select_related("partner")[:50],
            "can_manage": can(request.user, "credits.manage", request.region),
            "region": request.region,
        },
    )


@rule_required("credits.view")
def totals_export(request: OfficeRequest) -> HttpResponse:
    rows = reports.totals(_scoped(LedgerEntry, request), year=_year(request))
    data = tables.TOTALS.export_xlsx(
        {
            "month": r.month.strftime("%Y-%m") if r.month else "",
            "activity": r.activity_label,
            "township": r.township,
            "activities": r.activities,
            "reduction_kg": round(r.reduction_kg, 3),
            "points": r.points,
        }
        for r in rows
    )
    return xlsx_response(data, "碳普惠减排量汇总.xlsx")


@rule_required("credits.view")
def methodology_list(request: OfficeRequest) -> HttpResponse:
    form = MethodologyForm(request.POST or None)
    if request.method == "POST":
        if not can(request.user, "credits.manage", request.region):
            raise Http404
        if form.is_valid():
            m = form.save(commit=False)
            m.region = request.user.region
            try:
                m.validate_constraints()
            except ValidationError:
                form.add_error(None, "编号或活动类型在本行政区已有方法学")
            else:
                m.save()
                messages.success(request, f"已新增方法学“{m.name}”，请添加带因子来源的版本。")
                return redirect("credits:methodology", pk=m.pk)
    return render(
        request,
        "credits/methodologies.html",
        {
            "methodologies": _scoped(Methodology, request).prefetch_related("versions"),
            "form": form,
            "can_manage": can(request.user, "credits.manage", request.region),
            "reference": methodologies.reference_factors(),
        },
    )


@rule_required("credits.view", _methodology)
def methodology_detail(request: OfficeRequest, pk: int) -> HttpResponse:
    m = _methodology(request, pk)
    manage = can(request.user, "credits.manage", m)
    form = VersionForm(request.POST or None)
    if request.method == "POST":
        if not manage:
            raise Http404
        if form.is_valid():
            try:
                methodologies.add_version(
                    methodology=m, user=request.user, **{k: v for k, v in form.cleaned_data.items()}
                )
            except UserError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已添加方法学版本。")
                return redirect("credits:methodology", pk=m.pk)
    return render(
        request,
        "credits/methodology.html",
        {
            "m": m,
            "unit_label": UNITS.get(m.unit, m.unit),
            "versions": m.versions.order_by("-valid_from"),
            "form": form,
            "can_manage": manage,
            "reference": methodologies.reference_factors(),
        },
    )


@rule_required("credits.view")
def partner_list(request: OfficeRequest) -> HttpResponse:
    form = PartnerForm(request.POST or None)
    if request.method == "POST":
        if not can(request.user, "credits.manage", request.region):
            raise Http404
        if form.is_valid():
            try:
                p, secret = ingest.create_partner(
                    region=request.user.region,
                    user=request.user,
                    **form.cleaned_data,
                )
            except UserError as exc:
                form.add_error(None, exc.message)
            else:
                return render(request, "credits/partner_secret.html", {"partner": p, "secret": secret})
    return render(
        request,
        "credits/partners.html",
        {
            "partners": _scoped(Partner, request).select_related("region"),
            "alarms": _scoped(PartnerAlarm, request).select_related("partner")[:200],
            "form": form,
            "can_manage": can(request.user, "credits.manage", request.region),
        },
    )


@require_POST
@rule_required("credits.manage", _partner)
def partner_rotate(request: OfficeRequest, pk: int) -> HttpResponse:
    p = _partner(request, pk)
    secret = ingest.rotate_secret(partner=p, user=request.user)
    return render(request, "credits/partner_secret.html", {"partner": p, "secret": secret})


@require_POST
@rule_required("credits.manage", _partner)
def partner_toggle(request: OfficeRequest, pk: int) -> HttpResponse:
    p = _partner(request, pk)
    ingest.set_active(partner=p, active=not p.active, user=request.user)
    messages.success(request, f"已{'启用' if p.active else '停用'}“{p.name}”。")
    return redirect("credits:partners")


@require_POST
@rule_required("credits.manage", lambda request, pk: _alarm(request, pk).partner)
def alarm_close(request: OfficeRequest, pk: int) -> HttpResponse:
    a = _alarm(request, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        PartnerAlarm.objects.filter(pk=a.pk).update(
            closed_at=timezone.now(), close_note=form.cleaned_data["reason"]
        )
        messages.success(request, "告警已处理。")
    else:
        messages.error(request, "请填写处理说明。")
    return redirect("credits:partners")


@rule_required("credits.view")
def activity_list(request: OfficeRequest) -> HttpResponse:
    qs = _scoped(Activity, request).select_related("partner", "resident", "version")
    status = request.GET.get("status", "")
    if status in Activity.Status.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "credits/activities.html",
        {
            "activities": qs.order_by("-started_at")[:300],
            "statuses": Activity.Status.choices,
            "status": status,
            "can_manage": can(request.user, "credits.manage", request.region),
        },
    )


@require_POST
@rule_required("credits.manage", _activity)
def activity_reverse(request: OfficeRequest, pk: int) -> HttpResponse:
    act = _activity(request, pk)
    try:
        ledger.reverse_activity(activity=act, user=request.user, reason=request.POST.get("reason", ""))
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已冲正，积分与减排量已从居民账户扣回。")
    return redirect("credits:activities")


@rule_required("credits.view")
def reward_list(request: OfficeRequest) -> HttpResponse:
    manage = can(request.user, "credits.manage", request.region)
    form = RewardForm(request.POST or None)
    if request.method == "POST":
        if not manage:
            raise Http404
        if form.is_valid():
            try:
                rewards.save_reward(
                    region=request.user.region,
                    user=request.user,
                    **form.cleaned_data,
                )
            except UserError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已保存权益。")
                return redirect("credits:rewards")
    return render(
        request,
        "credits/rewards.html",
        {
            "rewards": _scoped(Reward, request),
            "redemptions": _scoped(Redemption, request).select_related("reward", "resident")[:300],
            "form": form,
            "code_form": CodeForm(),
            "can_manage": manage,
        },
    )


@rule_required("credits.manage", _reward)
def reward_edit(request: OfficeRequest, pk: int) -> HttpResponse:
    rw = _reward(request, pk)
    form = RewardForm(request.POST or None, instance=rw)
    if request.method == "POST" and form.is_valid():
        try:
            rewards.save_reward(region=rw.region, user=request.user, reward=rw, **form.cleaned_data)
        except UserError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已保存权益。")
            return redirect("credits:rewards")
    return render(request, "credits/reward_edit.html", {"form": form, "reward": rw})


@require_POST
@rule_required("credits.manage")
def redemption_use(request: OfficeRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    try:
        if not form.is_valid():
            raise UserError("请输入兑换码")
        red = rewards.mark_used(region=request.user.region, code=form.cleaned_data["code"], user=request.user)
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"兑换码 {red.code}（{red.reward.name}）已核销。")
    return redirect("credits:rewards")


@require_POST
@rule_required("credits.manage", lambda request, pk: _redemption(request, pk).reward)
def redemption_reverse(request: OfficeRequest, pk: int) -> HttpResponse:
    red = _redemption(request, pk)
    try:
        rewards.reverse_redemption(redemption=red, user=request.user, reason=request.POST.get("reason", ""))
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已撤销兑换，积分已退回居民账户。")
    return redirect("credits:rewards")


@rule_required("credits.view")
def redemptions_export(request: OfficeRequest) -> HttpResponse:
    qs = _scoped(Redemption, request).select_related("reward", "resident")
    data = tables.REDEMPTIONS.export_xlsx(
        {
            "created_at": timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"),
            "reward": r.reward.name,
            "provider": r.reward.provider_name,
            "resident": str(r.resident),
            "code": r.code,
            "points": r.points,
            "status": r.get_status_display(),
        }
        for r in qs
    )
    return xlsx_response(data, "碳普惠兑换记录.xlsx")


# ============================================================================ residents
def _region(code: str) -> Region:
    return get_object_or_404(Region, code=code)


def _resident(request: HttpRequest, region: Region) -> Resident | None:
    pk = request.session.get(SESSION_KEY)
    if not pk:
        return None
    r = Resident.objects.filter(pk=pk, region=region, withdrawn_at__isnull=True).first()
    if r is None:
        request.session.pop(SESSION_KEY, None)
    return r


def m_home(request: HttpRequest, code: str) -> HttpResponse:
    region = _region(code)
    r = _resident(request, region)
    if r is None:
        return redirect("credits:m_login", code=code)
    acts = (
        Activity.objects.filter(resident=r)
        .select_related("version__methodology")
        .order_by("-started_at")[:50]
    )
    return render(
        request,
        "credits/m_home.html",
        {
            "region": region,
            "resident": r,
            "balance": ledger.balance(r),
            "reduction_kg": ledger.reduction_total_kg(r),
            "activities": acts,
            "entries": LedgerEntry.objects.filter(resident=r).order_by("-seq")[:30],
            "tab": "home",
        },
    )


def m_login(request: HttpRequest, code: str) -> HttpResponse:
    region = _region(code)
    form = PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            phone = residents.normalise_phone(form.cleaned_data["phone"])
            residents.send_code(phone=phone)
        except UserError as exc:
            form.add_error("phone", exc.message)
        else:
            known = residents.find_resident(phone_hash_value=residents.phone_hash(phone)) is not None
            vform = VerifyForm(initial={})
            return render(
                request,
                "credits/m_verify.html",
                {
                    "region": region,
                    "form": vform,
                    "phone": phone,
                    "masked": residents.mask_phone(phone),
                    "known": known,
                    **_consent(),
                },
            )
    return render(request, "credits/m_login.html", {"region": region, "form": form})


def _consent() -> dict[str, str]:
    return {
        "consent_purpose": residents.CONSENT_PURPOSE,
        "consent_retention": residents.CONSENT_RETENTION,
        "consent_version": residents.CONSENT_VERSION,
    }


@require_POST
def m_verify(request: HttpRequest, code: str) -> HttpResponse:
    region = _region(code)
    form = VerifyForm(request.POST)
    phone = request.POST.get("phone", "")
    known = False
    if form.is_valid():
        try:
            h = residents.check_code(phone=phone, code=form.cleaned_data["code"])
            r = residents.find_resident(phone_hash_value=h)
            known = r is not None
            if r is None:
                r = residents.register(
                    region=region,
                    phone=phone,
                    consent=form.cleaned_data["consent"],
                    township=form.cleaned_data["township"],
                    community=form.cleaned_data["community"],
                    nickname=form.cleaned_data["nickname"],
                )
            elif r.region_id != region.pk:
                raise UserError("该手机号已在其他县开通碳普惠账户")
        except UserError as exc:
            form.add_error(None, exc.message)
        else:
            request.session.cycle_key()
            request.session[SESSION_KEY] = r.pk
            return redirect("credits:m_home", code=code)
    try:
        masked = residents.mask_phone(residents.normalise_phone(phone))
    except UserError:
        return redirect("credits:m_login", code=code)
    return render(
        request,
        "credits/m_verify.html",
        {"region": region, "form": form, "phone": phone, "masked": masked, "known": known, **_consent()},
    )


@require_POST
def m_logout(request: HttpRequest, code: str) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    return redirect("credits:m_login", code=code)


def m_rewards(request: HttpRequest, code: str) -> HttpResponse:
    region = _region(code)
    r = _resident(request, region)
    if r is None:
        return redirect("credits:m_login", code=code)
    if request.method == "POST":
        rw = get_object_or_404(Reward, pk=request.POST.get("reward", "0"), region=region)
        try:
            red = rewards.redeem(resident=r, reward=rw)
        except UserError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"兑换成功，兑换码 {red.code}，请向{rw.provider_name}出示。")
        return redirect("credits:m_rewards", code=code)
    return render(
        request,
        "credits/m_rewards.html",
        {
            "region": region,
            "resident": r,
            "balance": ledger.balance(r),
            "rewards": Reward.objects.filter(region=region, active=True),
            "redemptions": Redemption.objects.filter(resident=r).select_related("reward")[:50],
            "tab": "rewards",
        },
    )


def m_leaderboard(request: HttpRequest, code: str) -> HttpResponse:
    region = _region(code)
    r = _resident(request, region)
    if r is None:
        return redirect("credits:m_login", code=code)
    by = "community" if request.GET.get("by") == "community" else "township"
    month_start = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    scope = request.GET.get("period", "month")
    entries = LedgerEntry.objects.filter(region=region)
    if scope == "month":
        entries = entries.filter(activity__started_at__gte=month_start)
    return render(
        request,
        "credits/m_leaderboard.html",
        {
            "region": region,
            "resident": r,
            "by": by,
            "period": scope,
            "rows": reports.leaderboard(entries, by=by),
            "month": month_start.date(),
            "tab": "board",
        },
    )


def m_privacy(request: HttpRequest, code: str) -> HttpResponse:
    region = _region(code)
    r = _resident(request, region)
    if r is None:
        return redirect("credits:m_login", code=code)
    if request.method == "POST" and request.POST.get("action") == "withdraw":
        residents.withdraw_consent(resident=r)
        request.session.pop(SESSION_KEY, None)
        return render(request, "credits/m_withdrawn.html", {"region": region})
    return render(
        request, "credits/m_privacy.html", {"region": region, "resident": r, "tab": "me", **_consent()}
    )
