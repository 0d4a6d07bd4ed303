"""The apps depend on each other in one direction only (docs/architecture.md, 应用依赖顺序).

Every ``import carbonpeak.<app>`` / ``from carbonpeak.<app> import`` in an app's source
is read with ``ast``; an app may import only the apps before it in :data:`ORDER`
(siblings in one tuple may not import each other). The engine imports no app; no app
links another through ``importlib``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "carbonpeak"

ORDER: tuple[tuple[str, ...], ...] = (
    ("core",),
    ("accounts",),
    ("plans",),
    ("enterprises",),
    ("monitoring",),
    ("accounting",),
    ("projects", "sinks", "evaluation", "disclosure", "credits"),
    ("indicators",),
    ("scenarios",),
    ("supervision",),
    ("dashboard", "public"),
)
RANK = {app: i for i, group in enumerate(ORDER) for app in group}
#: Packages that are not apps: the pure engine (imports no app) and the site shell (imports any).
NOT_APPS = {"engine", "site"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "carbonpeak" and len(parts) > 1:
                found.add(parts[1])
    return found


def _apps() -> list[str]:
    return sorted(p.name for p in SRC.iterdir() if (p / "apps.py").exists())


def test_every_app_has_a_place_in_the_order():
    assert [a for a in _apps() if a not in RANK] == []


@pytest.mark.parametrize("app", _apps())
def test_app_imports_only_apps_before_it(app):
    bad = []
    for path in (SRC / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for other in _imports(path) - {app} - NOT_APPS:
            if other in RANK and RANK[other] >= RANK[app]:
                bad.append(f"{path.relative_to(SRC)} imports carbonpeak.{other}")
        if "importlib" in path.read_text("utf-8") and 'import_module(f"carbonpeak.' in path.read_text(
            "utf-8"
        ):
            bad.append(f"{path.relative_to(SRC)} links apps through importlib")
    assert bad == []


def test_engine_imports_no_app_and_no_django():
    bad = []
    for path in (SRC / "engine").rglob("*.py"):
        imported = _imports(path)
        bad += [f"{path.name} imports carbonpeak.{a}" for a in imported if a in RANK]
        if "django" in {n.split(".")[0] for n in _module_names(path)}:
            bad.append(f"{path.name} imports django")
    assert bad == []


def _module_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
    return out
