import pytest

from oto_crm.tools.phone import (
    PhoneError,
    area_code,
    format_international,
    format_national,
    is_mobile,
    normalize_phone,
    phone_variants,
)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("+55 11 98765-4321", "+5511987654321"),
        ("(11) 98765-4321", "+5511987654321"),
        ("11987654321", "+5511987654321"),
        ("5511987654321", "+5511987654321"),
        ("011987654321", "+5511987654321"),
        ("0 41 11 98765-4321", "+5511987654321"),  # carrier code 41
        ("0055 11 98765 4321", "+5511987654321"),
        ("+55 (21) 9.8765.4321", "+5521987654321"),
        # old 8-digit mobile: the 9th digit is added
        ("(11) 8765-4321", "+5511987654321"),
        ("+55 31 8765-4321", "+5531987654321"),
        ("553187654321", "+5531987654321"),
        # landlines keep 8 digits
        ("(11) 3061-5500", "+551130615500"),
        ("+55 21 2522-1800", "+552125221800"),
        # other countries with their + code
        ("+351 912 345 678", "+351912345678"),
        ("+1 650 253 0000", "+16502530000"),
    ],
)
def test_normalize_valid(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw, code",
    [
        ("", "empty"),
        ("   ", "empty"),
        (None, "empty"),
        ("abc", "characters"),
        ("11 9876-543a", "characters"),
        ("ligar depois", "characters"),
        ("98765-4321", "too_short"),  # no area code
        ("+55 11 9876", "too_short"),
        ("+55 11 98765-43210", "too_long"),
        ("119876543210", "too_long"),
        ("(10) 98765-4321", "area_code"),  # 10 is not a DDD
        ("(20) 3061-5500", "area_code"),
        ("(11) 1234-5678", "invalid"),  # no number starts with 1
        ("+999 1234567", "invalid"),
    ],
)
def test_normalize_refuses(raw, code):
    with pytest.raises(PhoneError) as err:
        normalize_phone(raw)
    assert err.value.code == code


def test_variants_with_and_without_ninth_digit():
    assert phone_variants("+5511987654321") == ["+5511987654321", "+551187654321"]
    assert phone_variants("+551187654321") == ["+5511987654321", "+551187654321"]
    assert phone_variants("+551130615500") == ["+551130615500"]
    assert phone_variants("+351912345678") == ["+351912345678"]
    assert phone_variants("") == []


def test_mobile_area_code_and_display():
    assert is_mobile("+5511987654321")
    assert not is_mobile("+551130615500")
    assert area_code("+5531987654321") == 31
    assert area_code("+351912345678") is None
    assert format_national("+5511987654321") == "(11) 98765-4321"
    assert format_national("+551130615500") == "(11) 3061-5500"
    assert format_international("+5511987654321") == "+55 11 98765-4321"
    assert normalize_phone(format_international("+5511987654321")) == "+5511987654321"
