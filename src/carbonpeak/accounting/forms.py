"""Forms: dataset upload and local factor editing (labels in Chinese)."""

from __future__ import annotations

from django import forms

from carbonpeak.core import uploads
from carbonpeak.engine.factors import DATASETS

_FILE_HELP = f"CSV（UTF-8 或 GBK）或 Excel（.xlsx），不超过 {uploads.ACCOUNTING_FILE_MB} MB"
_CAP = [uploads.max_upload_size(uploads.ACCOUNTING_FILE_MB)]


class UploadForm(forms.Form):
    name = forms.CharField(
        label="数据集名称", max_length=200, required=False, help_text="留空则用能源数据文件名"
    )
    energy = forms.FileField(label="能源消费数据（ENERGY）", help_text=_FILE_HELP, validators=_CAP)
    economy = forms.FileField(label="经济数据（ECONOMY）", help_text=_FILE_HELP, validators=_CAP)
    targets = forms.FileField(label="目标（TARGETS，可选）", required=False, validators=_CAP)
    factors = forms.FileField(label="用户因子（FACTORS，可选）", required=False, validators=_CAP)
    exclusions = forms.FileField(label="扣除项（EXCLUSIONS，可选）", required=False, validators=_CAP)
    region = forms.CharField(label="电网因子地区", initial="湖南省", max_length=50)
    base_year = forms.IntegerField(label="基准年", initial=2020, min_value=1990, max_value=2100)
    dataset = forms.ChoiceField(
        label="燃料排放因子数据集",
        choices=[
            (d, "GB/T 32150 / 国家发展改革委缺省值" if d == "CN_DEFAULT" else "IPCC 2006 缺省值（对比用）")
            for d in DATASETS
        ],
        initial="CN_DEFAULT",
    )


class LocalFactorForm(forms.Form):
    carrier = forms.CharField(label="能源品种", max_length=50, help_text="如 原煤、天然气、电力")
    year = forms.IntegerField(
        label="适用年份", required=False, min_value=1990, max_value=2100, help_text="留空表示所有年份"
    )
    value = forms.FloatField(label="数值", min_value=0)
    unit = forms.CharField(
        label="单位",
        max_length=40,
        help_text="tCO2/t、tCO2/万立方米、tCO2/MWh、tCO2/GJ（排放因子）；kgce/kg（折标系数）；GJ/t（实测低位发热量）；电力 gce/kWh（火电发电煤耗）",
    )
    source = forms.CharField(label="来源", max_length=300, help_text="文件、文号或检测报告")
