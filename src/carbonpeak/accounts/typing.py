"""Request types for views that only ever see a signed-in user.

``login_required``, ``rule_required`` and ``supervision_view`` redirect anonymous
visitors before the view runs, so inside such a view ``request.user`` is a
:class:`~carbonpeak.accounts.models.User`, never ``AnonymousUser``.  Annotating the
view's request with :class:`AuthenticatedHttpRequest` tells the type checker so.
"""

from __future__ import annotations

from django.http import HttpRequest

from carbonpeak.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
