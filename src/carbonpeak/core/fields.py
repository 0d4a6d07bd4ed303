"""The region foreign key every region-scoped model carries."""

from __future__ import annotations

from typing import Any

from django.db import models


def region_fk(verbose_name: str = "行政区划", **kwargs: Any) -> models.ForeignKey:
    """``region = region_fk()``: a required foreign key to the row's region.

    Not editable in forms by default: services set it from the acting user's
    region (or the region a city acts on), never from a posted value.

    A row saved without a region belongs to the installation's home region
    (:func:`fill_home_region`, connected to ``pre_save`` in ``CoreConfig.ready``):
    that serves single-county installations, upgraded databases and commands run
    without ``--region``; services that serve several regions always pass the region.
    """
    options: dict[str, Any] = {
        "editable": False,
        "verbose_name": verbose_name,
        "on_delete": models.PROTECT,
        "related_name": "+",
    }
    options.update(kwargs)
    return models.ForeignKey("core.Region", **options)


def fill_home_region(
    sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any
) -> None:
    """``pre_save``: give a region-scoped row without a region the home region."""
    if raw:
        return
    try:
        field = sender._meta.get_field("region")
    except Exception:
        return
    if (
        not field.is_relation
        or field.related_model is None
        or field.related_model._meta.label != "core.Region"
    ):
        return
    if getattr(instance, "region_id", None) is None and not field.null:
        from carbonpeak.core.regions import home_region_id

        instance.region_id = home_region_id()  # type: ignore[attr-defined]
