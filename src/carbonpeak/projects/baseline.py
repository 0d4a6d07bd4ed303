"""Where the county baseline of an impact assessment comes from.

Either an accounting dataset in the database (by default the latest one of a region) or
the accounting input files (ENERGY, ECONOMY, TARGETS, EXCLUSIONS, FACTORS in the formats of
``carbonpeak accounting compute``). Both give the same :class:`Baseline`: the accounting
result, the economy rows (GDP path) and the targets.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carbonpeak.engine import accounting_io as aio
from carbonpeak.engine.accounting import AccountingError, AccountingResult, EconomyRow, compute
from carbonpeak.engine.factors import FactorError, FactorSet
from carbonpeak.engine.targets import Target


@dataclass
class Baseline:
    """The county figures an impact assessment starts from."""

    accounting: AccountingResult
    economy: list[EconomyRow]
    targets: list[Target]
    source: str
    #: The region's impact assumptions (database path only); a workbook's 参数 sheet overrides them.
    assumptions: Any = None
    #: The region's 两高 rules and review thresholds (database path only; services.Policy).
    policy: Any = None


def baseline_from_files(
    *,
    energy: str | Path,
    economy: str | Path,
    targets: str | Path | None = None,
    exclusions: str | Path | None = None,
    factors: str | Path | None = None,
    province: str = "湖南省",
    base_year: int = 2020,
    dataset: str = "CN_DEFAULT",
) -> Baseline:
    """Compute the baseline from accounting files exactly as ``carbonpeak accounting compute`` does.

    Raises
    ------
    AccountingError
        A bad file (Chinese message naming file, row and column).
    """
    energy_table = aio.read_table(energy)
    economy_table = aio.read_table(economy)
    energy_rows = aio.parse_energy(energy_table)
    economy_rows = aio.parse_economy(economy_table, base_year=base_year)
    aio.check_years_have_gdp(energy_rows, economy_rows, economy_table.filename)
    fs = FactorSet.default(province, dataset=dataset)
    if factors:
        table = aio.read_table(factors)
        try:
            fs = fs.with_user_factors(aio.factor_rows(table), filename=table.filename)
        except FactorError as exc:
            raise AccountingError(exc.message, file=table.filename, row=exc.row, column=exc.column) from None
    target_rows = aio.parse_targets(aio.read_table(targets)) if targets else []
    exclusion_rows = aio.parse_exclusions(aio.read_table(exclusions)) if exclusions else []
    result = compute(
        energy_rows,
        economy_rows,
        factor_set=fs,
        targets=target_rows,
        base_year=base_year,
        exclusions=exclusion_rows,
    )
    names = [Path(p).name for p in (energy, economy, targets, exclusions, factors) if p]
    return Baseline(
        accounting=result, economy=economy_rows, targets=target_rows, source="核算文件：" + "、".join(names)
    )
