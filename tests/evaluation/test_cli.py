"""``carbonpeak enterprises …``: numbers of hand-computed cases, JSON shape, exit code 2 on bad input."""

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

HEADER = "uscc,name,industry_code,year,co2_t,value_added_10k_yuan\n"
# C26 2023: L = 0.6, 1.0, 1.8; mean 1320/1000 = 1.32. C30: two enterprises only. Z: negative value added.
DATA = HEADER + (
    "A,甲,C2614,2023,120,200\n"
    "B,乙,2619,2023,300,300\n"
    "C,丙,C26,2023,900,500\n"
    "D,丁,C3011,2023,500,100\n"
    "E,戊,3021,2023,100,100\n"
    "Z,己,C2614,2023,100,-5\n"
)


def write(tmp_path: Path, text: str, name: str = "DATA.csv", encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("enterprises", *args, stdout=out)
    return out.getvalue()


def test_json_numbers_and_shape(tmp_path):
    payload = json.loads(run("carbon-efficiency", "--data", write(tmp_path, DATA), "--json"))
    rows = {e["uscc"]: e for e in payload["enterprises"]}
    assert list(rows) == ["A", "B", "C", "D", "E", "Z"]
    for key in (
        "uscc",
        "year",
        "industry_code",
        "intensity_t_per_10k_yuan",
        "industry_mean_t_per_10k_yuan",
        "k",
        "grade",
        "level",
    ):
        assert key in rows["A"]
    assert_allclose([rows[u]["intensity_t_per_10k_yuan"] for u in "ABC"], [0.6, 1.0, 1.8], rtol=1e-10)
    assert_allclose([rows[u]["industry_mean_t_per_10k_yuan"] for u in "ABC"], [1.32] * 3, rtol=1e-10)
    assert_allclose([rows[u]["k"] for u in "ABC"], [0.6 / 1.32, 1 / 1.32, 1.8 / 1.32], rtol=1e-10)
    assert [rows[u]["grade"] for u in "ABC"] == [1, 2, 4]
    assert [rows[u]["level"] for u in "ABC"] == ["低碳", "中碳", "中碳"]
    assert rows["A"]["industry_code"] == "C2614" and rows["A"]["year"] == 2023
    for u in "DE":
        assert rows[u]["grade"] is None and rows[u]["k"] is None and "少于 3 家" in rows[u]["reason"]
    assert rows["D"]["level"] == "高碳"
    assert rows["Z"]["grade"] is None and rows["Z"]["intensity_t_per_10k_yuan"] is None
    assert "零或负数" in rows["Z"]["reason"]
    assert "reason" not in rows["A"]
    assert payload["preset"]["grade_upper_k"] == [0.6, 0.8, 1.2, 2.0]


def test_text_output_is_chinese(tmp_path):
    out = run("carbon-efficiency", "--data", write(tmp_path, DATA))
    assert "碳效值K" in out and "不评" in out and "示例" not in out


def test_custom_bands(tmp_path):
    payload = json.loads(
        run(
            "carbon-efficiency",
            "--data",
            write(tmp_path, DATA),
            "--json",
            "--grade-bands",
            "0.3,0.5,0.9,1.5",
            "--min-enterprises",
            "2",
            "--bands-source",
            "某县文件",
        )
    )
    rows = {e["uscc"]: e for e in payload["enterprises"]}
    assert [rows[u]["grade"] for u in "ABC"] == [2, 3, 4]  # K 0.4545, 0.7576, 1.3636
    assert rows["D"]["grade"] is not None  # two enterprises now form a mean
    assert payload["preset"]["sources"]["grade_upper_k"]["source"] == "某县文件"


def test_gbk_csv_and_excel(tmp_path):
    gbk = write(tmp_path, DATA, "gbk.csv", encoding="gbk")
    assert json.loads(run("carbon-efficiency", "--data", gbk, "--json"))["enterprises"][0]["grade"] == 1
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for line in DATA.strip().splitlines():
        ws.append([int(c) if c.lstrip("-").isdigit() and len(c) < 6 else c for c in line.split(",")])
    path = tmp_path / "data.xlsx"
    wb.save(path)
    rows = json.loads(run("carbon-efficiency", "--data", str(path), "--json"))["enterprises"]
    assert rows[0]["grade"] == 1 and rows[0]["year"] == 2023


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (HEADER.replace(",value_added_10k_yuan", "") + "A,甲,C26,2023,1\n", "缺少列"),
        (HEADER + "A,甲,C26,2023,abc,1\n", "第 2 行“co2_t”列"),
        (HEADER + "A,甲,C26,2023,,1\n", "不能为空"),
        (HEADER + "A,甲,X99,2023,1,1\n", "行业代码"),
        (HEADER + "A,甲,C26,2023,-1,1\n", "不能为负数"),
        (HEADER + "A,甲,C26,2023,1,1\nA,甲,C26,2023,1,1\n", "重复"),
        (HEADER, "没有数据行"),
        (HEADER + "A,甲,C26,二〇二三,1,1\n", "year"),
    ],
)
def test_bad_input_is_a_chinese_error_with_exit_2(tmp_path, text, needle):
    with pytest.raises(CommandError) as info:
        run("carbon-efficiency", "--data", write(tmp_path, text), "--json")
    assert info.value.returncode == 2
    assert needle in str(info.value)


