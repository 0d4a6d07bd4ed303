"""Extension points filled at start-up, so that a lower app can show what a higher
app contributes without importing it (the apps depend on each other in one
direction only; see docs/architecture.md).

- :data:`dashboard_cards`: callables ``(region, user) -> dict | None`` that return a
  card for the leaders' dashboard (projects, sinks, credits register theirs in
  their ``AppConfig.ready()``). A card is ``{"id": str, "label": str, "value": str (already
  formatted), "unit": str, "sub": str, "url": str, "level": "green"|"yellow"|"red"|"",
  "illustrative": bool}`` (``title``/``note`` are accepted for ``label``/``sub``); the
  hook must not run a number of queries that grows with the data.
- :data:`enterprise_panels`: callables ``(enterprise, user) -> dict | None`` that add
  a section to an enterprise's page (monitoring adds meters and monthly use).
- :data:`target_status_providers`: callables ``(target) -> str | None`` giving a
  plan target's barometer level (indicators registers one; supervision reads it).
- :data:`target_series_providers`: callables ``(region) -> list[dict]`` giving yearly
  values of plan targets an app measures (sinks: 森林覆盖率, 森林蓄积量); each dict has
  ``target_indicator`` (the target's name as the plan parser reads it), ``unit``,
  ``values`` ({year: value in the target's unit}), ``source`` and ``illustrative``.
  Indicators writes them into the target's indicator when it refreshes.
- :data:`peak_outlook_lines`: callables ``(region) -> dict | None`` giving a line shown
  beside the peak outlook and never part of the peak judgement (sinks: the annual forest
  sink and net emissions); dict keys ``label``, ``text``, ``url``.
- :data:`task_progress_providers`: callables ``(tasks) -> {task_id: TaskLedgerInfo}`` giving
  each task's status, last report and next reporting deadline for the ledger
  (supervision registers one; the plans app's ledger page and export read it).
- :data:`green_project_providers`: callables ``(region, enterprise_ids) -> list[dict]``
  giving the investment projects of those enterprises that qualify for the
  green-finance list (projects registers one; evaluation's list reads it). Each dict:
  ``name``, ``code``, ``enterprise_id``, ``industry_code``, ``investment_10k_yuan``,
  ``stage``, ``basis`` (why it qualifies).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

dashboard_cards: list[Callable[[Any, Any], dict[str, Any] | None]] = []
enterprise_panels: list[Callable[[Any, Any], dict[str, Any] | None]] = []
target_status_providers: list[Callable[[Any], str | None]] = []
target_series_providers: list[Callable[[Any], list[dict[str, Any]]]] = []
peak_outlook_lines: list[Callable[[Any], dict[str, Any] | None]] = []
task_progress_providers: list[Callable[[Any], dict[int, dict[str, Any]]]] = []


def register(hooks: list[Callable[..., Any]], func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``func`` to a hook list once (idempotent: ``ready()`` may run twice in tests)."""
    if func not in hooks:
        hooks.append(func)
    return func


green_project_providers: list[Callable[[Any, Any], list[dict[str, Any]]]] = []
