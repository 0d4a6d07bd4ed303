from __future__ import annotations

from django import forms

from carbonpeak.indicators.models import Indicator
from carbonpeak.indicators.services import EDITABLE_FIELDS


class IndicatorForm(forms.ModelForm):
    """The office's form for an indicator's baseline, target and responsible department."""

    class Meta:
        model = Indicator
        fields = list(EDITABLE_FIELDS)
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
