"""Where supervision reads target status from the indicators app.

Supervision comes after indicators in the dependency order, so it imports
:func:`carbonpeak.indicators.services.target_levels` directly; each item has ``target_id`` (a :class:`carbonpeak.plans.models.Target` id) and
``level`` (``"green"``, ``"yellow"`` or ``"red"``). The target's ``task`` and
``responsible`` department come from the plan ledger.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from carbonpeak.engine.progress import WarningLevel
from carbonpeak.indicators.services import target_levels as indicator_target_levels
from carbonpeak.plans.models import Target


@dataclass(frozen=True)
class TargetLevels:
    by_task: dict[int, list[WarningLevel]]
    by_department: dict[int, list[WarningLevel]]


def target_levels(plan) -> TargetLevels | None:
    """Warning levels of the plan's targets grouped by task and by responsible department."""
    if plan is None:
        return None
    targets = {t.pk: t for t in Target.objects.filter(plan=plan)}
    by_task: dict[int, list[WarningLevel]] = defaultdict(list)
    by_dept: dict[int, list[WarningLevel]] = defaultdict(list)
    for item in indicator_target_levels(plan):
        target_id = getattr(item, "target_id", None)
        if target_id is None and isinstance(item, dict):
            target_id = item.get("target_id")
        level = getattr(item, "level", None) or (item.get("level") if isinstance(item, dict) else None)
        try:
            lv = WarningLevel(str(getattr(level, "value", level)))
        except ValueError:
            continue
        target = targets.get(target_id) if isinstance(target_id, int) else None
        if target is None:
            continue
        if target.task_id:
            by_task[target.task_id].append(lv)
        if target.responsible_id:
            by_dept[target.responsible_id].append(lv)
    if not by_task and not by_dept:
        return None  # no target has an assessed indicator yet: attainment is not counted
    return TargetLevels(dict(by_task), dict(by_dept))
