from __future__ import annotations

from typing import Any

from django import forms

from carbonpeak.engine import carbon_efficiency as ce
from carbonpeak.engine import mu_evaluation as mu
from carbonpeak.evaluation.models import AnnualData, Disclosure, DisclosureFacility, GreenFinanceCriteria


class YearForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)


class GradeForm(YearForm):
    preset = forms.ChoiceField(
        label="分档预设",
        choices=[(p.code, p.name) for p in ce.PRESETS.values()],
        initial=ce.DEFAULT_PRESET.code,
    )
    grade_bands = forms.CharField(
        label="自定碳效等级分档（K 的 1–4 级上限，逗号分隔，可空）",
        required=False,
        help_text="如 0.6,0.8,1.2,2.0",
    )
    level_bands = forms.CharField(
        label="自定碳效水平分档（低碳、中碳上限，吨/万元，可空）", required=False, help_text="如 0.6,2.0"
    )
    source = forms.CharField(label="自定分档的来源", required=False, max_length=200)

    def _bands(self, name: str, count: int) -> list[float] | None:
        text = self.cleaned_data.get(name, "").replace("，", ",").strip()
        if not text:
            return None
        try:
            values = [float(p) for p in text.split(",") if p.strip()]
        except ValueError:
            raise forms.ValidationError("请填写逗号分隔的数字") from None
        if len(values) != count:
            raise forms.ValidationError(f"应为 {count} 个数字")
        return values

    def clean_grade_bands(self) -> list[float] | None:
        return self._bands("grade_bands", 4)

    def clean_level_bands(self) -> list[float] | None:
        return self._bands("level_bands", 2)


class MuForm(YearForm):
    preset = forms.ChoiceField(label="评价预设", initial=mu.DEFAULT_PRESET.code)

    def __init__(self, *args: Any, presets: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["preset"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = presets or [(p.code, p.name) for p in mu.PRESETS.values()]


class MuPresetForm(forms.Form):
    """A county's own per-mu rule: copied from a preset, weights and benchmarks edited."""

    code = forms.SlugField(label="预设代码（字母、数字、下划线）", max_length=60)
    name = forms.CharField(label="名称", max_length=120)
    data_year = forms.IntegerField(label="适用数据年度", min_value=2000, max_value=2100)
    valid_from = forms.DateField(label="启用日期", help_text="如 2026-01-01")
    source = forms.CharField(label="来源（文件名称、文号或网址）", max_length=300)

    def __init__(self, *args: Any, base: mu.MuPreset, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for ind, info in mu.INDICATORS.items():
            rule = base.rules.get(ind)
            key = str(ind)
            self.fields[f"w_{key}"] = forms.FloatField(
                label=f"{info.label} 权重", min_value=0, initial=rule.weight if rule else 0
            )
            self.fields[f"b_{key}"] = forms.FloatField(
                label=f"{info.label} 基准值（{info.unit}）",
                required=False,
                min_value=0,
                initial=rule.benchmark if rule else None,
            )
            if not info.higher_is_better:
                self.fields[f"c_{key}"] = forms.FloatField(
                    label=f"{info.label} 得分上限倍数（越低越好的指标计分时必填）",
                    required=False,
                    min_value=0,
                    initial=rule.cap if rule else None,
                )

    def values(self) -> tuple[dict[str, float], dict[str, float | None], dict[str, float | None]]:
        data = self.cleaned_data
        weights = {str(i): data[f"w_{i}"] for i in mu.INDICATORS}
        benchmarks = {str(i): data.get(f"b_{i}") for i in mu.INDICATORS}
        caps = {str(i): data.get(f"c_{i}") for i in mu.INDICATORS if f"c_{i}" in data}
        return weights, benchmarks, caps


class RankingForm(forms.Form):
    year = forms.IntegerField(label="排名年度", min_value=2000, max_value=2100)
    base_year = forms.IntegerField(label="基准年", min_value=2000, max_value=2100)


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）")


class AnnualDataForm(forms.ModelForm):
    class Meta:
        model = AnnualData
        fields = [
            "value_added_10k_yuan",
            "output_value_10k_yuan",
            "revenue_10k_yuan",
            "tax_10k_yuan",
            "employees",
            "rd_10k_yuan",
            "land_area_mu",
            "energy_tce_equivalent",
            "energy_tce_equal_value",
            "co2_t",
            "pollutant_t",
            "exemption",
        ]


class DisclosureForm(forms.ModelForm):
    class Meta:
        model = Disclosure
        fields = ["co2_t", "prior_year_co2_t", "accounting_method", "accounting_standard", "statement"]

    def clean(self) -> dict:
        data = super().clean() or {}
        for field in ("co2_t", "prior_year_co2_t"):
            value = data.get(field)
            if value is not None and value < 0:
                self.add_error(field, "排放量不能为负数")
        return data


FacilityFormSet = forms.inlineformset_factory(
    Disclosure,
    DisclosureFacility,
    fields=["name", "facility_type", "fuel", "co2_t"],
    extra=3,
    can_delete=True,
)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="审核结论", choices=[("approve", "通过并公开"), ("return", "退回修改")]
    )
    comment = forms.CharField(label="审核意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class GreenCriteriaForm(forms.ModelForm):
    class Meta:
        model = GreenFinanceCriteria
        fields = ["max_grade", "require_disclosure", "note"]
