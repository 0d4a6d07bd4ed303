"""Excel tables of the credits app (export), declared once."""

from __future__ import annotations

from carbonpeak.core.tables import Column, Table

TOTALS = Table(
    name="carbon_inclusive_totals",
    title="碳普惠减排量汇总",
    note="按活动类型、乡镇（街道）和月份（北京时间）汇总；已扣除冲正。",
    columns=(
        Column("month", "月份"),
        Column("activity", "活动类型"),
        Column("township", "乡镇（街道）"),
        Column("activities", "活动数", "int", unit="次"),
        Column("reduction_kg", "减排量", "float", unit="kgCO2"),
        Column("points", "积分", "int", unit="分"),
    ),
)

REDEMPTIONS = Table(
    name="carbon_inclusive_redemptions",
    title="碳普惠兑换记录",
    columns=(
        Column("created_at", "兑换时间"),
        Column("reward", "权益"),
        Column("provider", "提供方"),
        Column("resident", "居民（脱敏）"),
        Column("code", "兑换码"),
        Column("points", "消耗积分", "int", unit="分"),
        Column("status", "状态"),
    ),
)
