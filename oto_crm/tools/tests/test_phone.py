import pytest
from hypothesis import given
from hypothesis import strategies as st

from oto_crm.tools.phone import (
    PhoneError,
    area_code,
    format_display,
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


@pytest.mark.parametrize(
    "e164, home, shown",
    [
        # A Brazilian brand's customers, as people read them in Brazil.
        ("+5512978171525", 55, "(12) 97817-1525"),
        ("+551130615500", 55, "(11) 3061-5500"),
        # A foreign customer of a Brazilian brand: with the country code.
        ("+14155552671", 55, "+1 415-555-2671"),
        ("+351912345678", 55, "+351 912 345 678"),
        # A Portuguese brand: its own customers nationally, Brazil's not.
        ("+351912345678", 351, "912 345 678"),
        ("+5512978171525", 351, "+55 12 97817-1525"),
        # Nothing to format: shown as it is.
        ("", 55, ""),
        (None, 55, ""),
        ("+5511", 55, "+5511"),
        ("12978171525", 55, "12978171525"),
    ],
)
def test_display_as_read_where_the_brand_is(e164, home, shown):
    assert format_display(e164, home) == shown


@given(
    ddd=st.sampled_from([11, 12, 21, 31, 47, 61, 71, 85, 92]),
    subscriber=st.integers(min_value=90000000, max_value=99999999),
)
def test_any_brazilian_mobile_shown_reads_back_the_same(ddd, subscriber):
    e164 = normalize_phone(f"+55{ddd}9{subscriber}")
    shown = format_display(e164)
    assert shown.startswith(f"({ddd}) 9")
    # What the screen shows is what a seller types back into the search.
    assert normalize_phone(shown) == e164
    assert normalize_phone(format_display(e164, 1)) == e164
