"""Accounts: login with lock-out, password change, and account administration for the office."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from carbonpeak.accounts import services
from carbonpeak.accounts.forms import AccountForm, LoginForm
from carbonpeak.accounts.models import User
from carbonpeak.accounts.typing import AuthenticatedHttpRequest
from carbonpeak.core.roles import Role, is_office


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(user=self.request.user)
        messages.success(self.request, "密码已修改。")
        return response


def office_only(view):
    @login_required
    def wrapped(request: AuthenticatedHttpRequest, *args, **kwargs):
        if not is_office(request.user):
            raise PermissionDenied("仅碳达峰办管理员可以管理账号。")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@office_only
def account_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    users = User.objects.select_related("department", "enterprise").order_by("role", "username")
    role = request.GET.get("role", "")
    if role in Role.values:
        users = users.filter(role=role)
    return render(
        request,
        "accounts/list.html",
        {"accounts": users, "roles": Role.choices, "role": role, "now": timezone.now()},
    )


@never_cache
@office_only
def account_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            user, password = services.create_account(
                actor=request.user,
                username=d["username"],
                role=d["role"],
                display_name=d["display_name"],
                email=d["email"],
                phone=d["phone"],
                department=d["department"],
                enterprise=d["enterprise"],
            )
        except services.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            return render(request, "accounts/initial_password.html", {"account": user, "password": password})
    return render(request, "accounts/form.html", {"form": form, "title": "新建账号"})


@office_only
def account_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User, pk=pk)
    initial = {
        "username": account.username,
        "display_name": account.display_name,
        "role": account.role,
        "department": account.department,
        "enterprise": account.enterprise,
        "email": account.email,
        "phone": account.phone,
    }
    form = AccountForm(request.POST or None, initial=initial, editing=account)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.update_account(
                actor=request.user,
                user=account,
                role=d["role"],
                display_name=d["display_name"],
                email=d["email"],
                phone=d["phone"],
                department=d["department"],
                enterprise=d["enterprise"],
            )
        except services.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"账号“{account.username}”已保存。")
            return redirect("accounts:list")
    return render(
        request,
        "accounts/form.html",
        {"form": form, "title": f"编辑账号：{account.username}", "account": account},
    )


@office_only
@require_POST
def account_set_active(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.set_active(actor=request.user, user=account, active=active)
    except services.AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"账号“{account.username}”已{'启用' if active else '停用'}。")
    return redirect("accounts:list")


@never_cache
@office_only
@require_POST
def account_reset_password(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User, pk=pk)
    password = services.reset_password(actor=request.user, user=account)
    return render(
        request, "accounts/initial_password.html", {"account": account, "password": password, "reset": True}
    )
