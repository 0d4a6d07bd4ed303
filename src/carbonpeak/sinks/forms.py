"""Forms of the sinks pages (validation of the values themselves lives in services)."""

from __future__ import annotations

from django import forms

from carbonpeak.sinks.models import Verification


class ParameterForm(forms.Form):
    value = forms.FloatField(label="数值", required=False, help_text="留空表示未填写（不会按 0 计算）")
    source = forms.CharField(
        label="来源",
        required=False,
        max_length=500,
        help_text="文件名称、表号或条款、页码",
        widget=forms.TextInput(attrs={"size": 80}),
    )
    verification = forms.ChoiceField(
        label="核验状态", required=False, choices=[("", "——")] + list(Verification.choices)
    )


class InventoryUploadForm(forms.Form):
    file = forms.FileField(label="清单文件")


class LandAreaForm(forms.Form):
    land_area_hm2 = forms.FloatField(label="土地总面积（hm²）", required=False)
    land_area_source = forms.CharField(label="来源", required=False, max_length=300)
