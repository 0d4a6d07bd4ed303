"""``carbonpeak sinks compute``: exact numbers, encodings, and refusal (exit 2) of bad input."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from numpy.testing import assert_allclose
from openpyxl import Workbook

INVENTORY = (
    "year,species_group,area_hm2,volume_m3\n"
    "2015,杉木,1000,50000\n"
    "2015,马尾松,500,20000\n"
    "2020,杉木,1000,60000\n"
    "2020,马尾松,500,22000\n"
)
# Made-up test inputs for arithmetic, not published species values.
PARAMETERS = (
    "species_group,wood_density,bef,root_shoot_ratio,carbon_fraction,source\n"
    "杉木,0.3,1.5,0.2,0.5,测试输入\n"
    "马尾松,0.4,1.4,0.25,0.47,测试输入\n"
)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("sinks", *args, stdout=out)
    return out.getvalue()


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def compute_json(tmp_path: Path, inventory: str = INVENTORY, parameters: str = PARAMETERS, **kw: str) -> dict:
    enc = kw.get("encoding", "utf-8")
    out = run(
        "compute",
        "--inventory",
        write(tmp_path, "INVENTORY.csv", inventory, enc),
        "--parameters",
        write(tmp_path, "PARAMETERS.csv", parameters, enc),
        "--json",
    )
    return json.loads(out)


def test_json_numbers_match_hand_computation(tmp_path):
    data = compute_json(tmp_path)
    y2015, y2020 = data["years"]
    assert y2015["year"] == 2015
    # 杉木 2015: 50000 × 0.3 × 1.5 × 1.2 × 0.5 = 13500 tC; 马尾松: 20000 × 0.4 × 1.4 × 1.25 × 0.47 = 6580 tC
    assert [s["species_group"] for s in y2015["by_species"]] == ["杉木", "马尾松"]
    assert_allclose([s["carbon_stock_tc"] for s in y2015["by_species"]], [13500.0, 6580.0], rtol=1e-12)
    assert_allclose(y2015["by_species"][0]["co2_stock_t"], 49500.0, rtol=1e-12)
    assert_allclose(y2015["carbon_stock_tc"], 20080.0, rtol=1e-12)
    assert_allclose(y2015["co2_stock_t"], 20080.0 * 44 / 12, rtol=1e-12)
    # 2020: 16200 + 7238 = 23438 tC
    assert_allclose(y2020["carbon_stock_tc"], 23438.0, rtol=1e-12)
    (sink,) = data["annual_sink"]
    assert (sink["from_year"], sink["to_year"]) == (2015, 2020)
    assert_allclose(sink["co2_t_per_year"], (23438.0 - 20080.0) * 44 / 12 / 5, rtol=1e-12)


def test_years_sorted_and_consecutive_pairs(tmp_path):
    inv = INVENTORY + "2010,杉木,900,40000\n2010,马尾松,480,18000\n"
    data = compute_json(tmp_path, inventory=inv)
    assert [y["year"] for y in data["years"]] == [2010, 2015, 2020]
    assert [(s["from_year"], s["to_year"]) for s in data["annual_sink"]] == [(2010, 2015), (2015, 2020)]


def test_a_shrinking_stock_is_a_negative_sink(tmp_path):
    inv = "year,species_group,area_hm2,volume_m3\n2018,杉木,10,1000\n2020,杉木,10,800\n"
    data = compute_json(tmp_path, inventory=inv)
    # (800 − 1000) × 0.3 × 1.5 × 1.2 × 0.5 = −54 tC; × 44/12 = −198 t CO2; / 2 a = −99
    assert_allclose(data["annual_sink"][0]["co2_t_per_year"], -99.0, rtol=1e-12)


def test_gb18030_and_chinese_headers(tmp_path):
    inv = "年份,树种组,面积（hm2）,蓄积量（m3）\n2015,杉木,1000,50000\n"
    par = "树种组,基本木材密度,生物量扩展因子,根茎比,含碳率,来源\n杉木,0.3,1.5,0.2,0.5,测试输入\n"
    data = compute_json(tmp_path, inventory=inv, parameters=par, encoding="gb18030")
    assert_allclose(data["years"][0]["carbon_stock_tc"], 13500.0, rtol=1e-12)
    assert data["years"][0]["by_species"][0]["species_group"] == "杉木"


def test_excel_inventory(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["year", "species_group", "area_hm2", "volume_m3"])
    ws.append([2015, "杉木", 1000, 50000])
    path = tmp_path / "INVENTORY.xlsx"
    wb.save(path)
    out = run(
        "compute", "--inventory", str(path), "--parameters", write(tmp_path, "P.csv", PARAMETERS), "--json"
    )
    assert_allclose(json.loads(out)["years"][0]["carbon_stock_tc"], 13500.0, rtol=1e-12)


def test_species_without_parameters_is_exit_2_naming_group(tmp_path):
    inv = INVENTORY + "2020,硬阔类,100,3000\n"
    with pytest.raises(CommandError) as info:
        compute_json(tmp_path, inventory=inv)
    assert info.value.returncode == 2
    assert "硬阔类" in str(info.value)


def test_blank_parameter_is_exit_2_naming_group(tmp_path):
    par = PARAMETERS.replace("马尾松,0.4,1.4,0.25", "马尾松,0.4,,0.25")
    with pytest.raises(CommandError) as info:
        compute_json(tmp_path, parameters=par)
    assert info.value.returncode == 2
    assert "马尾松" in str(info.value) and "生物量扩展因子" in str(info.value)


@pytest.mark.parametrize(
    ("inventory", "parameters", "expected"),
    [
        ("year,species_group,area_hm2\n2020,杉木,1\n", PARAMETERS, "缺少列“volume_m3”"),
        (
            "year,species_group,area_hm2,volume_m3\n2020,杉木,1,-5\n",
            PARAMETERS,
            "第 2 行“volume_m3”列：蓄积量不能为负数",
        ),
        ("year,species_group,area_hm2,volume_m3\n二〇,杉木,1,5\n", PARAMETERS, "第 2 行“year”列"),
        ("year,species_group,area_hm2,volume_m3\n2020,杉木,abc,5\n", PARAMETERS, "“abc”不是数字"),
        (INVENTORY, PARAMETERS.replace("0.47", "47"), "第 3 行“carbon_fraction”列"),
        (INVENTORY, PARAMETERS.replace("测试输入\n马尾松", "\n马尾松"), "没有注明来源"),
        (INVENTORY + "2020,杉木,1,1\n", PARAMETERS, "第 6 行：2020 年树种组“杉木”重复"),
        ("year,species_group,area_hm2,volume_m3\n", PARAMETERS, "没有数据行"),
    ],
)
def test_bad_input_exits_2_with_chinese_message(tmp_path, inventory, parameters, expected):
    with pytest.raises(CommandError) as info:
        compute_json(tmp_path, inventory=inventory, parameters=parameters)
    assert info.value.returncode == 2
    assert expected in str(info.value)


def test_missing_file_exits_2(tmp_path):
    with pytest.raises(CommandError) as info:
        run("compute", "--inventory", str(tmp_path / "无.csv"), "--parameters", str(tmp_path / "P.csv"))
    assert info.value.returncode == 2
    assert "无.csv" in str(info.value)


def test_real_process_exit_code_and_stderr(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "carbonpeak.site.settings",
        "CARBONPEAK_DATA_DIR": str(tmp_path),
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "carbonpeak.cli",
            "sinks",
            "compute",
            "--inventory",
            write(tmp_path, "I.csv", INVENTORY + "2020,竹林,100,\n"),
            "--parameters",
            write(tmp_path, "P.csv", PARAMETERS),
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "竹林" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_text_output_and_template(tmp_path):
    out = run(
        "compute",
        "--inventory",
        write(tmp_path, "I.csv", INVENTORY),
        "--parameters",
        write(tmp_path, "P.csv", PARAMETERS),
    )
    assert "2015—2020：2,462.53 t CO2/年" in out  # (23438 − 20080) × 44/12 / 5
    assert "杉木：碳储量 13,500.00 tC" in out
    run("template", "--out", str(tmp_path / "tpl"))
    header = (tmp_path / "tpl" / "INVENTORY.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "year,species_group,area_hm2,volume_m3"
    # the blank template is a valid input file: it is refused only for having no rows
    with pytest.raises(CommandError, match="没有数据行"):
        run(
            "compute",
            "--inventory",
            str(tmp_path / "tpl" / "INVENTORY.csv"),
            "--parameters",
            str(tmp_path / "tpl" / "PARAMETERS.csv"),
        )


@pytest.mark.django_db
def test_import_into_the_platform_and_refusal(tmp_path):
    from carbonpeak.sinks.models import ForestInventory

    out = run("import", "--inventory", write(tmp_path, "清单.csv", INVENTORY), "--region", "430621")
    assert "已导入岳阳县森林资源清单：4 行，年份 2015、2020" in out
    assert ForestInventory.objects.count() == 4
    bad = INVENTORY + "2020,柏木,-1,1\n"
    with pytest.raises(CommandError) as info:
        run("import", "--inventory", write(tmp_path, "坏.csv", bad))
    assert info.value.returncode == 2 and "第6行「面积」：不能为负数" in str(info.value)
    assert ForestInventory.objects.count() == 4
    with pytest.raises(CommandError) as info:
        run("import", "--inventory", write(tmp_path, "清单.csv", INVENTORY), "--region", "999999")
    assert info.value.returncode == 2
