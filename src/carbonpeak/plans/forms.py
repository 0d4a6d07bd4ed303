from django import forms

from carbonpeak.engine.plantext.reading import SUPPORTED_EXTENSIONS

PLAN_EXTENSIONS = SUPPORTED_EXTENSIONS
# the page parses inside the request: 10 MB parse in about 5 s; the command line takes up to 25 MB
MAX_PLAN_BYTES = 10 * 1024 * 1024
MAX_LEDGER_BYTES = 10 * 1024 * 1024


class PlanUploadForm(forms.Form):
    file = forms.FileField(label="方案文件（.pdf、.docx 或 .txt）")

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(PLAN_EXTENSIONS):
            raise forms.ValidationError(
                "只支持 .pdf（带文字层）、.docx 和 .txt（UTF-8 或 GB18030 编码）格式的方案文件。"
            )
        if f.size > MAX_PLAN_BYTES:
            raise forms.ValidationError(
                f"文件超过 {MAX_PLAN_BYTES // 1024 // 1024} MB，请确认上传的是方案正文。"
            )
        return f


class LedgerUploadForm(forms.Form):
    file = forms.FileField(label="编辑后的任务台账（.xlsx）")

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("请上传 .xlsx 格式的任务台账（可先导出再编辑）。")
        if f.size > MAX_LEDGER_BYTES:
            raise forms.ValidationError("文件超过 10 MB。")
        return f


class AliasForm(forms.Form):
    alias = forms.CharField(label="新增别名", max_length=100)
