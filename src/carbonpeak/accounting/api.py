"""JSON API of accounting (read-only; session login; office, leader and department users).

- ``GET /api/accounting/summary``: yearly figures of the latest dataset (``services.yearly_summary``).
- ``GET /api/accounting/datasets``: the datasets.
- ``GET /api/accounting/datasets/{id}``: one dataset's result in the CLI's JSON shape
  (``?trace=true`` adds the per-row calculation).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from carbonpeak.accounting import services
from carbonpeak.accounting.models import Dataset
from carbonpeak.core.permissions import can

router = Router(auth=django_auth, tags=["能耗与碳排放核算"])


def _check(request) -> None:
    if not can(request.user, "accounting.view"):
        raise HttpError(403, "无权访问")


class DatasetOut(Schema):
    id: int
    name: str
    is_sample: bool
    province: str
    base_year: int
    factor_set_name: str
    factor_set_version: str
    computed_at: dt.datetime | None
    created_at: dt.datetime


class SummaryOut(Schema):
    dataset: DatasetOut | None
    years: list[dict[str, Any]]


@router.get("/summary", response=SummaryOut, summary="最新数据集的分年度能耗、排放、强度与下降率")
def summary(request):
    _check(request)
    ds = services.latest_dataset()
    if ds is None:
        return {"dataset": None, "years": []}
    from carbonpeak.engine.accounting import AccountingResult

    return {"dataset": ds, "years": services.summary_rows(AccountingResult.from_dict(ds.result))}


@router.get("/datasets", response=list[DatasetOut], summary="核算数据集列表")
def datasets(request):
    _check(request)
    return list(Dataset.objects.defer("result", "inputs"))


@router.get("/datasets/{dataset_id}", summary="一个数据集的核算结果（与命令行 --json 相同的结构）")
def dataset_result(request, dataset_id: int, trace: bool = False) -> dict[str, Any]:
    _check(request)
    ds = get_object_or_404(Dataset, pk=dataset_id)
    return services.dataset_result(ds, with_trace=trace).to_dict(include_trace=trace)
