"""The site's main menu.

Each app registers its entries in its ``AppConfig.ready()`` with :func:`register`, so
the base template never names an app that is not installed. ``roles`` lists who sees
the entry (``None`` = every signed-in user).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 100
    roles: tuple[str, ...] | None = None


_ITEMS: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _ITEMS[item.url_name] = item


def items() -> list[NavItem]:
    return sorted(_ITEMS.values(), key=lambda i: (i.order, i.label))
