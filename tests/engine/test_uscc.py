from carbonpeak.engine.uscc import check_character, check_uscc


def test_published_example_is_valid():
    # GB 32100-2015 example code
    assert check_uscc("91350100M000100Y43").valid


def test_check_character_computed():
    assert check_character("91350100M000100Y4") == "3"


def test_wrong_check_character_names_expected():
    r = check_uscc("91350100M000100Y44")
    assert not r.valid and "应为“3”" in r.message


def test_forbidden_letters_and_length():
    assert "第9位" in check_uscc("91350100O000100Y43").message
    assert "18位" in check_uscc("9135").message


def test_lowercase_and_blanks_normalised():
    r = check_uscc(" 91350100m000100y43 ")
    assert r.valid and r.normalized == "91350100M000100Y43"
