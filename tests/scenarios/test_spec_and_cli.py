"""Scenario files: the samples run, mistakes are named in Chinese, the CLI prints the summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from carbonpeak.scenarios import spec

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data" / "scenarios"


def _data(name="policy"):
    return spec.load_toml(SAMPLES / f"{name}.toml")


@pytest.mark.parametrize("name", ["baseline", "policy", "enhanced"])
def test_sample_scenarios_run_and_say_they_are_illustrative(name):
    data = _data(name)
    result = spec.run_scenario(data, draws=200)
    assert result["illustrative"] is True
    assert set(result["path"]) == {str(y) for y in range(2020, 2061)}
    assert result["peak_co2_t"] == max(result["path"].values())
    assert "示例" in data["base"]["population"]["source"]


def test_samples_tell_apart_baseline_and_policy():
    base = spec.run_scenario(_data("baseline"), draws=300)
    policy = spec.run_scenario(_data("policy"), draws=300)
    assert policy["path"]["2030"] < base["path"]["2030"]
    assert policy["peak_year"] <= base["peak_year"]
    assert policy["montecarlo"]["p_peak_by_2030"] >= base["montecarlo"]["p_peak_by_2030"]


def test_history_sample_parses():
    years, meta = spec.parse_history(spec.load_toml(SAMPLES / "history.toml"))
    assert len(years) >= 8 and meta["illustrative"] is True
    assert years[0].co2_t > 0


@pytest.mark.parametrize(
    ("mutate", "key"),
    [
        (lambda d: d["assumptions"]["gdp_growth"].pop("source"), "assumptions.gdp_growth.source"),
        (lambda d: d["sectors"][1]["intensity_decline"].update(value={"2021-2030": 0.03}), "2031–2060"),
        (lambda d: d["base"].pop("population"), "base.population"),
        (lambda d: d["scenario"].update(kind="乐观"), "scenario.kind"),
        (lambda d: d["sectors"][0]["electricity_share"].update(value={"2020": 1.5}), "electricity_share"),
        (
            lambda d: d["montecarlo"]["parameters"]["gdp_growth"].update(dist="beta"),
            "montecarlo.parameters.gdp_growth",
        ),
        (lambda d: d["measures"][0]["parameters"].pop("utilisation_hours"), "utilisation_hours"),
        (lambda d: d["assumptions"]["gdp_growth"].update(value={"2021-2060": "六"}), "gdp_growth"),
    ],
)
def test_mistakes_name_the_key(mutate, key):
    data = _data()
    mutate(data)
    with pytest.raises(spec.SpecError) as exc:
        spec.parse_scenario(data)
    assert key in str(exc.value)


def test_cli_json(capsys, tmp_path):
    call_command("scenario", "run", str(SAMPLES / "policy.toml"), "--json", "--draws", "400", "--seed", "7")
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {
        "scenario",
        "path",
        "peak_year",
        "peak_co2_t",
        "peaks_by_2030",
        "intensity_declines",
        "montecarlo",
    }
    assert out["montecarlo"]["draws"] == 400 and out["montecarlo"]["seed"] == 7
    assert 0 <= out["montecarlo"]["p_peak_by_2030"] <= 1
    assert set(out["montecarlo"]["fan"]["2030"]) == {"p5", "p50", "p95"}
    # reproducible
    call_command("scenario", "run", str(SAMPLES / "policy.toml"), "--json", "--draws", "400", "--seed", "7")
    again = json.loads(capsys.readouterr().out)
    assert again["montecarlo"] == out["montecarlo"]


def test_cli_text(capsys):
    call_command("scenario", "run", str(SAMPLES / "baseline.toml"), "--draws", "100")
    out = capsys.readouterr().out
    assert "达峰" in out and "示例数据" in out


def test_cli_bad_file_exits_2_with_the_key(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[scenario]\nname = "x"\nkind = "基准"\n[base]\npopulation = { value = 1 }\n', encoding="utf-8"
    )
    with pytest.raises(CommandError) as exc:
        call_command("scenario", "run", str(bad), "--json")
    assert exc.value.returncode == 2
    assert "base.population.source" in str(exc.value)
    broken = tmp_path / "broken.toml"
    broken.write_text("a = [", encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("scenario", "run", str(broken))
    assert exc.value.returncode == 2 and "TOML" in str(exc.value)
    with pytest.raises(CommandError) as exc:
        call_command("scenario", "run", str(tmp_path / "missing.toml"))
    assert exc.value.returncode == 2


def test_unknown_history_source_is_named():
    data = _data()
    data["scenario"]["history"] = "somewhere.toml"
    with pytest.raises(spec.SpecError, match="scenario.history"):
        spec.parse_scenario(data)


def test_sample_grid_factor_follows_the_packaged_hunan_series():
    import csv
    from importlib import resources

    with (
        resources.files("carbonpeak.engine")
        .joinpath("reference/grid_emission_factors.csv")
        .open(encoding="utf-8") as f
    ):
        rows = [
            r
            for r in csv.DictReader(line for line in f if not line.startswith("#"))
            if r["region_en"] == "Hunan" and r["basis"] == "average" and r["scope"] == "provincial"
        ]
    published = {int(r["data_year"]): float(r["factor_tco2_per_mwh"]) for r in rows}
    result = spec.run_scenario(_data("baseline"), draws=0)
    path = {int(y): v for y, v in result["grid_factor_path"].items()}
    # 2020 has no published value: the nearest published year (2021) is used (DEFAULTS.md §3)
    assert path[2020] == published[min(published)]
    for year, value in published.items():
        assert path[year] == pytest.approx(value, abs=5e-4), year
