"""The documented access rules are the enforced ones (issue 17, finding 8).

- docs/monitoring.md's role table is read cell by cell and each cell checked against
  the pages it names: "不可" must be refused, anything else must open.
- README / docs/accounts.md: a department reporter reads the whole plan ledger but sees
  progress work (supervision task pages) only for its own department's tasks.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROLE_OF_ROW = {
    "碳达峰办": "office",
    "县领导": "leader",
    "企业用户": "enterprise",
    "部门填报员": "department",
    "未登录": "anonymous",
}


def _doc_table() -> tuple[list[str], dict[str, list[str]]]:
    text = (ROOT / "docs" / "monitoring.md").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.startswith("| ")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    rows = {}
    for line in lines[1:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0] in ROLE_OF_ROW:
            rows[ROLE_OF_ROW[cells[0]]] = cells
    return header, rows


@pytest.fixture
def clients(client, office_client, leader_client, department_client, enterprise_client, settings, tmp_path):
    settings.METER_STORE_DIR = tmp_path / "meters"
    return {
        "anonymous": client,
        "office": office_client,
        "leader": leader_client,
        "department": department_client,
        "enterprise": enterprise_client,
    }


def test_monitoring_doc_table_matches_the_rules(clients, enterprise):
    from carbonpeak.monitoring.models import Meter

    meter = Meter.objects.create(enterprise=enterprise, code="M1", name="总表", carrier="电力", unit="kWh")
    pk = enterprise.pk
    urls_of_column = {
        "重点用能单位名录": ["/enterprises/"],
        "企业详情页": [f"/enterprises/{pk}/"],
        "计量点详情（日用量、更正记录）": [f"/monitoring/meters/{meter.pk}/"],
        "计量点登记、上传、令牌、月度报表": [
            f"/monitoring/enterprises/{pk}/meters/",
            f"/monitoring/enterprises/{pk}/upload/",
            f"/monitoring/enterprises/{pk}/tokens/",
            f"/monitoring/enterprises/{pk}/reported/",
        ],
        "告警": ["/monitoring/alarms/"],
    }
    header, rows = _doc_table()
    assert set(rows) == set(ROLE_OF_ROW.values())
    assert set(header[1:]) == set(urls_of_column), header
    checked = 0
    for role, cells in rows.items():
        for column, cell in zip(header[1:], cells[1:], strict=True):
            for url in urls_of_column[column]:
                status = clients[role].get(url).status_code
                if cell.startswith("不可"):
                    assert status in (302, 403, 404), (role, column, url, status)
                else:
                    assert status == 200, (role, column, url, status)
                checked += 1
    assert checked == 5 * 8


@pytest.fixture
def two_department_plan(department):
    from carbonpeak.plans.models import Action, Assignment, Department, Plan, Task

    other = Department.objects.create(name="县林业局")
    plan = Plan.objects.create(title="测试方案")
    action = Action.objects.create(plan=plan, number=1, title="行动一")
    own = Task.objects.create(action=action, code="1.1", number=1, title="本部门任务", text="内容")
    foreign = Task.objects.create(action=action, code="1.2", number=2, title="林业局的任务", text="内容")
    Assignment.objects.create(task=own, department=department, role="lead")
    Assignment.objects.create(task=foreign, department=other, role="lead")
    return own, foreign


def test_department_reporter_reads_the_whole_ledger_but_works_only_on_own_tasks(
    department_client, two_department_plan
):
    own, foreign = two_department_plan
    ledger = department_client.get("/plans/ledger/")
    assert ledger.status_code == 200
    assert "本部门任务" in ledger.content.decode() and "林业局的任务" in ledger.content.decode()
    assert department_client.get(f"/plans/tasks/{foreign.pk}/").status_code == 200
    assert department_client.get(f"/supervision/tasks/{own.pk}/").status_code == 200
    assert department_client.get(f"/supervision/tasks/{foreign.pk}/").status_code in (403, 404)
    listing = department_client.get("/supervision/").content.decode()
    assert "本部门任务" in listing and "林业局的任务" not in listing


def test_readme_and_accounts_doc_say_the_same_about_department_reporters():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    accounts = (ROOT / "docs" / "accounts.md").read_text(encoding="utf-8")
    for text in (readme, accounts):
        line = next(ln for ln in text.splitlines() if "部门填报员" in ln and "台账" in ln)
        assert re.search(r"可查阅方案任务台账全文", line), line
        assert re.search(r"只(能)?看", line) and "本部门" in line, line
