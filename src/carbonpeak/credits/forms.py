"""Forms of the credits pages (validation of shape only; rules are in services)."""

from __future__ import annotations

from django import forms

from carbonpeak.credits.models import ActivityType, Methodology, MethodologyVersion, Partner, Reward


class EvidenceField(forms.CharField):
    """Comma-separated field names → list."""

    def to_python(self, value):  # type: ignore[override]
        text = super().to_python(value) or ""
        return [p.strip() for p in text.replace("，", ",").split(",") if p.strip()]

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value


class MethodologyForm(forms.ModelForm):
    evidence_required = EvidenceField(
        label="必需的证明字段",
        required=False,
        help_text="合作方上报记录的 evidence 中必须提供的字段名，逗号分隔，如 route, card_tail；可留空",
    )

    class Meta:
        model = Methodology
        fields = ["code", "name", "activity_type", "unit", "evidence_required", "description"]


class VersionForm(forms.ModelForm):
    valid_from = forms.DateTimeField(
        label="生效时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    valid_to = forms.DateTimeField(
        label="失效时间", required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    class Meta:
        model = MethodologyVersion
        fields = [
            "version",
            "valid_from",
            "valid_to",
            "reduction_kg_per_unit",
            "reduction_source",
            "baseline_kg_per_unit",
            "baseline_source",
            "project_kg_per_unit",
            "project_source",
            "daily_cap_units",
            "points_per_kg",
        ]


class PartnerForm(forms.Form):
    name = forms.CharField(label="合作方名称", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=Partner.Kind.choices)
    activity_types = forms.MultipleChoiceField(
        label="可上报的活动类型", choices=ActivityType.choices, widget=forms.CheckboxSelectMultiple
    )
    contact = forms.CharField(label="联系人及电话", max_length=100, required=False)


class RewardForm(forms.ModelForm):
    class Meta:
        model = Reward
        fields = ["name", "provider", "provider_name", "points_cost", "stock", "description", "active"]


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=200)


class CodeForm(forms.Form):
    code = forms.CharField(label="兑换码", max_length=16)


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label="手机号码",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class VerifyForm(forms.Form):
    code = forms.CharField(
        label="短信验证码",
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    township = forms.CharField(label="所在乡镇（街道）", max_length=50, required=False)
    community = forms.CharField(label="所在社区（村）", max_length=50, required=False)
    nickname = forms.CharField(label="昵称（选填）", max_length=30, required=False)
    consent = forms.BooleanField(label="我已阅读并同意《碳普惠个人信息处理规则》", required=False)
