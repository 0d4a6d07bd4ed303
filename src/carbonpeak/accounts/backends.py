"""Authentication backend that refuses locked accounts (also on the admin login)."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.utils import timezone


class LockoutModelBackend(ModelBackend):
    def user_can_authenticate(self, user):
        locked = getattr(user, "locked_until", None)
        if locked is not None and locked > timezone.now():
            return False
        return super().user_can_authenticate(user)
