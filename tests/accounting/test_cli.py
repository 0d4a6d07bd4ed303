"""``carbonpeak accounting …``: the template files work, every bad input exits 2 with a Chinese message."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data" / "accounting"

ENERGY_OK = "year,sector,carrier,quantity,unit\n2020,工业,原煤,1000,吨\n2021,工业,原煤,900,吨\n"
ECONOMY_OK = (
    "year,gdp_10k_yuan,gdp_constant_10k_yuan,population\n2020,100000,100000,5000\n2021,110000,105000,5000\n"
)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("accounting", *args, stdout=out)
    return out.getvalue()


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_compute_json_on_the_sample_files():
    out = run(
        "compute",
        "--energy", str(SAMPLE / "ENERGY.csv"),
        "--economy", str(SAMPLE / "ECONOMY.csv"),
        "--targets", str(SAMPLE / "TARGETS.csv"),
        "--region", "湖南省",
        "--base-year", "2020",
        "--json",
    )  # fmt: skip
    data = json.loads(out)
    assert sorted(data["years"]) == ["2020", "2021", "2022", "2023", "2024"]
    assert data["factor_set"]["name"]
    assert {w["indicator"] for w in data["warnings"]} == {"energy_intensity", "co2_intensity", "energy_total"}
    assert {w["level"] for w in data["warnings"]} <= {"red", "yellow", "green"}
    assert set(data["declines"]) == {"2021", "2022", "2023", "2024"}
    assert any("原煤" in a for a in data["assumptions"])


def test_compute_small_case_by_hand(tmp_path):
    out = run(
        "compute",
        "--energy", write(tmp_path, "E.csv", ENERGY_OK),
        "--economy", write(tmp_path, "G.csv", ECONOMY_OK),
        "--json",
    )  # fmt: skip
    data = json.loads(out)
    # 1000 t 原煤 = 714.3 tce; intensity 714.3 / 100 000 = 0.007143
    assert data["years"]["2020"]["energy_tce"] == pytest.approx(714.3)
    assert data["years"]["2020"]["energy_intensity_tce_per_10k_yuan"] == pytest.approx(0.007143)
    # 2021: 642.87 / 105 000; annual decline = 1 − (642.87/105000)/(714.3/100000)
    assert data["declines"]["2021"]["energy_intensity_annual_pct"] == pytest.approx(
        (1 - (642.87 / 105000) / (714.3 / 100000)) * 100
    )
    assert data["warnings"] == []


def test_user_factors_are_used_and_recorded(tmp_path):
    factors = write(tmp_path, "F.csv", "carrier,year,co2_factor,unit,source\n原煤,,2.0,tCO2/t,县热电厂化验\n")
    data = json.loads(
        run(
            "compute",
            "--energy",
            write(tmp_path, "E.csv", ENERGY_OK),
            "--economy",
            write(tmp_path, "G.csv", ECONOMY_OK),
            "--factors",
            factors,
            "--json",
            "--trace",
        )
    )
    assert data["years"]["2020"]["co2_t"] == pytest.approx(2000.0)
    assert "用户因子" in data["factor_set"]["name"]
    assert data["activities"][0]["trace"]["co2_factor"]["source"] == "县热电厂化验"
    assert not any("原煤排放因子为假设值" in a for a in data["assumptions"])


def test_excel_and_gbk_inputs(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["year", "sector", "carrier", "quantity", "unit"])
    ws.append([2020, "工业", "天然气", 10, "万立方米"])
    path = tmp_path / "E.xlsx"
    wb.save(path)
    data = json.loads(
        run(
            "compute",
            "--energy",
            str(path),
            "--economy",
            write(tmp_path, "G.csv", ECONOMY_OK, "gbk"),
            "--json",
        )
    )
    assert data["years"]["2020"]["energy_tce"] == pytest.approx(133.0)


def test_human_readable_output(tmp_path):
    out = run(
        "compute",
        "--energy",
        write(tmp_path, "E.csv", ENERGY_OK),
        "--economy",
        write(tmp_path, "G.csv", ECONOMY_OK),
    )
    assert "因子集" in out and "714.30" in out


@pytest.mark.parametrize(
    ("energy", "economy", "message"),
    [
        (
            "year,sector,carrier,quantity,unit\n2020,工业,可燃冰,1,吨\n",
            ECONOMY_OK,
            "E.csv 第 2 行“carrier”列：未知能源品种“可燃冰”",
        ),
        (
            "year,sector,carrier,quantity,unit\n2020,工业,原煤,1,桶\n",
            ECONOMY_OK,
            "E.csv 第 2 行“unit”列：未知计量单位“桶”",
        ),
        (
            "year,sector,carrier,quantity,unit\n2020,工业,原煤,1,万千瓦时\n",
            ECONOMY_OK,
            "E.csv 第 2 行“unit”列：单位“万千瓦时”不能用于能源品种“原煤”",
        ),
        (
            "year,sector,carrier,quantity,unit\n2020,工业,原煤,10,吨\n2020,工业,原煤,-5,吨\n",
            ECONOMY_OK,
            "E.csv 第 3 行“quantity”列：数量不能为负数",
        ),
        (
            "year,sector,carrier,quantity,unit\n2020,工业,原煤,1O0,吨\n",
            ECONOMY_OK,
            "E.csv 第 2 行“quantity”列：“1O0”不是数字",
        ),
        (
            "year,sector,carrier,quantity,unit\n2020,工业,原煤,,吨\n",
            ECONOMY_OK,
            "E.csv 第 2 行“quantity”列：不能为空",
        ),
        ("year,sector,carrier,quantity,unit\n二〇二〇,工业,原煤,1,吨\n", ECONOMY_OK, "E.csv 第 2 行“year”列"),
        (
            "year,sector,carrier,quantity\n2020,工业,原煤,1\n",
            ECONOMY_OK,
            "E.csv 第 1 行（表头）：缺少列“unit”",
        ),
        (
            "year,sector,carrier,quantity,unit\n2023,工业,原煤,1,吨\n",
            ECONOMY_OK,
            "E.csv 第 2 行“year”列：2023年在 G.csv 中没有地区生产总值",
        ),
        ("year,sector,carrier,quantity,unit\n2020,工业,洗精煤,1,吨\n", ECONOMY_OK, "洗精煤"),
        ("", ECONOMY_OK, "E.csv：文件为空"),
        ("year,sector,carrier,quantity,unit\n", ECONOMY_OK, "E.csv：没有数据行"),
        (
            ENERGY_OK,
            "year,gdp_10k_yuan,gdp_constant_10k_yuan,population\n2020,1,1,1\n2021,1,,1\n",
            "G.csv 第 3 行“gdp_constant_10k_yuan”列",
        ),
        (
            ENERGY_OK,
            "year,gdp_10k_yuan,gdp_constant_10k_yuan,population\n2020,1,1,1\n2021,1,abc,1\n",
            "G.csv 第 3 行“gdp_constant_10k_yuan”列：“abc”不是数字",
        ),
        (
            ENERGY_OK,
            "year,gdp_10k_yuan,gdp_constant_10k_yuan,population\n2020,1,1,1\n2020,1,1,1\n",
            "G.csv 第 3 行“year”列：2020年重复出现",
        ),
        (
            ENERGY_OK,
            "year,gdp_10k_yuan,population\n2020,1,1\n",
            "G.csv 第 1 行（表头）：缺少列“gdp_constant_10k_yuan”",
        ),
    ],
)
def test_bad_input_exits_2_with_message(tmp_path, energy, economy, message):
    with pytest.raises(CommandError) as info:
        run(
            "compute",
            "--energy",
            write(tmp_path, "E.csv", energy),
            "--economy",
            write(tmp_path, "G.csv", economy),
            "--json",
        )
    assert info.value.returncode == 2
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("option", "name", "text", "message"),
    [
        (
            "--factors",
            "F.csv",
            "carrier,year,co2_factor,unit,source\n原煤,,2,tCO2/万立方米,x\n",
            "F.csv 第 2 行“unit”列",
        ),
        (
            "--factors",
            "F.csv",
            "carrier,year,co2_factor,unit,source\n原煤,,-2,tCO2/t,x\n",
            "F.csv 第 2 行“co2_factor”列",
        ),
        ("--factors", "F.csv", "carrier,year,unit,source\n原煤,,tCO2/t,x\n", "缺少列“co2_factor”"),
        (
            "--targets",
            "T.csv",
            "indicator,base_year,target_year,decline_pct\ngdp_growth,2020,2025,14\n",
            "T.csv 第 2 行“indicator”列：未知指标",
        ),
        (
            "--targets",
            "T.csv",
            "indicator,base_year,target_year,decline_pct\nenergy_intensity,2025,2020,14\n",
            "T.csv 第 2 行“target_year”列",
        ),
        (
            "--targets",
            "T.csv",
            "indicator,base_year,target_year,decline_pct\nenergy_intensity,2020,2025,140\n",
            "T.csv 第 2 行“decline_pct”列",
        ),
        (
            "--targets",
            "T.csv",
            "indicator,base_year,target_year,decline_pct\nenergy_total,2020,2025,\n",
            "“cap”列",
        ),
        (
            "--exclusions",
            "X.csv",
            "year,category,carrier,quantity,unit\n2021,风电,电力,1,万千瓦时\n",
            "X.csv 第 2 行“category”列",
        ),
        (
            "--exclusions",
            "X.csv",
            "year,category,carrier,quantity,unit\n2021,原料用能,原煤,-1,吨\n",
            "X.csv 第 2 行“quantity”列",
        ),
    ],
)
def test_bad_optional_files_exit_2(tmp_path, option, name, text, message):
    with pytest.raises(CommandError) as info:
        run(
            "compute",
            "--energy", write(tmp_path, "E.csv", ENERGY_OK),
            "--economy", write(tmp_path, "G.csv", ECONOMY_OK),
            option, write(tmp_path, name, text),
        )  # fmt: skip
    assert info.value.returncode == 2
    assert message in str(info.value)


def test_missing_file_broken_excel_and_unknown_region(tmp_path):
    with pytest.raises(CommandError, match="文件不存在") as info:
        run(
            "compute",
            "--energy",
            str(tmp_path / "nope.csv"),
            "--economy",
            write(tmp_path, "G.csv", ECONOMY_OK),
        )
    assert info.value.returncode == 2
    broken = tmp_path / "E.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(CommandError, match="不是有效的 Excel") as info:
        run("compute", "--energy", str(broken), "--economy", write(tmp_path, "G.csv", ECONOMY_OK))
    assert info.value.returncode == 2
    with pytest.raises(CommandError, match="没有已发布的电网平均二氧化碳排放因子") as info:
        run(
            "compute",
            "--energy",
            write(tmp_path, "E.csv", ENERGY_OK),
            "--economy",
            write(tmp_path, "G.csv", ECONOMY_OK),
            "--region",
            "火星",
        )
    assert info.value.returncode == 2


def test_real_process_exit_code_and_stderr(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "carbonpeak.site.settings",
        "CARBONPEAK_DATA_DIR": str(tmp_path),
    }
    bad = write(tmp_path, "E.csv", "year,sector,carrier,quantity,unit\n2020,工业,原煤,-1,吨\n")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "carbonpeak.cli",
            "accounting",
            "compute",
            "--energy",
            bad,
            "--economy",
            write(tmp_path, "G.csv", ECONOMY_OK),
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "E.csv 第 2 行“quantity”列：数量不能为负数" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_template_command_writes_csv_and_xlsx(tmp_path):
    run("template", "--out", str(tmp_path / "tpl"))
    names = sorted(p.name for p in (tmp_path / "tpl").iterdir())
    assert "ENERGY.csv" in names and "ENERGY.xlsx" in names and "TARGETS.xlsx" in names
    # a blank template is recognised (header + comments) but has no data rows
    with pytest.raises(CommandError, match="没有数据行"):
        run(
            "compute",
            "--energy",
            str(tmp_path / "tpl" / "ENERGY.xlsx"),
            "--economy",
            write(tmp_path, "G.csv", ECONOMY_OK),
        )


@pytest.mark.django_db
def test_import_writes_everything_or_nothing(tmp_path):
    from carbonpeak.accounting.models import Dataset, EnergyRecord
    from carbonpeak.core.models import AuditEntry

    bad = write(tmp_path, "E.csv", ENERGY_OK + "2021,工业,原煤,-1,吨\n")
    with pytest.raises(CommandError) as info:
        run("import", "--energy", bad, "--economy", write(tmp_path, "G.csv", ECONOMY_OK), "--name", "坏数据")
    assert info.value.returncode == 2
    assert (
        Dataset.objects.count() == 0 and EnergyRecord.objects.count() == 0 and AuditEntry.objects.count() == 0
    )
    out = run(
        "import",
        "--energy",
        write(tmp_path, "E.csv", ENERGY_OK),
        "--economy",
        write(tmp_path, "G.csv", ECONOMY_OK),
        "--name",
        "县统计",
    )
    assert "已导入" in out
    ds = Dataset.objects.get()
    assert ds.name == "县统计" and ds.energy_records.count() == 2
    assert AuditEntry.objects.filter(object_type="accounting.Dataset", action="create").count() == 1
