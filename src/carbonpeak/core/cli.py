"""Helpers shared by the ``carbonpeak`` subcommands."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from carbonpeak.core.models import Region
from carbonpeak.core.regions import ensure_region, home_region


def add_region_argument(parser: Any) -> None:
    """``--region CODE``: the GB/T 2260 code of the region the command works in."""
    parser.add_argument(
        "--region",
        metavar="CODE",
        help="行政区划代码（GB/T 2260，6 位），默认为本平台的主行政区划（CARBONPEAK_HOME_REGION）",
    )


def region_option(code: str | None) -> Region:
    """The region named by ``--region`` (or the home region); exit 2 with a Chinese message if unknown."""
    if not code:
        return home_region()
    try:
        return ensure_region(code.strip())
    except ValueError as exc:
        raise CommandError(str(exc), returncode=2) from exc
