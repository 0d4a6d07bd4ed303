"""Forms of the projects app (labels in Chinese)."""

from __future__ import annotations

from typing import Any

from django import forms

from carbonpeak.engine import energy
from carbonpeak.projects.models import Disposition, Project, Use


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "code",
            "name",
            "enterprise",
            "owner_name",
            "owner_uscc",
            "industry_code",
            "park",
            "investment_10k_yuan",
            "stage",
            "planned_start",
            "planned_production",
            "production_year",
            "ramp_up_pct",
            "capacity",
            "products",
            "processes",
            "value_added_10k_yuan",
            "renewable_electricity_kwh",
            "process_co2_t",
        ]
        widgets = {
            "planned_start": forms.DateInput(attrs={"type": "date"}),
            "planned_production": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, enterprises: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if enterprises is not None:
            self.fields["enterprise"].queryset = enterprises  # type: ignore[attr-defined]
        self.fields["production_year"].widget.attrs.update({"min": 1990, "max": 2100})

    def clean_production_year(self) -> int:
        year = self.cleaned_data["production_year"]
        if not 1990 <= year <= 2100:
            raise forms.ValidationError("投产年份应在 1990–2100 之间")
        return int(year)


class EnergyRowForm(forms.Form):
    carrier = forms.CharField(label="能源品种", max_length=50, required=False)
    quantity = forms.FloatField(label="年消费量", required=False, min_value=0)
    unit = forms.CharField(label="计量单位", max_length=30, required=False)
    use = forms.ChoiceField(label="用途", choices=Use.choices, initial=Use.FUEL, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        carrier, quantity, unit = data.get("carrier"), data.get("quantity"), data.get("unit")
        if not carrier and quantity is None and not unit:
            return data
        if not carrier or quantity is None or not unit:
            raise forms.ValidationError("请同时填写能源品种、年消费量和计量单位")
        try:
            c = energy.get_carrier(carrier)
            energy.check_unit_for_carrier(c, unit)
        except energy.UnknownCarrierError:
            raise forms.ValidationError(f"未知能源品种“{carrier}”") from None
        except energy.UnknownUnitError:
            raise forms.ValidationError(f"未知计量单位“{unit}”") from None
        except energy.IncompatibleUnitError:
            raise forms.ValidationError(f"单位“{unit}”不能用于能源品种“{c.name_zh}”") from None
        data["carrier"] = c.name_zh
        data["use"] = data.get("use") or Use.FUEL
        return data


EnergyRowFormSet = forms.formset_factory(EnergyRowForm, extra=0, min_num=1, validate_min=False, max_num=30)


class DispositionForm(forms.Form):
    disposition = forms.ChoiceField(label="分类处置", choices=Disposition.choices)
    note = forms.CharField(label="处置说明", max_length=300, required=False)


class ReviewSubmitForm(forms.Form):
    report_summary = forms.CharField(
        label="节能报告要点",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="主要节能措施、能效水平、能源供应条件等",
    )
    report_file = forms.FileField(label="节能报告（附件，可选）", required=False)


class CommentForm(forms.Form):
    expert = forms.CharField(label="专家", max_length=100)
    text = forms.CharField(label="意见", widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="审查决定", choices=[("approved", "通过"), ("rejected", "不予通过"), ("supplement", "补充材料")]
    )
    note = forms.CharField(label="审查意见", widget=forms.Textarea(attrs={"rows": 4}))


class CoalReplacementForm(forms.Form):
    source_project = forms.ModelChoiceField(
        label="替代来源（本地区淘汰项目）", queryset=Project.objects.none(), required=False
    )
    source_description = forms.CharField(label="替代来源说明", max_length=300, help_text="来源与文号")
    coal_tce = forms.FloatField(label="替代煤炭量（tce/年）", min_value=0)

    def __init__(self, *args: Any, sources: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if sources is not None:
            self.fields["source_project"].queryset = sources  # type: ignore[attr-defined]


class ImportForm(forms.Form):
    file = forms.FileField(label="两高项目清单（.xlsx）")


class ImpactSettingsForm(forms.Form):
    gdp_growth_pct = forms.FloatField(
        label="GDP年均增速(%)",
        required=False,
        min_value=-50,
        max_value=50,
        help_text="核算数据集以后年份的可比价 GDP 增速",
    )
    gdp_growth_source = forms.CharField(
        label="GDP增速来源", max_length=300, required=False, help_text="如 政府工作报告、规划纲要"
    )
    baseline_energy_growth_pct = forms.FloatField(
        label="基线能耗年均增速(%)",
        required=False,
        min_value=-50,
        max_value=50,
        help_text="留空或 0：保持最新核算年份水平",
    )
    baseline_energy_growth_source = forms.CharField(label="基线增速来源", max_length=300, required=False)
    end_year = forms.IntegerField(label="测算截止年份", required=False, min_value=2000, max_value=2100)


class ExtraTargetForm(forms.Form):
    indicator = forms.ChoiceField(
        label="指标",
        required=False,
        choices=[
            ("", "—"),
            ("energy_intensity", "单位地区生产总值能耗（下降率）"),
            ("co2_intensity", "单位地区生产总值二氧化碳排放（下降率）"),
            ("energy_total", "能源消费总量（上限，tce）"),
            ("co2_total", "二氧化碳排放总量（上限，t）"),
        ],
    )
    base_year = forms.IntegerField(label="基准年", required=False, min_value=2000, max_value=2100)
    target_year = forms.IntegerField(label="目标年", required=False, min_value=2000, max_value=2100)
    decline_pct = forms.FloatField(label="下降率(%)", required=False, min_value=0, max_value=100)
    cap = forms.FloatField(label="上限", required=False, min_value=0)
    source = forms.CharField(label="来源", max_length=300, required=False)


ExtraTargetFormSet = forms.formset_factory(ExtraTargetForm, extra=0, min_num=4, max_num=10)
