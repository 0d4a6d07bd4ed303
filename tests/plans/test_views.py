import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from carbonpeak.plans import ledger_excel, samples
from carbonpeak.plans.models import Assignment, Department, DepartmentAlias, Plan, Task


def test_overview_shows_counts(sample_plan, leader_client):
    html = leader_client.get("/plans/").content.decode()
    assert "岳阳县碳达峰实施方案" in html
    assert "38" in html and "项任务" in html


def test_ledger_lists_all_tasks(sample_plan, department_client):
    html = department_client.get("/plans/ledger/").content.decode()
    assert html.count('class="task-row"') == 38


def test_ledger_filters_by_department_and_role(sample_plan, office_client):
    dept = Department.objects.get(name="县林业局")
    html = office_client.get(f"/plans/ledger/?department={dept.pk}&role=lead").content.decode()
    expected = Task.objects.filter(
        assignments__department=dept, assignments__role=Assignment.Role.LEAD
    ).count()
    assert expected == 4
    assert html.count('class="task-row"') == expected
    html = office_client.get("/plans/ledger/?action=6").content.decode()
    assert html.count('class="task-row"') == 4


def test_department_page_lists_led_and_cooperated_tasks(sample_plan, leader_client):
    dept = Department.objects.get(name="县供电公司")
    html = leader_client.get(f"/plans/departments/{dept.pk}/").content.decode()
    assert "牵头的任务（0）" in html
    assert "配合的任务（4）" in html


def test_targets_page_quotes_the_plan(sample_plan, leader_client):
    html = leader_client.get("/plans/targets/").content.decode()
    assert "135.5" in html and "万千瓦" in html
    assert "力争到2025年,全县新能源装机容量达到135.5万千瓦以上" in html


def test_empty_states_without_plan(office_client):
    assert "尚未导入实施方案" in office_client.get("/plans/").content.decode()
    assert "任务台账为空" in office_client.get("/plans/ledger/").content.decode()


