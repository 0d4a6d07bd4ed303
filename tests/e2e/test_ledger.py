"""The ledger in real headless Chromium: 38 tasks listed, the department filter works."""

import pytest

from carbonpeak.plans import samples, services
from carbonpeak.plans.models import Assignment, Department, Task

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def imported_plan(transactional_db):
    parsed, text = services.parse_file(samples.sample_plan_path())
    return services.import_plan(parsed, source_text=text).plan


def test_ledger_lists_tasks_and_filters_by_department(imported_plan, leader_user, login, page, live_server):
    login(leader_user)
    page.goto(f"{live_server.url}/plans/ledger/")
    assert page.locator("tr.task-row").count() == 38

    dept = Department.objects.get(name="县住房和城乡建设局")
    expected_lead = Task.objects.filter(
        assignments__department=dept, assignments__role=Assignment.Role.LEAD
    ).count()
    expected_any = Task.objects.filter(assignments__department=dept).distinct().count()
    page.select_option("#filter-department", label="县住房和城乡建设局")
    page.click("#ledger-filter button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("tr.task-row").count() == expected_any

    page.select_option("#filter-role", value="lead")
    page.click("#ledger-filter button[type=submit]")
    page.wait_for_load_state("networkidle")
    rows = page.locator("tr.task-row")
    assert rows.count() == expected_lead == 4
    for i in range(rows.count()):
        assert "县住房和城乡建设局" in rows.nth(i).locator("td").nth(3).inner_text()
    assert page.console_errors == []
