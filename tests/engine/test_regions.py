from carbonpeak.engine.regions import detect_province, short_name


def test_detect_province_takes_the_first_mention():
    text = "根据《湖南省人民政府关于印发〈湖南省碳达峰实施方案〉的通知》……参照广东省经验"
    assert detect_province(text) == "湖南省"


def test_detect_province_none_without_a_province():
    assert detect_province("某县碳达峰实施方案") is None


def test_short_names():
    assert short_name("湖南省") == "湖南"
    assert short_name("广西壮族自治区") == "广西"
    assert short_name("北京市") == "北京"
