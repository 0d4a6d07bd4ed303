"""``carbonpeak ensure_secret_key``: make sure the site has a secret key of its own.

Without ``CARBONPEAK_SECRET_KEY`` in the environment, writes a random key to
``$CARBONPEAK_DATA_DIR/secret_key`` (readable by its owner only) unless the file
already holds one. The settings read that file; ``make run`` calls this first.
"""

from __future__ import annotations

import os
import secrets

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "生成并保存本站的随机密钥（已设置 CARBONPEAK_SECRET_KEY 或已有密钥文件时不做改动）"
    requires_system_checks: list[str] = []

    def handle(self, *args, **options):
        if os.environ.get("CARBONPEAK_SECRET_KEY", "").strip():
            self.stdout.write("密钥来自环境变量 CARBONPEAK_SECRET_KEY，无需生成。")
            return
        path = settings.SECRET_KEY_FILE
        if path.exists() and path.read_text(encoding="utf-8").strip():
            self.stdout.write(f"密钥文件已存在：{path}")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(secrets.token_urlsafe(50) + "\n")
        os.chmod(path, 0o600)
        self.stdout.write(f"已生成随机密钥并保存到 {path}（仅所有者可读；请随数据目录一并备份）")
