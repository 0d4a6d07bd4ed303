"""Use cases of the enterprise registry: save, Excel import and export."""

from __future__ import annotations

import decimal
import io
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction

from carbonpeak.core import audit
from carbonpeak.engine.uscc import check_uscc
from carbonpeak.enterprises.models import Enterprise

#: Excel columns: header text -> model field. Import and export use the same sheet.
COLUMNS: list[tuple[str, str]] = [
    ("企业名称", "name"),
    ("统一社会信用代码", "uscc"),
    ("行业代码(GB/T 4754)", "industry_code"),
    ("所在园区", "park"),
    ("所在乡镇", "township"),
    ("用地面积(亩)", "land_area_mu"),
    ("年度用能预算(吨标准煤)", "energy_budget_tce"),
    ("上年度综合能源消费量(吨标准煤)", "annual_energy_tce"),
    ("能源消费量所属年份", "annual_energy_year"),
    ("经节能主管部门指定(是/否)", "designated"),
    ("联系人", "contact_name"),
    ("联系电话", "contact_phone"),
    ("联系邮箱", "contact_email"),
]
DECIMAL_FIELDS = {"land_area_mu", "energy_budget_tce", "annual_energy_tce"}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


class ImportFailed(ValueError):
    def __init__(self, report: ImportReport):
        super().__init__("；".join(report.errors[:5]))
        self.report = report


def validate_industry_code(code: str) -> str | None:
    """GB/T 4754-2017 codes: a section letter A–T, or 2 to 4 digits (division/group/class)."""
    code = code.strip().upper()
    if not code:
        return None
    if len(code) == 1 and "A" <= code <= "T":
        return None
    if code.isdigit() and 2 <= len(code) <= 4:
        return None
    if len(code) >= 3 and "A" <= code[0] <= "T" and code[1:].isdigit() and 2 <= len(code[1:]) <= 4:
        return None
    return f"行业代码“{code}”不符合 GB/T 4754（门类字母 A–T 或 2–4 位数字，如 C3011）"


@transaction.atomic
def save_enterprise(*, enterprise: Enterprise, user: Any) -> Enterprise:
    """Create or update an enterprise. Side effects: one audit entry."""
    creating = enterprise.pk is None
    before = None if creating else audit.snapshot(Enterprise.objects.get(pk=enterprise.pk))
    enterprise.save()
    audit.record(
        user=user,
        action="create" if creating else "update",
        instance=enterprise,
        before=before,
        after=audit.snapshot(enterprise),
    )
    return enterprise


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def import_workbook(*, data: bytes, filename: str, user: Any) -> ImportReport:
    """Create or update enterprises (matched by USCC) from the registry sheet; all or nothing.

    Every error names the row and the column. Raises :class:`ImportFailed` when any row
    is wrong; nothing is saved then. Side effects: Enterprise rows, one audit entry each.
    """
    import openpyxl

    from carbonpeak.engine.filetypes import RejectedFile, check_zip_container

    report = ImportReport()
    try:
        check_zip_container(data, filename)
    except RejectedFile as exc:
        report.errors.append(str(exc))
        raise ImportFailed(report) from None
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        report.errors.append(f"无法读取“{filename}”：不是有效的 .xlsx 文件")
        raise ImportFailed(report) from exc
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    header_idx = None
    for i, row in enumerate(rows[:5]):
        if row and any(_cell(c) == "统一社会信用代码" for c in row):
            header_idx = i
            break
    if header_idx is None:
        report.errors.append(f"“{filename}”前5行中找不到表头“统一社会信用代码”，请使用导出的模板")
        raise ImportFailed(report)
    header = [_cell(c) for c in rows[header_idx]]
    col_of = {f: header.index(h) for h, f in COLUMNS if h in header}
    for required in ("name", "uscc"):
        if required not in col_of:
            report.errors.append(f"缺少列“{dict((f, h) for h, f in COLUMNS)[required]}”")
    if report.errors:
        raise ImportFailed(report)
    parsed: list[tuple[int, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    labels = {f: h for h, f in COLUMNS}
    for line, row in enumerate(rows[header_idx + 1 :], start=header_idx + 2):
        if not row or all(_cell(c) == "" for c in row):
            continue
        values: dict[str, Any] = {}
        for f, idx in col_of.items():
            raw = _cell(row[idx]) if idx < len(row) else ""
            where = f"第{line}行“{labels[f]}”列"
            if f == "uscc":
                chk = check_uscc(raw)
                if not chk.valid:
                    report.errors.append(f"{where}：{chk.message}")
                    continue
                if chk.normalized in seen:
                    report.errors.append(f"{where}：与第{seen[chk.normalized]}行重复")
                    continue
                seen[chk.normalized] = line
                values[f] = chk.normalized
            elif f == "name":
                if not raw:
                    report.errors.append(f"{where}：不能为空")
                    continue
                values[f] = raw[:200]
            elif f in DECIMAL_FIELDS:
                if raw == "":
                    values[f] = None
                    continue
                try:
                    num = decimal.Decimal(raw.replace(",", ""))
                except decimal.InvalidOperation:
                    report.errors.append(f"{where}：“{raw}”不是数字")
                    continue
                if not num.is_finite():
                    report.errors.append(f"{where}：“{raw}”不是数字")
                    continue
                if num < 0:
                    report.errors.append(f"{where}：不能为负数")
                    continue
                field_ = Enterprise._meta.get_field(f)
                assert isinstance(field_, models.DecimalField)
                limit = decimal.Decimal(10) ** ((field_.max_digits or 14) - (field_.decimal_places or 0))
                if num >= limit:
                    report.errors.append(f"{where}：“{raw}”超出范围（应小于 {limit:,.0f}）")
                    continue
                values[f] = num.quantize(decimal.Decimal("0.01"))
            elif f == "annual_energy_year":
                if raw == "":
                    values[f] = None
                elif raw.isdigit() and 1990 <= int(raw) <= 2100:
                    values[f] = int(raw)
                else:
                    report.errors.append(f"{where}：“{raw}”不是有效年份")
            elif f == "designated":
                if raw in ("", "否", "N", "n", "0", "FALSE", "False"):
                    values[f] = False
                elif raw in ("是", "Y", "y", "1", "TRUE", "True"):
                    values[f] = True
                else:
                    report.errors.append(f"{where}：应填“是”或“否”")
            elif f == "industry_code":
                problem = validate_industry_code(raw)
                if problem:
                    report.errors.append(f"{where}：{problem}")
                    continue
                values[f] = raw.upper()
            elif f == "contact_email" and raw and "@" not in raw:
                report.errors.append(f"{where}：“{raw}”不是有效的邮箱")
            else:
                values[f] = raw[:200]
        parsed.append((line, values))
    if not parsed and not report.errors:
        report.errors.append(f"“{filename}”中没有数据行")
    if report.errors:
        raise ImportFailed(report)
    with transaction.atomic():
        for _line, values in parsed:
            ent = Enterprise.objects.filter(uscc=values["uscc"]).first()
            if ent is None:
                ent = Enterprise(**values)
                report.created += 1
            else:
                for k, v in values.items():
                    setattr(ent, k, v)
                report.updated += 1
            save_enterprise(enterprise=ent, user=user)
    return report


def export_rows(enterprises: list[Enterprise]) -> list[list[Any]]:
    out = []
    for e in enterprises:
        row = []
        for _h, f in COLUMNS:
            v = getattr(e, f)
            if f == "designated":
                v = "是" if v else "否"
            elif isinstance(v, decimal.Decimal):
                v = float(v)
            row.append(v)
        out.append(row)
    return out
