from decimal import Decimal

import pytest

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


@pytest.mark.django_db
def test_indicator_list_keyword_search(office_client):
    from tests.indicators.factories import make_indicator

    make_indicator("新能源装机容量")
    make_indicator("森林覆盖率", unit="%")
    html = office_client.get("/indicators/?q=森林").content.decode()
    assert "森林覆盖率" in html and "新能源装机容量" not in html
    assert 'value="森林"' in html


@pytest.mark.django_db
def test_enterprise_list_keyword_search(office_client):
    from carbonpeak.enterprises.models import Enterprise

    Enterprise.objects.create(name="岳阳某化工有限公司", uscc="91430621MA4L0001XX", park="岳阳县工业园")
    Enterprise.objects.create(name="荣家湾某纺织厂", uscc="91430621MA4L0002XX", township="荣家湾镇")
    html = office_client.get("/enterprises/?q=化工").content.decode()
    assert "岳阳某化工有限公司" in html and "荣家湾某纺织厂" not in html
    html = office_client.get("/enterprises/?q=荣家湾镇").content.decode()
    assert "荣家湾某纺织厂" in html and "岳阳某化工有限公司" not in html
