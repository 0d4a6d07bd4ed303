"""Fixtures of the indicators tests.

``fast_user`` makes an account without hashing a password (tests sign in with
``force_login``): the default PBKDF2 hasher costs about half a second per user.
"""

from __future__ import annotations

import pytest


@pytest.fixture
def fast_user(db, django_user_model):
    def _make(username: str, role: str, **extra):
        user = django_user_model(username=username, role=role, **extra)
        user.set_unusable_password()
        user.save()
        return user

    return _make
