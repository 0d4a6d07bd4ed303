"""What must hold before the site serves requests.

With DEBUG off the site refuses to start without a secret key of its own: neither the
public development key nor a throw-away key (sessions would die with every restart).
``make run`` generates one into the data directory first (``carbonpeak ensure_secret_key``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MISSING_SECRET_KEY = (
    "未配置密钥，拒绝启动：调试模式已关闭（CARBONPEAK_DEBUG 未设为 1），"
    "但既没有设置环境变量 CARBONPEAK_SECRET_KEY，数据目录中也没有密钥文件 {file}。"
    "请设置 CARBONPEAK_SECRET_KEY（一段至少 50 个字符的随机字符串），"
    "或运行 `carbonpeak ensure_secret_key` 生成并保存一个随机密钥。详见 docs/deploy.md。"
)


def secret_key_problem() -> str | None:
    """The Chinese message explaining why the site may not start, or ``None`` when it may."""
    if settings.DEBUG:
        return None
    if getattr(settings, "SECRET_KEY_SOURCE", "env") == "unset":
        return MISSING_SECRET_KEY.format(file=settings.SECRET_KEY_FILE)
    if getattr(settings, "DEVELOPMENT_SECRET_KEY", None) == settings.SECRET_KEY:
        return "拒绝启动：CARBONPEAK_SECRET_KEY 是公开的开发用密钥，生产环境必须使用自己的随机密钥（见 docs/deploy.md）。"
    return None


def require_secret_key() -> None:
    """Raise :class:`ImproperlyConfigured` (Chinese message) when the site may not start."""
    problem = secret_key_problem()
    if problem:
        raise ImproperlyConfigured(problem)
