"""The upload review screen: a PDF plan beside its parsed structure, low-confidence items marked,
inline corrections applied on confirmation, unknown units proposed as new departments."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from carbonpeak.plans.models import Assignment, Department, Plan, Target, Task
from tests.engine.plan_pdf import plan_pdf

PLAN = (
    "松溪县碳达峰实施方案\n"
    "一、主要目标\n"
    "到2025年，全县非化石能源消费比重达到22%。\n"
    "二、重点任务\n"
    "（一）能源绿色低碳转型行动\n"
    "1.大力发展光伏。到2025年，全县光伏装机达到30万千瓦。（县发改局牵头，县自然资源局配合）\n"
    "2.推进煤炭清洁利用。压减散煤使用，推广清洁取暖，新建公共建筑屋顶光伏覆盖率不低于50%。\n"
    "3.建设智慧能源平台。（县大数据发展服务中心负责）\n"
)

pytestmark = pytest.mark.django_db


def _upload(client, name="方案.pdf", data=None):
    data = data if data is not None else plan_pdf(PLAN, header="松溪县人民政府文件")
    return client.post("/plans/upload/", {"file": SimpleUploadedFile(name, data)})


def test_pdf_upload_shows_source_beside_the_parse_and_marks_low_confidence(office_client):
    Department.objects.create(name="县发展和改革局", order=1)
    response = _upload(office_client)
    assert response.status_code == 200
    html = response.content.decode()
    assert Plan.objects.count() == 0  # nothing saved before confirmation
    assert 'id="review-source"' in html and "压减散煤使用，推广清洁取暖" in html
    review = response.context["review"]
    assert review.tasks_without_departments == {"1.2"}
    targets = response.context["parsed"].targets
    assert [t.year for t in targets] == [2025, 2025, None]
    assert review.targets_without_year == {2}
    assert html.count('class="low-confidence"') == 2
    # units the region does not know are proposed as new departments, never merged into a known one
    new = dict(review.new_departments)
    assert "县发展和改革局" not in new
    assert "县自然资源局" in new and "县大数据发展服务中心" in new
    assert "将新建的部门" in html


def test_corrections_made_on_the_review_screen_are_saved(office_client):
    response = _upload(office_client)
    token = response.context["token"]
    response = office_client.post(
        "/plans/upload/",
        {
            "confirm": "1",
            "token": token,
            "lead-1.2": "县发改局",
            "coop-1.2": "县住建局、各乡镇人民政府",
            "year-2": "2025",
            "drop-1": "1",
        },
    )
    assert response.status_code == 302
    task = Task.objects.get(code="1.2")
    leads = [a.department.name for a in Assignment.objects.filter(task=task, role=Assignment.Role.LEAD)]
    cooperating = [
        a.department.name for a in Assignment.objects.filter(task=task).exclude(role=Assignment.Role.LEAD)
    ]
    assert leads == ["县发展和改革局"]
    assert sorted(cooperating) == sorted(["县住房和城乡建设局", "各乡镇人民政府"])
    assert sorted((t.indicator, t.year) for t in Target.objects.all()) == [
        ("新建公共建筑屋顶光伏覆盖率", 2025),
        ("非化石能源消费比重", 2025),
    ]


def test_an_invalid_correction_is_refused_in_chinese_and_nothing_is_saved(office_client):
    response = _upload(office_client)
    response = office_client.post(
        "/plans/upload/", {"confirm": "1", "token": response.context["token"], "year-2": "二〇二五"}
    )
    assert response.status_code == 400
    assert "年份“二〇二五”无效" in response.content.decode()
    assert Plan.objects.count() == 0 and Department.objects.count() == 0


def test_scanned_pdf_upload_says_so(office_client):
    response = _upload(office_client, "扫描件.pdf", plan_pdf(PLAN * 3, text_layer=False))
    assert response.status_code == 400
    assert "没有可提取的文字层" in response.content.decode()
    assert Plan.objects.count() == 0


def test_upload_over_the_page_limit_is_refused_before_parsing(office_client):
    big = SimpleUploadedFile("大文件.txt", "碳达峰".encode() * (4 * 1024 * 1024))
    response = office_client.post("/plans/upload/", {"file": big})
    assert response.status_code == 400
    assert "文件超过 10 MB" in response.content.decode()
    assert Plan.objects.count() == 0


def test_pasted_web_text_is_reviewed_and_imported(office_client):
    pasted = "首页 > 政务公开 > 文件\n" + PLAN + "分享到：\n打印本页 关闭窗口\n"
    response = office_client.post("/plans/upload/", {"text": pasted})
    assert response.status_code == 200
    assert [t.code for t in response.context["parsed"].tasks] == ["1.1", "1.2", "1.3"]
    response = office_client.post("/plans/upload/", {"confirm": "1", "token": response.context["token"]})
    assert response.status_code == 302
    assert Plan.objects.get().title == "松溪县碳达峰实施方案"


def test_upload_without_file_or_text_asks_for_one(office_client):
    response = office_client.post("/plans/upload/", {"text": "   "})
    assert response.status_code == 400
    assert "请选择方案文件，或把方案正文粘贴到文本框中" in response.content.decode()


def test_any_correction_input_is_applied_or_refused_in_chinese():
    import re

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from carbonpeak.engine.departments import DepartmentRegistry
    from carbonpeak.engine.plantext import parse_plan
    from carbonpeak.plans.services import apply_review_corrections

    registry = DepartmentRegistry.default()
    keys = st.sampled_from(
        ["lead-1.1", "coop-1.1", "lead-1.2", "coop-9.9", "year-0", "year-2", "year-7", "drop-1"]
    )

    @settings(max_examples=40, deadline=None)
    @given(st.dictionaries(keys, st.text(max_size=30), max_size=6))
    def check(data):
        parsed = parse_plan(PLAN)
        corrected, errors = apply_review_corrections(parsed=parsed, data=data, registry=registry)
        for error in errors:
            assert re.search(r"[\u4e00-\u9fff]", error)
        if not errors:
            assert all(t.year is None or 1990 <= t.year <= 2100 for t in corrected.targets)

    check()
