"""``carbonpeak ensure_admin``: make sure an office administrator exists and print its login."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from carbonpeak.core.roles import Role


class Command(BaseCommand):
    help = "创建碳达峰办管理员账号（如已存在则只显示账号名）"

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--reset", action="store_true", help="重新生成该账号的密码")

    def handle(self, *args, username: str, reset: bool, **options):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is not None and not reset:
            self.stdout.write(
                f"管理员账号已存在：{username}（忘记密码请运行 `.venv/bin/carbonpeak ensure_admin --reset`）"
            )
            return
        password = secrets.token_urlsafe(9)
        if user is None:
            user = User(username=username, role=Role.OFFICE, display_name="碳达峰办管理员")
        user.is_staff = True
        user.is_superuser = True
        user.role = Role.OFFICE
        user.set_password(password)
        user.save()
        self.stdout.write("=" * 48)
        self.stdout.write("碳达峰办管理员登录信息（请妥善保存）")
        self.stdout.write("  网址:  http://127.0.0.1:8000/")
        self.stdout.write(f"  账号:  {username}")
        self.stdout.write(f"  密码:  {password}")
        self.stdout.write("=" * 48)
