from __future__ import annotations

from django import forms

from carbonpeak.core import uploads
from carbonpeak.engine.uscc import check_uscc
from carbonpeak.enterprises.models import Enterprise
from carbonpeak.enterprises.services import validate_industry_code


class EnterpriseForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = [
            "name",
            "uscc",
            "industry_code",
            "park",
            "township",
            "land_area_mu",
            "energy_budget_tce",
            "annual_energy_tce",
            "annual_energy_year",
            "designated",
            "contact_name",
            "contact_phone",
            "contact_email",
        ]

    def clean_uscc(self) -> str:
        result = check_uscc(self.cleaned_data["uscc"])
        if not result.valid:
            raise forms.ValidationError(result.message)
        return result.normalized

    def clean_industry_code(self) -> str:
        code = self.cleaned_data.get("industry_code", "")
        problem = validate_industry_code(code)
        if problem:
            raise forms.ValidationError(problem)
        return code.strip().upper()


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件（.xlsx）",
        help_text=f"不超过 {uploads.ENTERPRISE_REGISTRY_MB} MB",
        validators=[uploads.max_upload_size(uploads.ENTERPRISE_REGISTRY_MB)],
    )
