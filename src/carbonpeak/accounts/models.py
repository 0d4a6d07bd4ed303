"""Accounts: one user model carrying the role and what the user is bound to."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from carbonpeak.core.fields import region_fk
from carbonpeak.core.roles import Role


class User(AbstractUser):
    """A platform account (账号).

    ``department`` is set for department reporters, ``enterprise`` for enterprise users.
    ``region`` is where the account works: a county user sees its county, a city user
    its city and every county below it (:mod:`carbonpeak.core.scoping`).
    """

    region_field = "region"

    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.DEPARTMENT)
    region = region_fk("所属行政区划", editable=True)
    display_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("电话", max_length=30, blank=True)
    department = models.ForeignKey(
        "plans.Department",
        verbose_name="所属部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="所属企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    must_change_password = models.BooleanField("须修改初始密码", default=False)
    failed_login_count = models.PositiveIntegerField("连续登录失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

    class Meta:
        verbose_name = "账号"
        verbose_name_plural = "账号"

    def __str__(self) -> str:
        return self.display_name or self.username