def test_missing_file_and_bad_bands(tmp_path):
    with pytest.raises(CommandError) as info:
        run("carbon-efficiency", "--data", str(tmp_path / "none.csv"))
    assert info.value.returncode == 2 and "不存在" in str(info.value)
    with pytest.raises(CommandError) as info:
        run("carbon-efficiency", "--data", write(tmp_path, DATA), "--grade-bands", "0.8,0.6,1.2,2")
    assert info.value.returncode == 2 and "递增" in str(info.value)


def test_console_command_exits_2_without_traceback(tmp_path):
    bad = write(tmp_path, HEADER + "A,甲,C26,2023,abc,1\n")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "carbonpeak.site.settings"}
    proc = subprocess.run(
        [sys.executable, "-m", "carbonpeak.cli", "enterprises", "carbon-efficiency", "--data", bad, "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "不是数字" in proc.stderr
    good = subprocess.run(
        [
            sys.executable,
            "-m",
            "carbonpeak.cli",
            "enterprises",
            "carbon-efficiency",
            "--data",
            write(tmp_path, DATA),
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert good.returncode == 0 and json.loads(good.stdout)["enterprises"][0]["grade"] == 1


MU = (
    "uscc,name,year,park,land_area_mu,tax_10k_yuan,value_added_10k_yuan,energy_tce_equal_value,pollutant_t,"
    "employees,rd_10k_yuan,revenue_10k_yuan,co2_t,exemption\n"
    "A,甲,2022,一园,100,2409.7,13616,5054,2.762,750,604,20000,12000,\n"
    "B,乙,2022,一园,50,500,3000,2000,,200,100,10000,6000,\n"
    "C,丙,2022,二园,80,200,2000,3000,1,100,10,8000,9000,\n"
    "D,丁,2022,二园,40,100,500,800,0.5,50,5,2000,1000,新建\n"
)


def test_mu_evaluation_cli(tmp_path):
    payload = json.loads(run("mu-evaluation", "--data", write(tmp_path, MU, "MU.csv"), "--json"))
    rows = {e["uscc"]: e for e in payload["enterprises"]}
    assert rows["D"]["class"] is None and "不定等级" in rows["D"]["reason"]
    assert [rows[u]["rank"] for u in "ABC"] == [1, 2, 3]
    assert [rows[u]["class"] for u in "ABC"] == ["B", "B", "D"]  # 33 %, 67 %, 100 % of three ranked
    parks = {p["park"]: p for p in payload["parks"]}
    assert_allclose(parks["一园"]["co2_per_mu_t"], 18000 / 150)
    assert payload["preset"]["code"] == "HUANGYAN_2022"
    text = run("mu-evaluation", "--data", write(tmp_path, MU, "MU.csv"))
    assert "亩均碳排放" in text
