"""Extension points filled at start-up, so that a lower app can show what a higher
app contributes without importing it (the apps depend on each other in one
direction only; see docs/architecture.md).

- :data:`dashboard_cards`: callables ``(region, user) -> dict | None`` that return a
  card for the leaders' dashboard (projects, sinks, credits register theirs in
  their ``AppConfig.ready()``).
- :data:`enterprise_panels`: callables ``(enterprise, user) -> dict | None`` that add
  a section to an enterprise's page (monitoring adds meters and monthly use).
- :data:`target_status_providers`: callables ``(target) -> str | None`` giving a
  plan target's barometer level (indicators registers one; supervision reads it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

dashboard_cards: list[Callable[[Any, Any], dict[str, Any] | None]] = []
enterprise_panels: list[Callable[[Any, Any], dict[str, Any] | None]] = []
target_status_providers: list[Callable[[Any], str | None]] = []


def register(hooks: list[Callable[..., Any]], func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``func`` to a hook list once (idempotent: ``ready()`` may run twice in tests)."""
    if func not in hooks:
        hooks.append(func)
    return func
