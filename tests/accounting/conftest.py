from __future__ import annotations

import pytest

from carbonpeak.accounting import services

ENERGY = (
    "year,sector,carrier,quantity,unit\n"
    "2020,工业,原煤,10000,吨\n2020,居民生活,电力,1000,万千瓦时\n"
    "2021,工业,原煤,9800,吨\n2021,居民生活,电力,1100,万千瓦时\n"
)
ECONOMY = (
    "year,gdp_10k_yuan,gdp_constant_10k_yuan,population\n2020,100000,100000,5000\n2021,110000,105000,5000\n"
)
TARGETS = (
    "indicator,base_year,target_year,decline_pct\nenergy_intensity,2020,2025,14\nco2_intensity,2020,2025,18\n"
)


def files(**overrides: str) -> dict[str, services.UploadedFile]:
    texts = {"energy": ENERGY, "economy": ECONOMY, "targets": TARGETS, **overrides}
    names = {
        "energy": "ENERGY.csv",
        "economy": "ECONOMY.csv",
        "targets": "TARGETS.csv",
        "factors": "FACTORS.csv",
        "exclusions": "EXCLUSIONS.csv",
    }
    return {
        f"{k}_file": services.UploadedFile(name=names[k], data=v.encode("utf-8")) for k, v in texts.items()
    }


@pytest.fixture
def dataset(db, office_user):
    return services.import_dataset(user=office_user, name="测试数据集", **files())


@pytest.fixture
def local_factor(db, office_user):
    return services.save_local_factor(
        user=office_user, carrier="电力", year=2020, value=0.55, unit="tCO2/MWh", source="省厅公布（测试）"
    )
