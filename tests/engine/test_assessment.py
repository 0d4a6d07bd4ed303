import pytest
from numpy.testing import assert_allclose

from carbonpeak.engine.assessment import (
    DepartmentInput,
    DepartmentScore,
    Weights,
    department_score,
    on_time_rate,
    rank,
)
from carbonpeak.engine.progress import TaskStatus as S
from carbonpeak.engine.progress import WarningLevel as L


def test_hand_computed_score():
    # reporting 3/4 = 0.75; tasks (1.0 + 0.0)/2 = 0.5; targets (1.0 + 0.5)/2 = 0.75
    # total = 100 * (30*0.75 + 40*0.5 + 30*0.75) / 100 = 65
    item = DepartmentInput("a", 4, 3, [S.COMPLETED, S.LAGGING], [L.GREEN, L.YELLOW])
    s = department_score(item, Weights(30, 40, 30))
    assert_allclose([s.reporting, s.task_status, s.targets, s.total], [75, 50, 75, 65])


def test_missing_component_is_left_out_and_weights_renormalised():
    # no targets: total = 100 * (30*1.0 + 40*0.8) / 70 = 88.571...
    s = department_score(DepartmentInput("a", 2, 2, [S.IN_PROGRESS], None), Weights(30, 40, 30))
    assert s.targets is None
    assert_allclose(s.total, 100 * (30 + 32) / 70)


def test_nothing_known_gives_no_total():
    s = department_score(DepartmentInput("a", 0, 0, [], None), Weights(1, 1, 1))
    assert s.total is None


def test_zero_weight_component_ignored():
    s = department_score(DepartmentInput("a", 1, 0, [S.COMPLETED], None), Weights(0, 1, 0))
    assert_allclose(s.total, 100)


def test_on_time_rate_bounds():
    assert on_time_rate(0, 0) is None
    assert_allclose(on_time_rate(1, 4), 0.25)
    with pytest.raises(ValueError):
        on_time_rate(5, 4)


def test_invalid_weights():
    with pytest.raises(ValueError):
        Weights(-1, 1, 1)
    with pytest.raises(ValueError):
        Weights(0, 0, 0)


def test_competition_ranking_with_ties_and_unranked_last():
    scores = [
        DepartmentScore("b", None, None, None, 80.0),
        DepartmentScore("a", None, None, None, 90.0),
        DepartmentScore("c", None, None, None, 80.0),
        DepartmentScore("d", None, None, None, None),
    ]
    ranked = rank(scores)
    assert [(s.key, s.rank) for s in ranked] == [("a", 1), ("b", 2), ("c", 2), ("d", None)]
