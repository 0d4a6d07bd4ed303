"""Count failed logins from every login form (site and admin) and reset on success."""

from __future__ import annotations

import time

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from carbonpeak.accounts import services
from carbonpeak.accounts.middleware import LAST_SEEN


@receiver(user_login_failed)
def _on_failed(sender, credentials, request=None, **kwargs):
    username = credentials.get("username")
    if username:
        services.register_failed_login(username)


@receiver(user_logged_in)
def _on_success(sender, request, user, **kwargs):
    services.register_successful_login(user)
    session = getattr(request, "session", None)
    if session is not None:  # the idle timeout counts from the login (saved with the login's session)
        session[LAST_SEEN] = time.time()
