from __future__ import annotations

import io

import pytest


@pytest.fixture
def samples(db):
    """The shipped sample scenarios and history, computed with few draws (fast)."""
    from carbonpeak.scenarios import samples as mod
    from carbonpeak.scenarios.models import Scenario

    mod.load(io.StringIO(), draws=500)
    return {s.kind: s for s in Scenario.objects.all()}


@pytest.fixture(autouse=True)
def _few_draws(settings):
    """Pages compute 100,000 draws in production; tests check behaviour with fewer."""
    settings.CARBONPEAK_SCENARIO_MAX_DRAWS = 500
