from decimal import Decimal

from carbonpeak.indicators.templatetags.indicator_tags import exact


def test_targets_keep_every_written_digit():
    assert exact(Decimal("99.867000")) == "99.867"
    assert exact(Decimal("99.870000")) == "99.87"
    assert exact(Decimal("135.500000")) == "135.5"
    assert exact(Decimal("100.000000")) == "100"
    assert exact(Decimal("441")) == "441"
    assert exact(None) == "—"


def test_exact_targets_get_thousands_separators():
    assert exact(Decimal("1150000")) == "1,150,000"
    assert exact(Decimal("5000.25")) == "5,000.25"
    assert exact(Decimal("-12345.5")) == "-12,345.5"
    assert exact(Decimal("999.5")) == "999.5"
