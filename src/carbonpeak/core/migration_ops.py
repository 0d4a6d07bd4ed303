"""Data steps shared by the migrations that gave every row a region.

An existing single-county database is moved, without losing anything, into the
installation's home region (``CARBONPEAK_HOME_REGION``, default 430621 岳阳县):
the region and its parents are created from the packaged GB/T 2260 table and every
row of the listed models is assigned to it.
"""

from __future__ import annotations

from typing import Any


def home_region_pk(apps: Any) -> int:
    """Create (if needed) the home region and its parents with the historical model."""
    from django.conf import settings

    from carbonpeak.engine import region_codes

    Region = apps.get_model("core", "Region")
    code = getattr(settings, "CARBONPEAK_HOME_REGION", "430621")
    chain = []
    current: str | None = code
    while current:
        row = region_codes.find(current)
        if row is None:
            level = region_codes.level_of(current)
            chain.append((current, f"行政区划 {current}", level))
            current = region_codes.parent_code_of(current)
        else:
            chain.append((row.code, row.name, row.level))
            current = row.parent_code
    parent = None
    for c, name, level in reversed(chain):
        obj = Region.objects.filter(code=c).first()
        if obj is None:
            path = (parent.path if parent else "") + f"{c}/"
            obj = Region.objects.create(code=c, name=name, level=level, parent=parent, path=path)
        parent = obj
    assert parent is not None
    return parent.pk


def fill_region(*model_labels: str) -> Any:
    """A RunPython function: every row of these models without a region gets the home region."""

    def forward(apps: Any, schema_editor: Any) -> None:
        models = [apps.get_model(*label.split(".")) for label in model_labels]
        if not any(m.objects.filter(region__isnull=True).exists() for m in models):
            return
        pk = home_region_pk(apps)
        for model in models:
            model.objects.filter(region__isnull=True).update(region_id=pk)

    return forward
