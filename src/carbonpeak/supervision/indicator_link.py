"""Where supervision reads target status from the indicators app, if it has landed.

The indicators app is built separately. Supervision uses it only through one
function, looked up at run time::

    carbonpeak.indicators.services.target_levels(plan) -> Iterable[TargetLevel-like]

where each item has ``target_id`` (a :class:`carbonpeak.plans.models.Target` id) and
``level`` (``"green"``, ``"yellow"`` or ``"red"``). The target's ``task`` and
``responsible`` department come from the plan ledger. Without that function every
consumer receives ``None`` and says on screen that target attainment is not yet
counted.
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from dataclasses import dataclass

from carbonpeak.engine.progress import WarningLevel


@dataclass(frozen=True)
class TargetLevels:
    by_task: dict[int, list[WarningLevel]]
    by_department: dict[int, list[WarningLevel]]


def target_levels(plan) -> TargetLevels | None:
    """Warning levels of the plan's targets grouped by task and by responsible department."""
    try:
        module = importlib.import_module("carbonpeak.indicators.services")
    except ModuleNotFoundError:
        return None
    func = getattr(module, "target_levels", None)
    if func is None or plan is None:
        return None
    from carbonpeak.plans.models import Target

    targets = {t.pk: t for t in Target.objects.filter(plan=plan)}
    by_task: dict[int, list[WarningLevel]] = defaultdict(list)
    by_dept: dict[int, list[WarningLevel]] = defaultdict(list)
    for item in func(plan):
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
    return TargetLevels(dict(by_task), dict(by_dept))