def test_ledger_export_layout(sample_plan, leader_client):
    response = leader_client.get("/plans/ledger/export.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.active
    assert [c.value for c in ws[2]] == ["序号", "重点任务", "主要内容", "牵头单位", "配合单位", "完成时限"]
    codes = [row[0] for row in ws.iter_rows(min_row=3, values_only=True) if row[0] and "." in str(row[0])]
    assert len(codes) == 38


def _edited_ledger(plan, edit):
    wb = load_workbook(io.BytesIO(ledger_excel.export_ledger(plan)))
    ws = wb.active
    for row in ws.iter_rows(min_row=3):
        if row[0].value in edit:
            for col, value in edit[row[0].value].items():
                row[col].value = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_ledger_import_preview_then_confirm(sample_plan, office_client):
    data = _edited_ledger(sample_plan, {"2.2": {3: "县发改局、县林业局", 5: "2025年底前"}})
    upload = SimpleUploadedFile("台账.xlsx", data)
    response = office_client.post("/plans/ledger/import/", {"file": upload, "plan": sample_plan.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "修改任务 2.2" in html
    task = Task.objects.get(code="2.2", action__plan=sample_plan)
    assert task.due_date is None  # nothing applied yet
    token = response.context["token"]
    response = office_client.post(
        "/plans/ledger/import/", {"confirm": "1", "token": token, "plan": sample_plan.pk}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.due_date.isoformat() == "2025-12-31"
    leads = list(task.assignments.filter(role="lead").values_list("department__name", flat=True))
    assert leads == ["县发展和改革局", "县林业局"]


def test_ledger_import_row_errors(sample_plan, office_client):
    data = _edited_ledger(sample_plan, {"1.1": {3: ""}, "1.2": {5: "尽快"}, "1.3": {0: "99.1"}})
    response = office_client.post(
        "/plans/ledger/import/", {"file": SimpleUploadedFile("t.xlsx", data), "plan": sample_plan.pk}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "“牵头单位”列：至少须有一个牵头单位" in html
    assert "“完成时限”列" in html
    assert "方案中没有任务 99.1" in html


def test_ledger_import_rejects_non_excel(sample_plan, office_client):
    response = office_client.post(
        "/plans/ledger/import/", {"file": SimpleUploadedFile("t.xlsx", b"not excel"), "plan": sample_plan.pk}
    )
    assert response.status_code == 400
    assert "无法读取该文件" in response.content.decode()


@pytest.mark.django_db
def test_plan_upload_review_then_confirm(office_client):
    data = samples.sample_plan_path().read_bytes()
    response = office_client.post("/plans/upload/", {"file": SimpleUploadedFile("方案.txt", data)})
    assert response.status_code == 200
    html = response.content.decode()
    assert Plan.objects.count() == 0  # nothing saved before confirmation
    assert "核对解析结果" in html and "38 项任务" in html
    assert "力争到2025年,全县新能源装机容量达到135.5万千瓦以上" in html  # verbatim text beside targets
    response = office_client.post("/plans/upload/", {"confirm": "1", "token": response.context["token"]})
    assert response.status_code == 302
    assert Plan.objects.count() == 1
    assert Task.objects.count() == 38


@pytest.mark.django_db
def test_plan_upload_refuses_non_plan_text(office_client):
    upload = SimpleUploadedFile("note.txt", "今天天气很好，我们去公园散步。".encode())
    response = office_client.post("/plans/upload/", {"file": upload})
    assert response.status_code == 400
    assert Plan.objects.count() == 0


@pytest.mark.django_db
def test_plan_upload_refuses_wrong_type(office_client):
    response = office_client.post(
        "/plans/upload/", {"file": SimpleUploadedFile("plan.xls", b"\xd0\xcf\x11\xe0")}
    )
    assert response.status_code == 400
    assert "只支持 .pdf" in response.content.decode()


@pytest.mark.django_db
def test_plan_upload_refuses_damaged_pdf_in_chinese(office_client):
    response = office_client.post("/plans/upload/", {"file": SimpleUploadedFile("plan.pdf", b"%PDF-1.4")})
    assert response.status_code == 400
    assert "无法读取 PDF 文件“plan.pdf”" in response.content.decode(), response.content.decode()[-1500:]
    assert Plan.objects.count() == 0


def test_upload_token_from_another_session_is_refused(sample_plan, office_client, client, office_user):
    data = samples.sample_plan_path().read_bytes()
    response = office_client.post("/plans/upload/", {"file": SimpleUploadedFile("方案.txt", data)})
    token = response.context["token"]
    client.force_login(office_user)
    response = client.post("/plans/upload/", {"confirm": "1", "token": token}, follow=True)
    assert "已失效" in response.content.decode()


def test_office_adds_alias_and_duplicates_are_refused(sample_plan, office_client):
    dept = Department.objects.get(name="县林业局")
    response = office_client.post(f"/plans/departments/{dept.pk}/", {"alias": "县林业局本部"})
    assert response.status_code == 302
    assert DepartmentAlias.objects.filter(alias="县林业局本部", department=dept).exists()
    response = office_client.post(f"/plans/departments/{dept.pk}/", {"alias": "县发改局"})
    assert response.status_code == 400
    assert "已是“县发展和改革局”的名称或别名" in response.content.decode()


LEADLESS_PLAN = """某某县碳达峰实施方案

二、主要目标
到2025年，全县非化石能源消费比重达到20%以上。

三、重点任务
（一）能源绿色低碳转型行动
1.大力发展新能源。推进光伏发电开发建设。（县发改局、县供电公司按职责分工负责）
2.推进节能降碳。加强重点用能单位节能管理。（县工信局牵头，县发改局配合）
"""


def test_task_without_lead_is_flagged_and_can_be_assigned_through_the_ledger(office_client, office_user):
    from carbonpeak.plans import services

    plan = services.import_plan(services.parse_text(LEADLESS_PLAN), source_text=LEADLESS_PLAN).plan
    html = office_client.get("/plans/ledger/").content.decode()
    assert html.count("未明确牵头单位") >= 1
    # an unchanged export re-imports without errors although task 1.1 has no lead
    data = _edited_ledger(plan, {})
    specs, errors = ledger_excel.read_ledger(data, plan=plan, registry=services.department_registry())
    assert errors == []
    # the office assigns a lead
    data = _edited_ledger(plan, {"1.1": {3: "县发改局"}})
    specs, errors = ledger_excel.read_ledger(data, plan=plan, registry=services.department_registry())
    assert errors == []
    services.import_ledger(plan, specs, user=office_user)
    task = Task.objects.get(action__plan=plan, code="1.1")
    assert list(task.assignments.filter(role="lead").values_list("department__name", flat=True)) == [
        "县发展和改革局"
    ]
    assert list(task.assignments.filter(role="cooperating").values_list("department__name", flat=True)) == [
        "县供电公司"
    ]


def test_targets_show_the_responsible_department(sample_plan, leader_client):
    html = leader_client.get("/plans/targets/").content.decode()
    assert "责任部门" in html and "县林业局" in html
    wb = load_workbook(io.BytesIO(leader_client.get("/plans/targets/export.xlsx").content))
    rows = list(wb.active.iter_rows(values_only=True))
    header = rows[2]
    assert "责任部门" in header
    col = header.index("责任部门")
    assert any(r[col] == "县发展和改革局" for r in rows[3:])
