"""``carbonpeak projects impact`` and ``template``: the numbers, the JSON keys, the errors."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample_data"


def write_projects(
    path: Path, projects: list[list], energy: list[list], parameters: list[list] | None = None
) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "项目"
    ws.append(["项目编号", "项目名称", "建设阶段", "行业代码", "投产年份", "达产进度(%)", "年增加值(万元)"])
    for row in projects:
        ws.append(row)
    ws = wb.create_sheet("能源")
    ws.append(["project_code", "carrier", "quantity", "unit", "use"])  # English aliases work too
    for row in energy:
        ws.append(row)
    if parameters is not None:
        ws = wb.create_sheet("参数")
        ws.append(["参数", "数值", "来源"])
        for row in parameters:
            ws.append(row)
    wb.save(path)
    return path


def write_county(tmp_path: Path) -> dict[str, Path]:
    """Hand case A of tests/engine/test_project_impact.py as accounting files."""
    files = {
        "energy": "year,sector,carrier,quantity,unit\n2020,工业,原煤,100000,吨\n2024,工业,原煤,100000,吨\n",
        "economy": "year,gdp_10k_yuan,gdp_constant_10k_yuan\n2020,1000000,1000000\n2024,1250000,1200000\n"
        "2025,,1260000\n",
        "targets": "indicator,base_year,target_year,decline_pct,cap\nenergy_intensity,2020,2025,14,\n",
    }
    out = {}
    for name, text in files.items():
        p = tmp_path / f"{name.upper()}.csv"
        p.write_text(text, encoding="utf-8")
        out[name] = p
    return out


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("projects", *args, stdout=out)
    return out.getvalue()


def test_impact_json_matches_the_hand_computation(tmp_path):
    # room 2025 = 0.07143 × 0.86 × 1 260 000 − 71 430 = 5 971.548 tce; project 2 000 万kWh at 50 %
    # in 2025 = 1 229 tce → 20.5809 %; with-intensity 72 659 / 1 265 000
    county = write_county(tmp_path)
    book = write_projects(
        tmp_path / "PROJECTS.xlsx",
        [["P1", "电子材料项目", "拟建", "C3985", 2025, "50,100", 10000]],
        [["P1", "电力", 2000, "万千瓦时", "燃料动力"]],
    )
    data = json.loads(
        run(
            "impact",
            "--projects",
            str(book),
            "--energy",
            str(county["energy"]),
            "--economy",
            str(county["economy"]),
            "--targets",
            str(county["targets"]),
            "--json",
        )
    )
    room = data["room"][0]
    assert room["remaining_energy_room_tce"] == pytest.approx(5_971.548, rel=1e-9)
    assert room["share_pct"] == pytest.approx(20.58092809, rel=1e-8)
    y2025 = next(r for r in data["years"] if r["year"] == 2025)
    assert y2025["with"]["energy_intensity_tce_per_10k_yuan"] == pytest.approx(72_659 / 1_265_000, rel=1e-9)
    assert data["reachable"]["2025"] == {"without": True, "with": True}
    project = data["projects"][0]
    assert project["ramp_up_pct"] == [50.0, 100.0]
    assert project["full_production"]["energy_tce"] == pytest.approx(2_458.0, rel=1e-9)
    assert project["review"]["level"] == "local"  # 2 458 tce: ≥ 1 000 and < 10 000
    assert project["two_high"]["is_two_high"] is False
    assert data["baseline_source"].startswith("核算文件：ENERGY.csv")
    # documented top-level keys
    assert set(data) >= {
        "years",
        "targets",
        "room",
        "reachable",
        "projects",
        "totals",
        "notes",
        "assumptions",
        "last_accounted_year",
        "end_year",
    }


def test_sample_workbook_runs_against_the_sample_county():
    data = json.loads(
        run(
            "impact",
            "--projects",
            str(SAMPLES / "projects" / "PROJECTS.xlsx"),
            "--energy",
            str(SAMPLES / "accounting" / "ENERGY.csv"),
            "--economy",
            str(SAMPLES / "accounting" / "ECONOMY.csv"),
            "--targets",
            str(SAMPLES / "projects" / "TARGETS.csv"),
            "--exclusions",
            str(SAMPLES / "accounting" / "EXCLUSIONS.csv"),
            "--json",
        )
    )
    assert data["end_year"] == 2030
    assert [r["year"] for r in data["years"]][-1] == 2030
    assert len(data["projects"]) >= 3
    assert any(p["two_high"]["is_two_high"] for p in data["projects"])
    assert any("示例" in n for n in data["assumptions"].values() if isinstance(n, str))


def test_text_output_is_chinese(tmp_path):
    county = write_county(tmp_path)
    book = write_projects(
        tmp_path / "P.xlsx",
        [["P1", "项目甲", "拟建", "C3011", 2025, 100, 0]],
        [["P1", "原煤", 20000, "吨", ""]],
    )
    text = run(
        "impact",
        "--projects",
        str(book),
        "--energy",
        str(county["energy"]),
        "--economy",
        str(county["economy"]),
        "--targets",
        str(county["targets"]),
    )
    assert "剩余用能空间" in text and "两高" in text and "省级节能审查机关审查" in text


@pytest.mark.parametrize(
    ("projects", "energy", "parameters", "message"),
    [
        (
            [["P1", "甲", "拟建", "C3011", 2025, 100, 0]],
            [["P1", "核能", 1, "吨", ""]],
            None,
            "未知能源品种“核能”",
        ),
        (
            [["P1", "甲", "拟建", "C3011", 2025, 100, 0]],
            [["P1", "原煤", 1, "万千瓦时", ""]],
            None,
            "不能用于",
        ),
        ([["P1", "甲", "规划", "C3011", 2025, 100, 0]], [["P1", "原煤", 1, "吨", ""]], None, "建设阶段"),
        ([["P1", "甲", "拟建", "C3011", 2025, "50,120", 0]], [["P1", "原煤", 1, "吨", ""]], None, "0–100"),
        ([["P1", "甲", "拟建", "X99", 2025, 100, 0]], [["P1", "原煤", 1, "吨", ""]], None, "行业代码"),
        (
            [["P1", "甲", "拟建", "C3011", 2025, 100, 0]],
            [["P2", "原煤", 1, "吨", ""]],
            None,
            "没有能源消费数据",
        ),
        ([["P1", "甲", "拟建", "", 2025, 100, 0]], [["P1", "原煤", -5, "吨", ""]], None, "不能为负数"),
        (
            [["P1", "甲", "拟建", "", 2025, 100, 0]],
            [["P1", "原煤", 1, "吨", ""]],
            [["GDP年均增速(%)", 5, ""]],
            "必须注明来源",
        ),
    ],
)
def test_user_errors_exit_2_in_chinese_and_name_the_place(tmp_path, projects, energy, parameters, message):
    county = write_county(tmp_path)
    book = write_projects(tmp_path / "P.xlsx", projects, energy, parameters)
    with pytest.raises(CommandError, match=message) as info:
        run(
            "impact",
            "--projects",
            str(book),
            "--energy",
            str(county["energy"]),
            "--economy",
            str(county["economy"]),
        )
    assert info.value.returncode == 2


def test_missing_gdp_for_the_plan_years_asks_for_it(tmp_path):
    county = write_county(tmp_path)
    county["economy"].write_text(
        "year,gdp_10k_yuan,gdp_constant_10k_yuan\n2020,1000000,1000000\n2024,1250000,1200000\n",
        encoding="utf-8",
    )
    book = write_projects(
        tmp_path / "P.xlsx", [["P1", "甲", "拟建", "", 2025, 100, 0]], [["P1", "电力", 1, "万千瓦时", ""]]
    )
    with pytest.raises(CommandError, match="GDP 年均增速") as info:
        run(
            "impact",
            "--projects",
            str(book),
            "--energy",
            str(county["energy"]),
            "--economy",
            str(county["economy"]),
            "--targets",
            str(county["targets"]),
        )
    assert info.value.returncode == 2


def test_exit_code_and_stderr_from_the_console(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "carbonpeak.cli",
            "projects",
            "impact",
            "--projects",
            str(tmp_path / "none.xlsx"),
            "--energy",
            "x.csv",
            "--economy",
            "y.csv",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert "文件不存在或无法读取" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_template_round_trip(tmp_path):
    run("template", str(tmp_path / "out"))
    path = tmp_path / "out" / "PROJECTS.xlsx"
    wb = load_workbook(path)
    assert wb.sheetnames == ["项目", "能源", "参数"]
    assert [c.value for c in wb["项目"][1]][:5] == [
        "项目编号",
        "项目名称",
        "建设阶段",
        "行业代码",
        "投产年份",
    ]
    # filling the template gives a workbook the command reads
    wb["项目"].append(["T1", "模板项目", "拟建", "C2614", 2026, "60,100", 5000])
    wb["能源"].append(["T1", "天然气", 100, "万立方米", "原料"])
    wb.save(path)
    from carbonpeak.projects.workbook import read_projects

    book = read_projects(path.read_bytes(), path.name)
    assert book.projects[0].energy[0].use == "feedstock"
    assert book.projects[0].ramp_up_pct == (60.0, 100.0)


def test_sheets_are_found_by_their_headers_when_not_named(tmp_path):
    from carbonpeak.projects.workbook import read_projects

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["code", "name", "production_year", "ramp_up_pct"])
    ws.append(["X1", "项目", 2026, "40，100"])
    ws2 = wb.create_sheet("Sheet2")
    ws2.append(["项目编号", "能源品种", "年消费量", "计量单位", "用途"])
    ws2.append(["X1", "天然气", 10, "万立方米", "原料用能"])
    path = tmp_path / "plain.xlsx"
    wb.save(path)
    book = read_projects(path.read_bytes(), path.name)
    assert book.projects[0].ramp_up_pct == (40.0, 100.0)
    assert book.projects[0].energy[0].use == "feedstock"
    assert not book.has_parameters


def test_unknown_region_code_and_missing_dataset_exit_2(db, tmp_path):
    book = write_projects(
        tmp_path / "P.xlsx", [["P1", "甲", "拟建", "", 2025, 100, 0]], [["P1", "电力", 1, "万千瓦时", ""]]
    )
    with pytest.raises(CommandError, match="行政区划代码“999999”不存在") as info:
        run("impact", "--projects", str(book), "--region", "999999")
    assert info.value.returncode == 2
    with pytest.raises(CommandError, match="还没有核算数据集") as info:
        run("impact", "--projects", str(book), "--region", "430621")
    assert info.value.returncode == 2
    with pytest.raises(CommandError, match="不能同时使用"):
        run(
            "impact", "--projects", str(book), "--region", "430621", "--energy", "E.csv", "--economy", "C.csv"
        )


def test_parameters_sheet_growth_with_percent_sign(tmp_path):
    # GDP 2025 = 1 200 000 × 1.05 = 1 260 000, the same as case A: the room is 5 971.548 tce
    county = write_county(tmp_path)
    county["economy"].write_text(
        "year,gdp_10k_yuan,gdp_constant_10k_yuan\n2020,1000000,1000000\n2024,1250000,1200000\n",
        encoding="utf-8",
    )
    book = write_projects(
        tmp_path / "P.xlsx",
        [["P1", "电子材料项目", "拟建", "C3985", 2025, "50%,100%", 10000]],
        [["P1", "电力", 2000, "万千瓦时", "燃料动力"]],
        [["GDP年均增速(%)", "5%", "示例：县政府工作报告"], ["end_year", 2026, "示例"]],
    )
    data = json.loads(
        run(
            "impact",
            "--projects",
            str(book),
            "--energy",
            str(county["energy"]),
            "--economy",
            str(county["economy"]),
            "--targets",
            str(county["targets"]),
            "--json",
        )
    )
    assert data["room"][0]["remaining_energy_room_tce"] == pytest.approx(5_971.548, rel=1e-9)
    assert data["end_year"] == 2026 and data["assumptions"]["gdp_growth_pct"] == 5.0
    y2026 = data["years"][-1]
    # 2026: GDP 1 260 000 × 1.05 = 1 323 000 (+ 10 000 value added at 100 %); energy + 2 458 tce
    assert y2026["with"]["gdp_constant_10k_yuan"] == pytest.approx(1_333_000, rel=1e-9)
    assert y2026["delta"]["energy_tce"] == pytest.approx(2_458, rel=1e-9)
