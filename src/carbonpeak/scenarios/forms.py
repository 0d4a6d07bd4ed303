"""Forms: the assumption editor (one row per assumption: value + required source),
scenario upload and measures."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django import forms

from carbonpeak.core import uploads
from carbonpeak.engine import measures as measures_engine
from carbonpeak.engine.projection import LEVERS
from carbonpeak.scenarios import spec


@dataclass
class Entry:
    """One editable assumption: where it lives in the scenario dict, and its text."""

    path: tuple[Any, ...]
    group: str
    label: str
    value_text: str
    source: str
    needs_source: bool = True
    error: str = ""
    hint: str = ""


def _fmt_number(v: Any) -> str:
    if isinstance(v, float) and v.is_integer() and abs(v) >= 1000:
        return str(int(v))
    return str(v)


def value_to_text(value: Any) -> str:
    """``{"2021-2025": 0.06}`` → ``2021-2025: 0.06``; numbers as they are."""
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_fmt_number(v)}" for k, v in value.items())
    return _fmt_number(value)


def text_to_value(text: str, like: Any) -> Any:
    """Inverse of :func:`value_to_text`, shaped like the current value ``like``."""
    text = text.strip().replace("；", ";").replace("：", ":").replace("，", ";")
    if not text:
        raise ValueError("不能为空")
    if isinstance(like, dict) or (":" in text and not isinstance(like, (int, float))):
        out: dict[str, Any] = {}
        for part in text.split(";"):
            part = part.strip()
            if not part:
                continue
            if ":" not in part:
                raise ValueError(f"“{part}”应写成“键: 值”，多项用分号分隔")
            k, _, v = part.partition(":")
            k, v = k.strip(), v.strip()
            try:
                out[k] = float(v)
            except ValueError:
                out[k] = v
        return out
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        raise ValueError(f"“{text}”不是数值") from None
    return int(number) if isinstance(like, int) and number.is_integer() else number


def entries(data: dict[str, Any]) -> list[Entry]:
    """All editable assumptions of a scenario dict, in display order."""
    out: list[Entry] = []

    def add(path: tuple[Any, ...], group: str, label: str, item: Any, hint: str = "") -> None:
        if not isinstance(item, dict):
            return
        out.append(
            Entry(
                path, group, label, value_to_text(item.get("value")), str(item.get("source", "")), hint=hint
            )
        )

    for key, (label, unit) in spec.BASE_KEYS.items():
        add(("base", key), "基准年数据", f"{label}（{unit}）", data.get("base", {}).get(key))
    for key, (label, shape) in spec.ASSUMPTION_KEYS.items():
        hint = (
            "按时段：2021-2025: 0.06; 2026-2030: 0.05"
            if shape == "periods"
            else "按年份：2020: 0.02; 2060: 0.3"
        )
        add(("assumptions", key), "全县假设", label, data.get("assumptions", {}).get(key), hint)
    for k, sector in enumerate(data.get("sectors") or []):
        name = sector.get("name", sector.get("code"))
        for key, (label, shape) in spec.SECTOR_KEYS.items():
            hint = {"periods": "按时段：2021-2030: 0.03", "anchors": "按年份：2020: 0.3; 2030: 0.4"}.get(
                shape, ""
            )
            add(("sectors", k, key), f"部门：{name}", label, sector.get(key), hint)
    for key, (label, *_rest) in spec.TARGET_KEYS.items():
        add(("targets", key), "强度目标", f"{label}（目标值，小数）", (data.get("targets") or {}).get(key))
    mc = data.get("montecarlo") or {}
    for key in ("draws", "seed"):
        if key in mc:
            label = "抽样次数" if key == "draws" else "随机种子"
            out.append(Entry(("montecarlo", key), "蒙特卡洛", label, str(mc[key]), "", needs_source=False))
    for key, item in (mc.get("parameters") or {}).items():
        value = {k: v for k, v in item.items() if k != "source"}
        lever = LEVERS.get(key, key)
        out.append(
            Entry(
                ("montecarlo", "parameters", key),
                "蒙特卡洛",
                f"分布：{lever}",
                value_to_text(value),
                str(item.get("source", "")),
                hint="dist: normal; mean: 0; sd: 0.005 或 dist: triangular; low: …; mode: …; high: …",
            )
        )
    return out


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        data = data[p]
    return data


def apply_entries(data: dict[str, Any], posted: dict[str, str]) -> tuple[dict[str, Any], list[Entry]]:
    """Apply posted ``value_<i>`` / ``source_<i>`` to a copy of ``data``.

    Returns the new dict and the entries (with the posted text and any error).
    """
    new = copy.deepcopy(data)
    rows = entries(data)
    for i, entry in enumerate(rows):
        entry.value_text = posted.get(f"value_{i}", entry.value_text)
        entry.source = posted.get(f"source_{i}", entry.source).strip()
        target = _get(new, entry.path)
        try:
            if entry.path[0] == "montecarlo" and entry.path[1] == "parameters":
                value = text_to_value(entry.value_text, {})
                target.clear()
                target.update(value)
                target["source"] = entry.source
            elif not entry.needs_source:
                parent = _get(new, entry.path[:-1])
                parent[entry.path[-1]] = text_to_value(entry.value_text, 0)
            else:
                target["value"] = text_to_value(entry.value_text, target.get("value"))
                target["source"] = entry.source
        except ValueError as exc:
            entry.error = str(exc)
        if entry.needs_source and not entry.source:
            entry.error = entry.error or "请填写来源（每项假设须注明来源）"
    return new, rows


class UploadForm(forms.Form):
    file = forms.FileField(
        label="情景文件（TOML）",
        help_text="格式见“情景文件说明”；可先下载现有情景的 TOML 修改",
        validators=[uploads.max_upload_size(uploads.SCENARIO_TOML_MB)],
    )
    note = forms.CharField(label="说明", max_length=300, required=False)


class VersionNoteForm(forms.Form):
    note = forms.CharField(
        label="修改说明", max_length=300, help_text="写明改了什么、为什么（将记入版本历史）"
    )


class MeasureForm(forms.Form):
    name = forms.CharField(label="措施名称", max_length=100)
    task = forms.CharField(label="对应方案任务编号", max_length=20, required=False, help_text="如 2.2")
    kind = forms.ChoiceField(label="测算方法", choices=list(measures_engine.KINDS.items()))
    start_year = forms.IntegerField(label="开始年份", min_value=2000, max_value=2100)
    full_year = forms.IntegerField(label="达产年份", min_value=2000, max_value=2100)
    parameters = forms.CharField(
        label="参数",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="写成“参数名: 数值”，用分号分隔，例如 capacity_10k_kw: 45; utilisation_hours: 1000",
    )
    source = forms.CharField(label="参数来源", max_length=500)

    def clean_parameters(self) -> dict[str, Any]:
        try:
            value = text_to_value(self.cleaned_data["parameters"], {})
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        return value

    def as_measure(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "name": d["name"],
            "task": d["task"],
            "kind": d["kind"],
            "start_year": d["start_year"],
            "full_year": d["full_year"],
            "parameters": d["parameters"],
            "source": d["source"],
        }
