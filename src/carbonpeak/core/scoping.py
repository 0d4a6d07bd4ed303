"""Row-level scoping: which rows of a model a user may see.

Every region-scoped model declares where its region is (``region_field``, a
lookup path such as ``"region"`` or ``"plan__region"``) and uses
:class:`RegionScopedQuerySet` as its manager. ``Model.objects.visible_to(user)`` is
then the one way a page, API endpoint, export or admin list obtains rows:

- county users see their county's rows;
- city (or province) users see their own region's rows and every region below it;
- nobody sees a sibling region; the public sees nothing (public pages publish
  through their own ``published()`` querysets);
- rows owned by an enterprise (models with ``enterprise_path``) are narrowed
  for enterprise users to their own enterprise.

Actions (change, approve, allocate) are rules predicates (:mod:`carbonpeak.core.roles`),
checked through :mod:`carbonpeak.core.permissions`.
"""

from __future__ import annotations

from typing import Any, Self

from django.db import models

from carbonpeak.core.roles import Role, role_of


def home_region_code() -> str:
    from django.conf import settings

    return getattr(settings, "CARBONPEAK_HOME_REGION", "430621")


class RegionScopedQuerySet(models.QuerySet):
    """A queryset that knows how to restrict itself to what a user may see."""

    def _region_lookup(self) -> str:
        return getattr(self.model, "region_field", "region")

    def visible_to(self, user: Any) -> Self:
        """Rows the user may read: its region's and those of every region below it."""
        if role_of(user) is None:
            return self.none()
        region = getattr(user, "region", None)
        if region is None:
            return self.none()
        qs = self.filter(**{f"{self._region_lookup()}__path__startswith": region.path})
        owner = getattr(self.model, "enterprise_path", None)
        if owner is not None and role_of(user) == Role.ENTERPRISE:
            lookup = "pk" if owner == "pk" else f"{owner}_id"
            qs = qs.filter(**{lookup: getattr(user, "enterprise_id", None)})
        return qs

    def in_region(self, region: Any) -> Self:
        """Rows of exactly this region (not of the regions below it).

        ``None`` means the installation's home region (matched by its code, no
        extra query).
        """
        if region is None:
            return self.filter(**{f"{self._region_lookup()}__code": home_region_code()})
        return self.filter(**{self._region_lookup(): region})

    def within(self, region: Any) -> Self:
        """Rows of this region and of every region below it."""
        return self.filter(**{f"{self._region_lookup()}__path__startswith": region.path})


RegionScopedManager = models.Manager.from_queryset(RegionScopedQuerySet)
