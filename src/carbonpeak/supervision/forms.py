from __future__ import annotations

from django import forms

from carbonpeak.engine.filetypes import ALLOWED_TEXT
from carbonpeak.plans.models import Department, Plan, Task
from carbonpeak.supervision.models import ReportingPeriod, Review, StatusChoice

DATE = forms.DateInput(attrs={"type": "date"})


class ReportForm(forms.Form):
    status = forms.ChoiceField(label="进展状态", choices=StatusChoice.choices)
    narrative = forms.CharField(label="工作进展", widget=forms.Textarea(attrs={"rows": 8}), required=False)
    key_figures = forms.CharField(
        label="关键数据（每行一项：名称｜数值｜单位）",
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "新增光伏装机｜12.5｜万千瓦"}),
        required=False,
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=f"附件（{ALLOWED_TEXT}，不超过 20 MB）")


class ContributionForm(forms.Form):
    text = forms.CharField(label="本单位配合工作情况", widget=forms.Textarea(attrs={"rows": 5}))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label="审核结果", choices=Review.Decision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label="审核意见（退回时必填）", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class OverrideForm(forms.Form):
    status = forms.ChoiceField(label="认定状态", choices=StatusChoice.choices)
    reason = forms.CharField(label="认定理由（必填）", widget=forms.Textarea(attrs={"rows": 3}))


class PeriodForm(forms.Form):
    plan = forms.ModelChoiceField(label="实施方案", queryset=Plan.objects.none())

    def __init__(self, *args, region=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = Plan.objects.in_region(region)  # type: ignore[attr-defined]

    kind = forms.ChoiceField(label="调度频次", choices=ReportingPeriod.Kind.choices)
    label = forms.CharField(label="名称", max_length=50)
    start = forms.DateField(label="开始日期", widget=DATE)
    end = forms.DateField(label="结束日期", widget=DATE)
    deadline = forms.DateField(label="报送截止日期", widget=DATE)


class GenerateForm(forms.Form):
    plan = forms.ModelChoiceField(label="实施方案", queryset=Plan.objects.none())

    def __init__(self, *args, region=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = Plan.objects.in_region(region)  # type: ignore[attr-defined]

    kind = forms.ChoiceField(label="调度频次", choices=ReportingPeriod.Kind.choices)
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100)
    deadline_days = forms.IntegerField(label="周期结束后几天截止", min_value=0, max_value=60, initial=10)


class PeriodEditForm(forms.Form):
    label = forms.CharField(label="名称", max_length=50)
    deadline = forms.DateField(label="报送截止日期", widget=DATE)


class NoticeForm(forms.Form):
    department = forms.ModelChoiceField(label="督办单位", queryset=Department.objects.none())
    task = forms.ModelChoiceField(label="相关任务（可选）", queryset=Task.objects.none(), required=False)

    def __init__(self, *args, region=None, **kwargs):  # type: ignore[no-untyped-def]
        """Choices are the departments and tasks of the region the notice goes to."""
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.in_region(region)  # type: ignore[attr-defined]
        self.fields["task"].queryset = Task.objects.in_region(region).select_related("action")  # type: ignore[attr-defined]

    title = forms.CharField(label="督办事项", max_length=200)
    body = forms.CharField(label="督办要求", widget=forms.Textarea(attrs={"rows": 6}))
    answer_due = forms.DateField(label="答复期限", widget=DATE)


class AnswerForm(forms.Form):
    text = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 6}))
    file = forms.FileField(label=f"答复附件（可选；{ALLOWED_TEXT}，不超过 20 MB）", required=False)


class CloseForm(forms.Form):
    comment = forms.CharField(label="办结意见", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class WeightsForm(forms.Form):
    reporting = forms.DecimalField(label="按时报送权重", min_value=0, max_value=100, decimal_places=2)
    task_status = forms.DecimalField(label="任务进展权重", min_value=0, max_value=100, decimal_places=2)
    targets = forms.DecimalField(label="目标完成权重", min_value=0, max_value=100, decimal_places=2)
