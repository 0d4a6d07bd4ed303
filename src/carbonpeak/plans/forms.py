from django import forms

from carbonpeak.engine.plantext.reading import SUPPORTED_EXTENSIONS

PLAN_EXTENSIONS = SUPPORTED_EXTENSIONS
# the page parses inside the request: 10 MB parse in about 5 s; the command line takes up to 25 MB
MAX_PLAN_BYTES = 10 * 1024 * 1024
MAX_LEDGER_BYTES = 10 * 1024 * 1024


MAX_PASTED_CHARS = 2_000_000  # a plan with annexes is about 50,000 characters


class PlanUploadForm(forms.Form):
    file = forms.FileField(label="方案文件（.pdf、.docx 或 .txt）", required=False)
    text = forms.CharField(
        label="或粘贴方案正文（从政府网站复制）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        max_length=MAX_PASTED_CHARS,
        strip=True,
        error_messages={"max_length": "粘贴的文字超过 200 万字，请只粘贴方案正文。"},
    )

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("text") and not self.errors:
            raise forms.ValidationError("请选择方案文件，或把方案正文粘贴到文本框中。")
        if data.get("file") and data.get("text"):
            raise forms.ValidationError("请只提供一种：上传文件，或粘贴正文。")
        return data

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f is None:
            return f
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
