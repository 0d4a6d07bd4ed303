from __future__ import annotations

from django import forms

from carbonpeak.core import uploads
from carbonpeak.engine.energy import (
    IncompatibleUnitError,
    UnknownUnitError,
    check_unit_for_carrier,
    get_carrier,
)
from carbonpeak.monitoring.models import CARRIER_CHOICES, Meter


class MeterForm(forms.ModelForm):
    class Meta:
        model = Meter
        fields = [
            "code",
            "name",
            "carrier",
            "unit",
            "kind",
            "multiplier",
            "register_max",
            "installed_on",
            "active",
        ]
        widgets = {"installed_on": forms.DateInput(attrs={"type": "date"})}

    def clean(self):
        data = super().clean()
        carrier, unit = data.get("carrier"), data.get("unit")
        if carrier and unit:
            try:
                check_unit_for_carrier(get_carrier(carrier), unit)
            except (UnknownUnitError, IncompatibleUnitError):
                self.add_error("unit", f"单位“{unit}”不适用于{carrier}")
        if data.get("multiplier") is not None and data["multiplier"] <= 0:
            self.add_error("multiplier", "倍率须大于0")
        if data.get("register_max") is not None and data["register_max"] <= 0:
            self.add_error("register_max", "满量程须大于0")
        return data


class ReplacementForm(forms.Form):
    replaced_at = forms.DateTimeField(
        label="换表时间（北京时间）", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    old_final = forms.FloatField(label="旧表止码")
    new_initial = forms.FloatField(label="新表起码")
    note = forms.CharField(label="说明", required=False, max_length=200)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="读数文件（.csv 或 .xlsx）",
        help_text=f"不超过 {uploads.METER_READINGS_MB} MB",
        validators=[uploads.max_upload_size(uploads.METER_READINGS_MB)],
    )


class TokenForm(forms.Form):
    name = forms.CharField(label="用途说明", max_length=100, initial="数据采集终端")


class ReportedForm(forms.Form):
    carrier = forms.ChoiceField(label="能源品种", choices=CARRIER_CHOICES)
    year = forms.IntegerField(label="年", min_value=2000, max_value=2100)
    month = forms.IntegerField(label="月", min_value=1, max_value=12)
    quantity = forms.FloatField(label="报表用量", min_value=0)
    unit = forms.CharField(label="单位", max_length=20)


class CloseAlarmForm(forms.Form):
    note = forms.CharField(label="处理说明", max_length=300)
