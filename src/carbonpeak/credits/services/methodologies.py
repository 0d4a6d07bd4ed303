"""Methodologies as versioned configuration, and the reference factors the office copies from.

A version must carry what the calculation needs, each value with its source: either a
published reduction per unit, or both the baseline and the project emission factor.
Nothing is filled in by the platform: factors the reference table marks ``not_found``
(e.g. the private-car baseline) must be entered by the office with the source it read.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from carbonpeak.core import audit
from carbonpeak.core.errors import UserError
from carbonpeak.credits.models import Activity, Methodology, MethodologyVersion
from carbonpeak.engine import carbon_inclusive as ci
from carbonpeak.engine.factors import REFERENCE_DIR


@dataclass(frozen=True)
class ReferenceFactor:
    """A row of the packaged carbon_inclusive_factors.csv (value may be missing)."""

    code: str
    name: str
    group: str
    value: float | None
    unit: str
    source: str
    verification: str
    notes: str


def reference_factors() -> list[ReferenceFactor]:
    """Carbon-inclusive factors found in published sources (and those looked for, not found)."""
    text = (REFERENCE_DIR / "carbon_inclusive_factors.csv").read_text("utf-8")
    out = []
    for row in csv.DictReader(text.splitlines()):
        out.append(
            ReferenceFactor(
                code=row["code"],
                name=row["name_zh"],
                group=row["group"],
                value=float(row["value"]) if row["value"] else None,
                unit=row["unit"],
                source=row["source"],
                verification=row["verification"],
                notes=row["notes"],
            )
        )
    return out


def to_engine(v: MethodologyVersion) -> ci.MethodologyVersion:
    return ci.MethodologyVersion(
        key=v.pk,
        activity_type=v.methodology.activity_type,
        unit=v.methodology.unit,
        valid_from=v.valid_from,
        valid_to=v.valid_to,
        baseline_kg_per_unit=v.baseline_kg_per_unit,
        project_kg_per_unit=v.project_kg_per_unit,
        reduction_kg_per_unit=v.reduction_kg_per_unit,
        daily_cap_units=v.daily_cap_units,
        points_per_kg=v.points_per_kg,
    )


def engine_versions(region: Any) -> list[ci.MethodologyVersion]:
    qs = MethodologyVersion.objects.filter(methodology__region=region).select_related("methodology")
    return [to_engine(v) for v in qs]


def check_version(
    *,
    baseline_kg_per_unit: float | None,
    baseline_source: str,
    project_kg_per_unit: float | None,
    project_source: str,
    reduction_kg_per_unit: float | None,
    reduction_source: str,
    points_per_kg: float | None,
    daily_cap_units: float | None,
    valid_from: dt.datetime,
    valid_to: dt.datetime | None,
) -> None:
    """Raise UserError unless the values are complete, sourced and plausible."""
    pairs = (
        ("基准线排放因子", baseline_kg_per_unit, baseline_source),
        ("项目排放因子", project_kg_per_unit, project_source),
        ("单位减排量", reduction_kg_per_unit, reduction_source),
    )
    for label, value, source in pairs:
        if value is not None and not source.strip():
            raise UserError(f"请填写{label}的来源（文件名称、条款或网址）")
        if value is not None and value < 0:
            raise UserError(f"{label}不能为负数")
    if reduction_kg_per_unit is None and (baseline_kg_per_unit is None or project_kg_per_unit is None):
        raise UserError(
            "请填写单位减排量，或同时填写基准线排放因子和项目排放因子（均须注明来源）；缺少因子时平台不核算减排量"
        )
    if points_per_kg is None or points_per_kg <= 0:
        raise UserError("请填写积分换算（每千克二氧化碳折合的积分，正数）")
    if daily_cap_units is not None and daily_cap_units <= 0:
        raise UserError("每日上限应为正数，不设上限请留空")
    if valid_to is not None and valid_to <= valid_from:
        raise UserError("失效时间应晚于生效时间")


def add_version(*, methodology: Methodology, user: Any, version: str, **values: Any) -> MethodologyVersion:
    """Add a version; it may not overlap another version of the same methodology.

    Side effects: one MethodologyVersion, one audit entry.
    """
    version = version.strip()
    if not version:
        raise UserError("请填写版本号")
    check_version(**values)
    with transaction.atomic():
        others = MethodologyVersion.objects.select_for_update().filter(methodology=methodology)
        if others.filter(version=version).exists():
            raise UserError(f"版本号“{version}”已存在")
        start, end = values["valid_from"], values["valid_to"]
        for o in others:
            if (o.valid_to is None or start < o.valid_to) and (end is None or o.valid_from < end):
                raise UserError(f"有效期与版本“{o.version}”重叠；请先为旧版本设定失效时间")
        v = MethodologyVersion.objects.create(
            methodology=methodology, version=version, created_by=user, **values
        )
        audit.record(user=user, action="create", instance=v, after=audit.snapshot(v))
    return v


def close_version(*, version: MethodologyVersion, valid_to: dt.datetime, user: Any) -> None:
    """Set the end of validity of an open version (activities before it keep this version).

    Raises UserError if activities after ``valid_to`` were already credited with it.
    """
    with transaction.atomic():
        v = MethodologyVersion.objects.select_for_update().get(pk=version.pk)
        if valid_to <= v.valid_from:
            raise UserError("失效时间应晚于生效时间")
        if Activity.objects.filter(version=v, started_at__gte=valid_to).exists():
            raise UserError("该时间之后已有按本版本核算的活动，不能提前失效")
        before = {"valid_to": v.valid_to}
        v.valid_to = valid_to
        v.save(update_fields=["valid_to"])
        audit.record(user=user, action="update", instance=v, before=before, after={"valid_to": valid_to})
