from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from carbonpeak.accounts import services
from carbonpeak.accounts.models import User
from carbonpeak.core.roles import Role
from carbonpeak.enterprises.models import Enterprise
from carbonpeak.plans.models import Department


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "账号或密码不正确。连续 %(threshold)s 次输错，账号将被锁定 %(minutes)s 分钟。",
        "inactive": "该账号已停用，请联系碳达峰办。",
        "locked": "该账号因连续多次登录失败已被锁定，请于 %(until)s 后再试，或联系碳达峰办重置密码。",
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        if username:
            until = services.locked_until(username)
            if until is not None:
                raise forms.ValidationError(
                    self.error_messages["locked"],
                    code="locked",
                    params={"until": timezone.localtime(until).strftime("%H:%M")},
                )
        try:
            return super().clean()
        except forms.ValidationError:
            until = services.locked_until(username) if username else None
            if until is not None:
                raise forms.ValidationError(
                    self.error_messages["locked"],
                    code="locked",
                    params={"until": timezone.localtime(until).strftime("%H:%M")},
                ) from None
            raise

    def get_invalid_login_error(self):
        return forms.ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={"threshold": services.LOCKOUT_THRESHOLD, "minutes": services.LOCKOUT_MINUTES},
        )


class AccountForm(forms.Form):
    username = forms.RegexField(
        label="账号",
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": "账号只能包含字母、数字和 @ . + - _。"},
    )
    display_name = forms.CharField(label="姓名", max_length=50, required=False)
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    department = forms.ModelChoiceField(
        label="所属部门（部门填报员必选）", queryset=Department.objects.all(), required=False
    )
    enterprise = forms.ModelChoiceField(
        label="所属企业（企业用户必选）", queryset=Enterprise.objects.all(), required=False
    )
    email = forms.EmailField(label="邮箱（接收提醒）", required=False)
    phone = forms.CharField(label="电话", max_length=30, required=False)

    def __init__(self, *args, editing: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if editing is not None:
            self.fields["username"].disabled = True
            self.fields["username"].required = False

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role == Role.DEPARTMENT and not data.get("department"):
            self.add_error("department", "部门填报员必须选择所属部门。")
        if role == Role.ENTERPRISE and not data.get("enterprise"):
            self.add_error("enterprise", "企业用户必须选择所属企业。")
        return data
