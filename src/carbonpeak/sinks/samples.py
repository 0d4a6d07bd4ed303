"""Sample data: two forest inventories of the demo county (示例数据，仅供演示).

The areas and stock volumes are invented for the demonstration and are not any county's
official statistics. No species parameter is filled: the platform has no sourced value for
them, so the sample shows what the office sees first — the list of missing values and
where such values are published — and no computed figure until they are filled.
Idempotent: does nothing when the demo county already has an inventory.
"""

from __future__ import annotations

from typing import Any

from carbonpeak.sinks import services
from carbonpeak.sinks.models import ForestInventory

SAMPLE_FILE = "森林资源清单（示例数据，仅供演示）.csv"
SAMPLE_CSV = """year,species_group,area_hm2,volume_m3,counts_for_forest_cover
2020,杉木,21500,1562000,是
2020,马尾松,14800,1186000,是
2020,湿地松,3900,231000,是
2020,硬阔类,5200,402000,是
2020,软阔类,2100,118000,是
2020,竹林,4300,,是
2020,经济林,6800,,是
2020,灌木林,3500,,否
2024,杉木,21700,1718000,是
2024,马尾松,14600,1268000,是
2024,湿地松,3900,254000,是
2024,硬阔类,5400,447000,是
2024,软阔类,2200,131000,是
2024,竹林,4400,,是
2024,经济林,6900,,是
2024,灌木林,3300,,否
"""


def demo_region() -> Any:
    from carbonpeak.core.regions import home_region

    return home_region()


def load(stdout: Any) -> None:
    region = demo_region()
    if region is None:
        stdout.write("没有县级行政区划，跳过林业碳汇示例数据")
        return
    if ForestInventory.objects.in_region(region).exists():
        stdout.write("林业碳汇示例数据已存在，跳过")
        return
    services.import_inventory(
        region=region, data=SAMPLE_CSV.encode("utf-8"), filename=SAMPLE_FILE, user=None, is_sample=True
    )
    services.ensure_default_parameter_set(region=region, user=None)
    stdout.write(f"已载入{region.name}林业碳汇示例清单（示例数据，仅供演示；树种参数待碳达峰办按来源填写）")
